package org.hassette.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * End-to-end benchmarks of the real platform (issue 8): the runtime jar as a process, connected to
 * the simulator as a standalone process, with the benchmark app bundle in {@code deploy/}; the
 * official JS client as the peer against the same simulator in the same run.
 *
 * <p>Scenarios, in this order (one simulator process for all of them):
 * <ol>
 * <li>startup: cold start to {@code systemready} OK (simulator home of {@code --start-entities});
 * hot deploy of the app jar; reconnect after a dropped connection and after an HA restart;</li>
 * <li>ingest: simulator bench stream, coalesced frames, to 10 no-op listeners, per bench entity count;</li>
 * <li>latency at a steady rate;</li>
 * <li>burst with a slow listener;</li>
 * <li>peer: the platform is stopped, then the JS client consumes the same stream.</li>
 * </ol>
 * Prints one table and writes every figure as JSON.
 */
public final class PlatformBench {
    static final String TOKEN = "bench-token";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Command-line options; {@code --smoke} makes every scenario tiny (the build's smoke test). */
    static final class Options {
        Path root = Path.of(".").toAbsolutePath().normalize();
        Path work;
        Path json;
        long events = 200_000;
        int rounds = 3;
        int[] benchEntities = {1000, 16_384};
        long latencyEvents = 20_000;
        double latencyRate = 1000;
        long burstEvents = 200_000;
        long slowMs = 50;
        int startEntities = 5000;
        int coldStarts = 2;
        int reconnects = 3;
        boolean peer = true;
        java.util.Set<String> skip = new java.util.HashSet<>();
        String javaOpts = "-XX:+UseSerialGC -Xmx512m";
        Path runtimeJar;
        List<Path> etcFiles = new ArrayList<>();

        static Options parse(String[] args) {
            Options o = new Options();
            boolean smoke = Arrays.asList(args).contains("--smoke");
            if (smoke) {
                o.events = 2000;
                o.rounds = 1;
                o.benchEntities = new int[] {100};
                o.latencyEvents = 200;
                o.burstEvents = 3000;
                o.slowMs = 20;
                o.startEntities = 50;
                o.coldStarts = 1;
                o.reconnects = 1;
            }
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--smoke" -> { }
                    case "--no-peer" -> o.peer = false;
                    case "--skip" -> o.skip.addAll(Arrays.asList(args[++i].split(",")));
                    case "--root" -> o.root = Path.of(args[++i]).toAbsolutePath().normalize();
                    case "--work" -> o.work = Path.of(args[++i]).toAbsolutePath().normalize();
                    case "--json" -> o.json = Path.of(args[++i]).toAbsolutePath().normalize();
                    case "--events" -> o.events = Long.parseLong(args[++i]);
                    case "--rounds" -> o.rounds = Integer.parseInt(args[++i]);
                    case "--entities" -> o.benchEntities = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
                    case "--latency-events" -> o.latencyEvents = Long.parseLong(args[++i]);
                    case "--latency-rate" -> o.latencyRate = Double.parseDouble(args[++i]);
                    case "--burst-events" -> o.burstEvents = Long.parseLong(args[++i]);
                    case "--slow-ms" -> o.slowMs = Long.parseLong(args[++i]);
                    case "--start-entities" -> o.startEntities = Integer.parseInt(args[++i]);
                    case "--cold-starts" -> o.coldStarts = Integer.parseInt(args[++i]);
                    case "--reconnects" -> o.reconnects = Integer.parseInt(args[++i]);
                    case "--java-opts" -> o.javaOpts = args[++i];
                    case "--runtime-jar" -> o.runtimeJar = Path.of(args[++i]).toAbsolutePath().normalize();
                    case "--etc-file" -> o.etcFiles.add(Path.of(args[++i]).toAbsolutePath().normalize());
                    case "-h", "--help" -> throw new IllegalArgumentException(null, null);
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            }
            if (o.work == null) {
                o.work = o.root.resolve("target/bench");
            }
            if (o.json == null) {
                o.json = o.work.resolve("results.json");
            }
            return o;
        }
    }

    static final String USAGE = """
            usage: PlatformBench [--root DIR] [--work DIR] [--json FILE] [--smoke] [--no-peer] [--skip ingest,latency,burst,peer]
                   [--events N] [--rounds R] [--entities 1000,16384] [--latency-events N] [--latency-rate R]
                   [--burst-events N] [--slow-ms M] [--start-entities N] [--cold-starts N] [--reconnects N]
                   [--java-opts "..."] [--runtime-jar FILE (another build to compare)]
                   [--etc-file FILE (a configuration file copied into the home's etc/, repeatable)]""";

    private final Options o;
    private final PrintStream out;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectNode results = JSON.createObjectNode();
    private final List<String[]> table = new ArrayList<>();
    private Path simJar;
    private Path simLib;
    private Path appJar;
    private Path runtimeJar;
    private Proc sim;
    private String simUrl;
    private Proc platform;
    private int httpPort;
    private Path home;

    PlatformBench(Options o, PrintStream out) {
        this.o = o;
        this.out = out;
    }

    public static void main(String[] args) {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage() == null ? USAGE : "bench: " + e.getMessage() + "\n" + USAGE);
            System.exit(e.getMessage() == null ? 0 : 2);
            return;
        }
        try {
            new PlatformBench(o, System.out).run();
            System.exit(0);
        } catch (Exception e) {
            System.err.println("bench: failed: " + e.getMessage());
            e.printStackTrace();
            System.exit(1);
        }
    }

    /** Runs every scenario, prints the table, writes the JSON; returns the JSON. */
    ObjectNode run() throws Exception {
        locate();
        Files.createDirectories(o.work);
        results.put("started", Instant.now().toString());
        results.set("machine", machine());
        Path token = o.work.resolve("token");
        Files.writeString(token, TOKEN);
        try {
            startSimulator();
            startup(token);
            if (!o.skip.contains("ingest")) {
                ingest();
            }
            if (!o.skip.contains("latency")) {
                latency();
            }
            if (!o.skip.contains("burst")) {
                burst();
            }
            platform.stop();
            platform = null;
            if (o.peer && !o.skip.contains("peer")) {
                peer();
            }
        } finally {
            if (platform != null) {
                platform.stop();
            }
            if (sim != null) {
                sim.stop();
            }
        }
        results.put("finished", Instant.now().toString());
        ratios();
        Files.createDirectories(o.json.getParent());
        JSON.writeValue(o.json.toFile(), results);
        printTable();
        out.println("JSON: " + o.json);
        return results;
    }

    // ---- parts -----------------------------------------------------------------------------------

    private void locate() throws IOException {
        runtimeJar = o.runtimeJar != null ? o.runtimeJar : o.root.resolve("runtime/target/hassette/hassette.jar");
        Path simTarget = o.root.resolve("tools/org.hassette.simulator/target");
        simJar = jar(simTarget, "org.hassette.simulator-");
        simLib = simTarget.resolve("lib");
        appJar = jar(o.root.resolve("tools/org.hassette.bench.app/target"), "org.hassette.bench.app-");
        for (Path p : List.of(runtimeJar, simJar, simLib, appJar)) {
            if (!Files.exists(p)) {
                throw new IllegalStateException("missing " + p + ": build with mvn -B package -DskipTests first");
            }
        }
    }

    private static Path jar(Path dir, String prefix) throws IOException {
        if (!Files.isDirectory(dir)) {
            return dir.resolve(prefix + "*.jar");
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith(prefix) && n.endsWith(".jar") && !n.contains("sources") && !n.contains("tests");
            }).findFirst().orElse(dir.resolve(prefix + "*.jar"));
        }
    }

    private ObjectNode machine() {
        ObjectNode m = JSON.createObjectNode();
        m.put("cpus", Runtime.getRuntime().availableProcessors());
        m.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        m.put("load_average_at_start", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        try {
            String mem = Files.readAllLines(Path.of("/proc/meminfo")).get(0).replaceAll("\\s+", " ");
            m.put("memory", mem);
        } catch (IOException | RuntimeException e) {
            m.put("memory", "unknown");
        }
        return m;
    }

    private void startSimulator() throws Exception {
        int port = freePort();
        List<String> cmd = new ArrayList<>(List.of("java", "-XX:+UseSerialGC", "-Xmx1g", "-cp",
                simJar + ":" + simLib + "/*", "org.hassette.simulator.Main", "--port", Integer.toString(port),
                "--token", TOKEN, "--entities", Integer.toString(o.startEntities)));
        sim = Proc.start("simulator", cmd, o.work, Map.of(), o.work.resolve("logs/simulator.log"));
        sim.awaitLine(l -> l.startsWith("listening on"), Duration.ofSeconds(60), "'listening on' line");
        simUrl = "http://127.0.0.1:" + port;
    }

    private Proc startPlatform(Path token) throws IOException {
        httpPort = freePort();
        List<String> cmd = new ArrayList<>();
        cmd.add("java");
        cmd.addAll(Arrays.asList(o.javaOpts.trim().split("\\s+")));
        cmd.addAll(List.of("-jar", runtimeJar.toString(), "run", "--home", home.toString(), "--http-port",
                Integer.toString(httpPort), "--ha-url", simUrl, "--ha-token-file", token.toString()));
        Map<String, String> env = Map.of("HASSETTE_CONSOLE_USER", "bench", "HASSETTE_CONSOLE_PASSWORD", "bench-console");
        return Proc.start("platform", cmd, o.work, env, o.work.resolve("logs/platform.log"));
    }

    // ---- startup, hot deploy, reconnect ----------------------------------------------------------

    private void startup(Path token) throws Exception {
        home = o.work.resolve("home");
        deleteTree(home);
        for (Path f : o.etcFiles) {
            Files.createDirectories(home.resolve("etc"));
            Files.copy(f, home.resolve("etc").resolve(f.getFileName()));
        }
        Series cold = new Series();
        for (int i = 0; i < o.coldStarts; i++) {
            Files.deleteIfExists(home.resolve("deploy/org.hassette.bench.app.jar"));
            long t0 = System.nanoTime();
            long launchedMs = System.currentTimeMillis();
            platform = startPlatform(token);
            platform.awaitLine(l -> l.startsWith("Hassette is up"), Duration.ofSeconds(120), "'Hassette is up' line");
            double httpUp = (System.nanoTime() - t0) / 1e6;
            awaitReady(Duration.ofSeconds(120));
            double ready = (System.nanoTime() - t0) / 1e6;
            cold.add(i == 0 ? "first start (new home)" : "restart (same home)", ready, httpUp);
            ObjectNode phases = phases(launchedMs);
            phases.put("http_up", Math.round(httpUp)).put("systemready_ok", Math.round(ready));
            ((ObjectNode) cold.json.get(i)).set("phases_ms", phases);
            out.printf(Locale.ROOT, "bench: start %d: %s%n", i + 1, phases);
            if (i < o.coldStarts - 1) {
                platform.stop();
            }
        }
        results.set("cold_start", cold.json);
        double best = cold.min();
        row("Startup", "cold start to systemready OK (" + o.startEntities + " entities)",
                fmt("%.0f ms", best) + (o.coldStarts > 1 ? " (" + cold.list() + ")" : ""), "< 1,500 ms",
                "process launch to first HTTP 200 of /system/health/systemready.json; best of " + o.coldStarts);

        // hot deploy: the app jar appears in deploy/ (atomic move, as a careful copy would)
        Path deploy = home.resolve("deploy");
        Files.createDirectories(deploy);
        Path part = deploy.resolve("org.hassette.bench.app.jar.part");
        Files.copy(appJar, part, StandardCopyOption.REPLACE_EXISTING);
        long copiedUs = nowUs();
        Files.move(part, deploy.resolve("org.hassette.bench.app.jar"), StandardCopyOption.ATOMIC_MOVE);
        JsonNode p = awaitProbe(n -> n.path("app_live").asBoolean(), Duration.ofSeconds(60), "the bench app to start");
        double hot = (p.path("app_started_us").asLong() - copiedUs) / 1000.0;
        results.put("hot_deploy_ms", hot);
        row("Startup", "hot deploy: jar moved into deploy/ -> 10 listeners live", fmt("%.0f ms", hot), "< 500 ms",
                "FileInstall poll of deploy/ is 250 ms");

        // reconnect: connection dropped (network failure) and HA restarted (1 s down)
        Series drops = new Series();
        for (int i = 0; i < o.reconnects; i++) {
            drops.add("drop", reconnect(false), 0);
        }
        results.set("reconnect_drop_ms", drops.json);
        row("Startup", "reconnect: connection dropped -> app listeners live again", fmt("%.0f ms", drops.median())
                + " (" + drops.list() + ")", "< 300 ms", "median of " + o.reconnects + "; after a connection that served >= 1 s");
        double restart = reconnect(true);
        results.put("reconnect_after_restart_ms", restart);
        row("Startup", "reconnect: HA restart, 1 s down -> listeners live, from when it accepts", fmt("%.0f ms", restart),
                "< 300 ms", "measured from the end of the simulator's downtime");
    }

    /** Log markers of a start, in ms after the launch: where the start-up time goes. */
    private static final String[][] MARKERS = {
        {"first_log_line", ""},
        {"scr_started", "org.apache.felix.scr:"},
        {"core_waiting", "Waiting for core resources"},
        {"database_ready", "Database "},
        {"ha_connected", "Connected to Home Assistant"},
        {"state_cache_synced", "State cache synced"},
        {"core_ready", "Hassette core ready"},
        {"local_shell", "Local shell listening"},
        // (Web Console's and Health Check's INFO lines, once markers too, are WARN-only in etc/logback.xml)
    };

    private ObjectNode phases(long launchedMs) {
        ObjectNode n = JSON.createObjectNode();
        java.time.format.DateTimeFormatter f = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");
        try {
            for (String line : Files.readAllLines(home.resolve("logs/hassette.log"), StandardCharsets.UTF_8)) {
                if (line.length() < 23 || !Character.isDigit(line.charAt(0))) {
                    continue;
                }
                long t;
                try {
                    t = java.time.LocalDateTime.parse(line.substring(0, 23), f).atZone(java.time.ZoneId.systemDefault())
                            .toInstant().toEpochMilli();
                } catch (RuntimeException e) {
                    continue;
                }
                if (t < launchedMs) {
                    continue;
                }
                for (String[] m : MARKERS) {
                    if (!n.has(m[0]) && line.contains(m[1])) {
                        n.put(m[0], t - launchedMs);
                    }
                }
            }
        } catch (IOException e) {
            n.put("error", e.toString());
        }
        return n;
    }

    /** Drops the connection (or restarts HA with 1 s downtime); returns ms until the app's listeners are live again. */
    private double reconnect(boolean restart) throws Exception {
        // a real drop ends a connection that served for a while (the websocket retries those at once)
        Thread.sleep(1500);
        JsonNode before = probe();
        long starts = before.path("app_starts").asLong();
        long gen = before.path("ws_generation").asLong();
        long t0 = nowUs();
        if (restart) {
            simPost("/sim/restart", "{\"downtime_seconds\":1}");
            t0 += 1_000_000;
        } else {
            simPost("/sim/drop", "{}");
        }
        JsonNode after = awaitProbe(n -> n.path("app_starts").asLong() > starts && n.path("app_live").asBoolean()
                && n.path("ws_generation").asLong() > gen, Duration.ofSeconds(60), "the app to restart after reconnect");
        awaitReady(Duration.ofSeconds(30));
        double ms = (after.path("app_started_us").asLong() - t0) / 1000.0;
        out.printf(Locale.ROOT, "bench: reconnect (%s): %.0f ms%n", restart ? "restart" : "drop", ms);
        return ms;
    }

    // ---- ingest ----------------------------------------------------------------------------------

    private void ingest() throws Exception {
        ObjectNode all = results.putObject("ingest");
        for (int entities : o.benchEntities) {
            Series runs = new Series();
            ArrayNode raw = all.putArray(Integer.toString(entities));
            for (int r = 0; r < o.rounds; r++) {
                ObjectNode run = ingestRound(entities, o.events);
                raw.add(run);
                runs.add("round " + (r + 1), run.path("events_per_second").asDouble(), run.path("cpu_us_per_event").asDouble());
            }
            all.putObject(entities + "_summary").put("cold_eps", runs.values.get(0)).put("warm_eps", runs.warmMedian())
                    .put("cold_cpu_us", runs.extras.get(0)).put("warm_cpu_us", runs.warmMedianExtra());
            row("Ingest", "platform, " + entities + " entities: events/s cold | warm", fmt("%,.0f | %,.0f", runs.values.get(0),
                    runs.warmMedian()), "", o.events + " events per round, " + o.rounds + " rounds; warm = median of rounds 2+");
            long lost = 0;
            for (JsonNode run : raw) {
                lost += run.path("events").asLong() - run.path("delivered_to_every_listener").asLong();
            }
            if (lost > 0) {
                row("Ingest", "platform, " + entities + " entities: events NOT delivered to every listener",
                        fmt("%,d of %,d", lost, o.events * o.rounds), "0", "dropped by the bounded queues (overflow policy): the stream was"
                        + " faster than the platform; events/s counts delivered events");
            }
            row("Ingest", "platform, " + entities + " entities: CPU us/event cold | warm",
                    fmt("%.1f | %.1f", runs.extras.get(0), runs.warmMedianExtra()), "", "process CPU time of the platform JVM");
        }
    }

    private ObjectNode ingestRound(int entities, long count) throws Exception {
        JsonNode base = probe();
        long wsDropped0 = base.path("ws_events_dropped").asLong();
        long lDropped0 = base.path("listener_dropped").asLong();
        probePost("/arm?count=" + count);
        simPost("/sim/bench", "{\"count\":" + count + ",\"entities\":" + entities + ",\"rate\":0}");
        JsonNode end = awaitRun(count);
        ObjectNode run = JSON.createObjectNode();
        run.put("events", count).put("entities", entities);
        fill(run, end, count);
        run.put("ws_events_dropped", end.path("ws_events_dropped").asLong() - wsDropped0);
        run.put("listener_dropped", end.path("listener_dropped").asLong() - lDropped0);
        run.set("simulator", simGet("/sim/bench"));
        out.printf(Locale.ROOT, "bench: ingest %d entities: %,.0f events/s, %.1f us CPU/event%s%n", entities,
                run.path("events_per_second").asDouble(), run.path("cpu_us_per_event").asDouble(),
                run.path("complete").asBoolean() ? "" : " (INCOMPLETE: " + end.path("min_count").asLong() + " of " + count + ")");
        return run;
    }

    private static void fill(ObjectNode run, JsonNode end, long count) {
        boolean complete = end.path("done_listeners").asInt() == 10;
        long first = end.path("first_sent_us").asLong();
        if (first <= 0) {
            first = end.path("armed_us").asLong();
        }
        long last = complete ? end.path("end_us").asLong() : end.path("last_handled_us").asLong();
        long cpu = (complete ? end.path("end_cpu_ns").asLong() : end.path("cpu_ns").asLong()) - end.path("armed_cpu_ns").asLong();
        long delivered = complete ? count : end.path("min_count").asLong();
        run.put("complete", complete).put("delivered_to_every_listener", delivered);
        run.put("seconds", (last - first) / 1e6);
        run.put("events_per_second", delivered / Math.max(1e-6, (last - first) / 1e6));
        run.put("cpu_us_per_event", cpu / 1000.0 / Math.max(1, delivered));
        run.put("out_of_order", end.path("out_of_order").asLong());
    }

    private JsonNode awaitRun(long count) throws Exception {
        Duration limit = Duration.ofSeconds(60 + count / 2000);
        long deadline = System.nanoTime() + limit.toNanos();
        long lastMin = -1;
        long lastProgress = System.nanoTime();
        while (true) {
            JsonNode n = probe();
            if (n.path("done_listeners").asInt() == 10) {
                return n;
            }
            long min = n.path("min_count").asLong();
            if (min != lastMin) {
                lastMin = min;
                lastProgress = System.nanoTime();
            }
            // no progress for 5 s (events dropped): report what arrived
            if (System.nanoTime() > deadline || System.nanoTime() - lastProgress > 5_000_000_000L) {
                return n;
            }
            Thread.sleep(50);
        }
    }

    // ---- latency ---------------------------------------------------------------------------------

    private void latency() throws Exception {
        // steady state: the garbage of the ingest rounds is collected first, not inside this run
        probePost("/gc");
        probePost("/arm?count=" + o.latencyEvents + "&latency=1");
        simPost("/sim/bench", "{\"count\":" + o.latencyEvents + ",\"entities\":1000,\"rate\":" + o.latencyRate + "}");
        JsonNode end = awaitRun(o.latencyEvents);
        JsonNode lat = end.path("latency_us");
        ObjectNode r = results.putObject("latency");
        r.put("events", o.latencyEvents).put("rate", o.latencyRate).put("complete", end.path("done_listeners").asInt() == 10);
        r.set("handler_entered_us", lat);
        r.set("simulator", simGet("/sim/bench"));
        row("Latency", fmt("sent -> handler entered at %,.0f events/s: p50 | p99 | p99.9 | max", o.latencyRate),
                fmt("%.0f | %.0f | %.0f | %.0f us", lat.path("p50").asDouble(), lat.path("p99").asDouble(),
                        lat.path("p999").asDouble(), lat.path("max").asDouble()),
                "p99 < 1,000 us", lat.path("n").asLong() + " handler entries (" + o.latencyEvents + " events x 10 listeners)");
        out.printf(Locale.ROOT, "bench: latency %s%n", lat);
    }

    // ---- burst -----------------------------------------------------------------------------------

    private void burst() throws Exception {
        JsonNode g0 = probePost("/gc");
        long heap0 = g0.path("heap_used").asLong();
        long gen0 = g0.path("ws_generation").asLong();
        long wsDropped0 = g0.path("ws_events_dropped").asLong();
        long lDropped0 = g0.path("listener_dropped").asLong();
        probePost("/slow?ms=" + o.slowMs);
        probePost("/arm?count=" + o.burstEvents);
        int connections0 = simGet("/sim/status").path("connections").size();
        simPost("/sim/bench", "{\"count\":" + o.burstEvents + ",\"entities\":1000,\"rate\":0}");
        long maxPending = 0;
        long peakHeap = heap0;
        long samples = 0;
        JsonNode end;
        long deadline = System.nanoTime() + Duration.ofSeconds(120 + o.burstEvents / 2000).toNanos();
        long lastProbe = 0;
        long lastMin = -1;
        long lastProgress = System.nanoTime();
        while (true) {
            JsonNode st = simGet("/sim/status");
            samples++;
            for (JsonNode c : st.path("connections")) {
                maxPending = Math.max(maxPending, c.path("pending").asLong());
            }
            if (System.nanoTime() - lastProbe > 100_000_000L) {
                lastProbe = System.nanoTime();
                end = probe();
                peakHeap = Math.max(peakHeap, end.path("heap_used").asLong());
                long min = end.path("min_count").asLong();
                if (min != lastMin) {
                    lastMin = min;
                    lastProgress = System.nanoTime();
                }
                // done, or events were dropped and nothing moved for 5 s
                if (end.path("done_listeners").asInt() == 10 || System.nanoTime() > deadline
                        || System.nanoTime() - lastProgress > 5_000_000_000L) {
                    break;
                }
            }
            Thread.sleep(10);
        }
        end = probe();
        JsonNode simStatus = simGet("/sim/status");
        ObjectNode r = results.putObject("burst");
        r.put("events", o.burstEvents).put("slow_listener_sleep_ms", o.slowMs);
        fill(r, end, o.burstEvents);
        peakHeap = Math.max(peakHeap, end.path("heap_peak_sampled").asLong());
        r.put("heap_before_bytes", heap0).put("heap_peak_sampled_bytes", peakHeap);
        r.set("slow_listener", end.path("slow"));
        r.put("ws_events_dropped", end.path("ws_events_dropped").asLong() - wsDropped0);
        r.put("fast_listeners_dropped", end.path("listener_dropped").asLong() - lDropped0);
        r.put("max_pending_sampled", maxPending).put("pending_samples", samples);
        r.put("connections_before", connections0).put("connections_after", simStatus.path("connections").size());
        r.put("ws_generation_before", gen0).put("ws_generation_after", end.path("ws_generation").asLong());
        r.set("simulator", simGet("/sim/bench"));
        JsonNode slowBefore = end.path("slow");
        probePost("/slow?ms=0");
        JsonNode g1 = probePost("/gc");
        long heap1 = g1.path("heap_used").asLong();
        r.put("heap_after_gc_bytes", heap1);
        double growthMb = (peakHeap - heap0) / 1048576.0;
        double retainedMb = (heap1 - heap0) / 1048576.0;
        boolean sameConnection = end.path("ws_generation").asLong() == gen0;
        row("Burst", fmt("%,d events, one listener sleeps %d ms/event: events/s to the 10 fast listeners", o.burstEvents, o.slowMs),
                fmt("%,.0f", r.path("events_per_second").asDouble()), "", r.path("complete").asBoolean() ? "all delivered, in order"
                        : "INCOMPLETE: " + end.path("min_count").asLong() + " delivered");
        row("Burst", "heap growth: peak sampled | retained after GC", fmt("%.1f | %.1f MB", growthMb, retainedMb), "< 100 MB",
                "heap used after GC before the burst: " + fmt("%.1f MB", heap0 / 1048576.0) + "; -Xmx512m, SerialGC");
        // every bench event reaches the router unless the websocket or the bus ingress dropped it;
        // the slow listener's 'received' counts what the router handed it (queued or dropped)
        long ingressDropped = o.burstEvents - r.path("ws_events_dropped").asLong() - slowBefore.path("received").asLong();
        r.put("bus_ingress_dropped_derived", ingressDropped);
        row("Burst", "slow listener: entered | dropped (its queue of 1,000 full: newest dropped)",
                fmt("%,d | %,d", slowBefore.path("entered").asLong(), slowBefore.path("dropped").asLong()), "",
                "events dropped by the websocket queue: " + r.path("ws_events_dropped").asLong() + ", at the bus ingress: "
                        + ingressDropped + ", by the 10 fast listeners' queues: " + r.path("fast_listeners_dropped").asLong());
        row("Burst", "simulator pending messages: max sampled (HA drops > 1,024 for 10 s)", fmt("%,d", maxPending), "<= 1,024",
                (sameConnection ? "same connection throughout (generation " + gen0 + ")" : "RECONNECTED during the burst")
                        + "; " + samples + " samples");
        out.printf(Locale.ROOT, "bench: burst %s%n", r);
    }

    // ---- peer ------------------------------------------------------------------------------------

    private void peer() throws Exception {
        Path dir = o.work.resolve("node");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("package.json"), """
                {"name":"hassette-bench-peer","version":"0.0.0","private":true,"type":"module",
                 "dependencies":{"home-assistant-js-websocket":"9.7.0","ws":"8.23.0"}}
                """);
        try (InputStream in = PlatformBench.class.getResourceAsStream("peer.mjs")) {
            Files.write(dir.resolve("peer.mjs"), in.readAllBytes());
        }
        if (!Files.isDirectory(dir.resolve("node_modules/home-assistant-js-websocket"))) {
            Proc npm = Proc.start("npm", List.of("npm", "install", "--no-audit", "--no-fund", "--no-package-lock",
                    "--prefer-offline", "--loglevel=error"), dir, Map.of(), o.work.resolve("logs/npm.log"));
            if (!npm.process.waitFor(300, java.util.concurrent.TimeUnit.SECONDS) || npm.process.exitValue() != 0) {
                npm.stop();
                throw new IllegalStateException("npm install failed in " + dir + "; see " + npm.log);
            }
        }
        ObjectNode all = results.putObject("peer");
        for (int entities : o.benchEntities) {
            Map<String, String> env = Map.of("HA_URL", simUrl, "HA_TOKEN", TOKEN, "BENCH_COUNT", Long.toString(o.events),
                    "BENCH_ROUNDS", Integer.toString(o.rounds));
            Series runs = new Series();
            ArrayNode raw = all.putArray(Integer.toString(entities));
            try (Proc node = Proc.start("node", List.of("node", "peer.mjs"), dir, env, o.work.resolve("logs/node.log"))) {
                for (int r = 0; r < o.rounds; r++) {
                    node.awaitLine(l -> l.startsWith("{\"ready\""), Duration.ofSeconds(60), "ready line of round " + r);
                    simPost("/sim/bench", "{\"count\":" + o.events + ",\"entities\":" + entities + ",\"rate\":0}");
                    JsonNode res = JSON.readTree(node.awaitLine(l -> l.startsWith("{\"round\""),
                            Duration.ofSeconds(120 + o.events / 2000), "result of round " + r));
                    ObjectNode run = (ObjectNode) res;
                    double secs = (res.path("end_us").asLong() - res.path("first_sent_us").asLong()) / 1e6;
                    run.put("events_per_second", o.events / secs);
                    run.put("cpu_us_per_event", res.path("cpu_us").asDouble() / o.events);
                    run.set("simulator", simGet("/sim/bench"));
                    raw.add(run);
                    runs.add("round " + (r + 1), o.events / secs, res.path("cpu_us").asDouble() / o.events);
                    out.printf(Locale.ROOT, "bench: peer %d entities: %,.0f events/s, %.1f us CPU/event%n", entities,
                            o.events / secs, res.path("cpu_us").asDouble() / o.events);
                }
            }
            all.putObject(entities + "_summary").put("cold_eps", runs.values.get(0)).put("warm_eps", runs.warmMedian())
                    .put("cold_cpu_us", runs.extras.get(0)).put("warm_cpu_us", runs.warmMedianExtra());
        }
    }

    private void ratios() {
        JsonNode ingest = results.path("ingest");
        JsonNode peer = results.path("peer");
        for (int entities : o.benchEntities) {
            JsonNode a = peer.path(entities + "_summary");
            if (a.isMissingNode()) {
                continue;
            }
            JsonNode p = ingest.path(entities + "_summary");
            row("Peer", "home-assistant-js-websocket 9.7.0, " + entities + " entities: events/s cold | warm",
                    fmt("%,.0f | %,.0f", a.path("cold_eps").asDouble(), a.path("warm_eps").asDouble()), "",
                    "same simulator, same stream, after the platform was stopped");
            row("Peer", "home-assistant-js-websocket, " + entities + " entities: CPU us/event cold | warm",
                    fmt("%.1f | %.1f", a.path("cold_cpu_us").asDouble(), a.path("warm_cpu_us").asDouble()), "", "node process CPU");
            double cold = p.path("cold_eps").asDouble() / a.path("cold_eps").asDouble();
            double warm = p.path("warm_eps").asDouble() / a.path("warm_eps").asDouble();
            ((ObjectNode) results.with("ratio")).put(entities + "_cold", cold).put(entities + "_warm", warm);
            row("Peer", "ratio platform / official client, " + entities + " entities: cold | warm", fmt("%.2fx | %.2fx", cold, warm),
                    ">= 4x", "events/s, platform with 10 listeners through bus and cache");
        }
    }

    // ---- HTTP --------------------------------------------------------------------------------------

    private JsonNode probe() throws Exception {
        return getJson("http://127.0.0.1:" + httpPort + "/bench/probe", false);
    }

    private JsonNode probePost(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/bench/probe" + path))
                .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("POST /bench/probe" + path + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }

    private JsonNode awaitProbe(java.util.function.Predicate<JsonNode> test, Duration timeout, String what) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/bench/probe"))
                        .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    last = JSON.readTree(r.body());
                    if (test.test(last)) {
                        return last;
                    }
                }
            } catch (IOException e) {
                // not up yet
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException("timed out after " + timeout.toSeconds() + " s waiting for " + what + "; last probe: " + last
                + "; see " + o.work.resolve("logs/platform.log") + " and " + home.resolve("logs/hassette.log"));
    }

    private void awaitReady(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        URI uri = URI.create("http://127.0.0.1:" + httpPort + "/system/health/systemready.json");
        int last = -1;
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                last = r.statusCode();
                if (last == 200) {
                    return;
                }
            } catch (IOException e) {
                // HTTP not up yet
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException("systemready not OK within " + timeout.toSeconds() + " s (last HTTP " + last + "); see "
                + home.resolve("logs/hassette.log"));
    }

    private JsonNode simGet(String path) throws Exception {
        return getJson(simUrl + path, true);
    }

    private JsonNode getJson(String url, boolean auth) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET();
        if (auth) {
            b.header("Authorization", "Bearer " + TOKEN);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET " + url + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }

    private JsonNode simPost(String path, String body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(simUrl + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException("POST " + path + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return r.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.body());
    }

    // ---- output --------------------------------------------------------------------------------------

    private void row(String scenario, String metric, String value, String target, String note) {
        // cells must not hold the column separator: "cold | warm" reads "cold / warm"
        table.add(new String[] {scenario, metric.replace(" | ", " / "), value.replace(" | ", " / "), target, note.replace("|", "/")});
    }

    void printTable() {
        String[] head = {"scenario", "metric", "measured", "target", "note"};
        int[] w = new int[head.length];
        for (int i = 0; i < head.length; i++) {
            w[i] = head[i].length();
        }
        for (String[] r : table) {
            for (int i = 0; i < r.length; i++) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        StringBuilder b = new StringBuilder();
        line(b, head, w);
        String[] sep = new String[head.length];
        for (int i = 0; i < sep.length; i++) {
            sep[i] = "-".repeat(w[i]);
        }
        line(b, sep, w);
        for (String[] r : table) {
            line(b, r, w);
        }
        JsonNode m = results.path("machine");
        b.append(fmt("machine: %d CPUs, %s, %s; load average at start %.2f%n", m.path("cpus").asInt(), m.path("memory").asText(),
                m.path("jdk").asText(), m.path("load_average_at_start").asDouble()));
        b.append(fmt("load average at end %.2f%n", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
        out.print(b);
    }

    private static void line(StringBuilder b, String[] cells, int[] w) {
        b.append("| ");
        for (int i = 0; i < cells.length; i++) {
            b.append(cells[i]).append(" ".repeat(w[i] - cells[i].length())).append(i == cells.length - 1 ? " |\n" : " | ");
        }
    }

    static String fmt(String f, Object... args) {
        return String.format(Locale.ROOT, f, args);
    }

    static long nowUs() {
        Instant i = Instant.now();
        return i.getEpochSecond() * 1_000_000L + i.getNano() / 1000;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }

    /** Labelled values of repeated runs with an optional second figure each (e.g. events/s and CPU). */
    private static final class Series {
        final ArrayNode json = JSON.createArrayNode();
        final List<Double> values = new ArrayList<>();
        final List<Double> extras = new ArrayList<>();

        void add(String label, double value, double extra) {
            values.add(value);
            extras.add(extra);
            json.addObject().put("label", label).put("value", value).put("extra", extra);
        }

        double min() {
            return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
        }

        double median() {
            return median(values);
        }

        double warmMedian() {
            return values.size() == 1 ? values.get(0) : median(values.subList(1, values.size()));
        }

        double warmMedianExtra() {
            return extras.size() == 1 ? extras.get(0) : median(extras.subList(1, extras.size()));
        }

        String list() {
            return String.join(", ", values.stream().map(v -> fmt("%.0f", v)).toList());
        }

        private static double median(List<Double> l) {
            double[] a = l.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            return a.length == 0 ? Double.NaN : a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
        }
    }
}
