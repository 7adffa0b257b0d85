package org.hassette.simulator.internal;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.hassette.simulator.BenchResult;
import org.hassette.simulator.ConnectionInfo;

/**
 * One running simulator: the home, the listening socket, its connections and injected faults. No
 * static state, so several can run in one JVM (or one OSGi framework); {@link #stop()} ends every
 * thread it started and closes every socket.
 */
public final class SimCore {

    private static final System.Logger LOG = System.getLogger(SimCore.class.getName());

    private final SimSettings settings;
    private final Faults faults = new Faults();
    private final CommandLog recorder;
    private final ScheduledThreadPoolExecutor scheduler;
    private final Home home;
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private final Set<Socket> httpSockets = ConcurrentHashMap.newKeySet();
    private final Map<Long, WsConnection> connections = new ConcurrentHashMap<>();
    private final AtomicLong connectionIds = new AtomicLong();
    private final AtomicLong threadIds = new AtomicLong();
    private final List<ScheduledFuture<?>> tasks = new ArrayList<>();
    private final RestApi rest;
    private final long startMicros;
    private ServerSocket server;
    private volatile boolean running;
    private volatile BenchStatus lastBench;

    /** Progress of the last bench started through the control API. */
    public static final class BenchStatus {
        public final java.util.concurrent.CompletableFuture<BenchResult> future = new java.util.concurrent.CompletableFuture<>();
        public volatile boolean done;
        public volatile BenchResult result;
        public volatile String error;
    }

    public SimCore(SimSettings settings) {
        this.settings = settings;
        this.recorder = new CommandLog(settings.recorderCapacity);
        this.scheduler = new ScheduledThreadPoolExecutor(1, r -> newThread(r, "ha-sim-scheduler"));
        scheduler.setRemoveOnCancelPolicy(true);
        scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        HomeConfig config = new HomeConfig();
        if (settings.scenario != null) {
            settings.scenario.applyTo(config);
        }
        if (settings.haVersion != null) {
            config.haVersion = settings.haVersion;
        }
        this.home = new Home(settings.clock, config, scheduler);
        this.rest = new RestApi(this);
        this.startMicros = home.now();
    }

    public SimSettings settings() {
        return settings;
    }

    public Faults faults() {
        return faults;
    }

    public CommandLog recorder() {
        return recorder;
    }

    public Home home() {
        return home;
    }

    public ScheduledExecutorService scheduler() {
        return scheduler;
    }

    /** Schedules on the simulator's timer; null once the simulator is stopping. */
    ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
        try {
            return scheduler.schedule(task, delay, unit);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return null;
        }
    }

    public long startMicros() {
        return startMicros;
    }

    /** A daemon thread named {@code ha-sim-*}, tracked so {@link #stop()} can wait for it. */
    Thread newThread(Runnable r, String name) {
        Thread t = new Thread(() -> {
            try {
                r.run();
            } finally {
                threads.remove(Thread.currentThread());
            }
        }, name.startsWith("ha-sim-") ? name : "ha-sim-" + name);
        t.setDaemon(true);
        threads.add(t);
        return t;
    }

    // ---- lifecycle --------------------------------------------------------------------------

    public synchronized void start() throws IOException {
        if (running) {
            return;
        }
        populate();
        ServerSocket ss = new ServerSocket();
        ss.setReuseAddress(true);
        ss.bind(new InetSocketAddress(InetAddress.getByName(settings.host), settings.port), 128);
        server = ss;
        running = true;
        newThread(this::acceptLoop, "ha-sim-acceptor-" + ss.getLocalPort()).start();
        scheduleTimeline();
        scheduleActivity();
    }

    private void populate() {
        Scenario sc = settings.scenario;
        int generate = settings.entities;
        if (sc != null && sc.generate != null && generate == 0) {
            generate = sc.generate;
        }
        home.locked(() -> {
            HomeGenerator.Spec zone = HomeGenerator.zoneHome(home.config());
            home.setStateInternal(zone.entityId, zone.state, zone.attributes, false, null);
            home.startSun();
            return null;
        });
        for (HomeGenerator.Spec s : HomeGenerator.generate(generate)) {
            home.setStateInternal(s.entityId, s.state, s.attributes, false, null);
        }
        if (sc != null) {
            for (HomeGenerator.Spec s : sc.entities) {
                home.setStateInternal(s.entityId, s.state, s.attributes, false, null);
            }
            for (Scenario.ServiceSpec svc : sc.services) {
                home.services().register(svc.domain, svc.service, svc.supportsResponse,
                        Services.describe(HomeGenerator.title(svc.service), svc.description, null, null, svc.supportsResponse),
                        call -> new LinkedHashMap<>(svc.responseData));
            }
        }
    }

    private void scheduleTimeline() {
        Scenario sc = settings.scenario;
        if (sc == null || sc.timeline.isEmpty()) {
            return;
        }
        runTimeline(sc, 0);
    }

    private void runTimeline(Scenario sc, long cycleStartOffset) {
        for (Scenario.Step step : sc.timeline) {
            long delay = cycleStartOffset + step.atMicros;
            tasks.add(scheduler.schedule(() -> applyStep(step), delay, TimeUnit.MICROSECONDS));
        }
        if (sc.repeatMicros != null) {
            long next = cycleStartOffset + sc.repeatMicros;
            tasks.add(scheduler.schedule(() -> runTimeline(sc, 0), next, TimeUnit.MICROSECONDS));
        }
    }

    private void applyStep(Scenario.Step step) {
        try {
            if (step.eventType != null) {
                home.fireEvent(step.eventType, new LinkedHashMap<>(step.eventData), "LOCAL", null);
            } else {
                home.locked(() -> {
                    State cur = home.states().get(step.entityId);
                    Map<String, Object> attrs = step.attributes != null ? step.attributes
                            : (cur != null ? cur.attributes() : Map.of());
                    return home.setStateInternal(step.entityId, step.state, attrs, false, null);
                });
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "Scenario step failed", e);
        }
    }

    private void scheduleActivity() {
        if (settings.activity <= 0) {
            return;
        }
        long periodMicros = Math.max(1000, (long) (1_000_000 / settings.activity));
        SplittableRandom rnd = new SplittableRandom(7);
        // scripted entities (a scenario's own entities and timeline) change only as scripted
        java.util.Set<String> scripted = new java.util.HashSet<>();
        Scenario sc = settings.scenario;
        if (sc != null) {
            sc.entities.forEach(e -> scripted.add(e.entityId));
            sc.timeline.forEach(step -> {
                if (step.entityId != null) {
                    scripted.add(step.entityId);
                }
            });
        }
        tasks.add(scheduler.scheduleAtFixedRate(() -> home.locked(() -> {
            List<State> all = home.states().all().stream().filter(st -> !scripted.contains(st.entityId())).toList();
            for (int tries = 0; tries < 8 && !all.isEmpty(); tries++) {
                State s = all.get(rnd.nextInt(all.size()));
                String next = HomeGenerator.nudge(s, rnd);
                if (next != null) {
                    return home.setStateInternal(s.entityId(), next, s.attributes(), false, null);
                }
            }
            return null;
        }), periodMicros, periodMicros, TimeUnit.MICROSECONDS));
    }

    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        tasks.forEach(t -> t.cancel(false));
        home.stopSun();
        for (WsConnection c : new ArrayList<>(connections.values())) {
            c.abort("simulator stopped");
        }
        for (Socket s : new ArrayList<>(httpSockets)) {
            closeQuietly(s);
        }
        scheduler.shutdownNow();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (Thread t : new ArrayList<>(threads)) {
            if (t == Thread.currentThread()) {
                continue;
            }
            t.interrupt();
            long left = deadline - System.nanoTime();
            if (left > 0) {
                try {
                    t.join(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        try {
            scheduler.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public boolean running() {
        return running;
    }

    public int port() {
        ServerSocket s = server;
        return s == null ? -1 : s.getLocalPort();
    }

    public String host() {
        return settings.host;
    }

    /** Threads this simulator started that are still alive (for leak checks). */
    public List<Thread> liveThreads() {
        List<Thread> out = new ArrayList<>();
        for (Thread t : threads) {
            if (t.isAlive()) {
                out.add(t);
            }
        }
        return out;
    }

    // ---- connections ------------------------------------------------------------------------

    private void acceptLoop() {
        while (running) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                if (running) {
                    LOG.log(System.Logger.Level.WARNING, "Accept failed: " + e.getMessage());
                    continue;
                }
                return;
            }
            if (faults.down()) {
                closeQuietly(s); // HA is restarting: nobody answers
                continue;
            }
            try {
                s.setTcpNoDelay(true);
                if (settings.sendBufferSize > 0) {
                    s.setSendBufferSize(settings.sendBufferSize);
                }
            } catch (SocketException e) {
                closeQuietly(s);
                continue;
            }
            httpSockets.add(s);
            newThread(() -> serve(s), "ha-sim-http-" + threadIds.incrementAndGet()).start();
        }
    }

    private void serve(Socket s) {
        try (s) {
            InputStream in = new BufferedInputStream(s.getInputStream(), 64 * 1024);
            OutputStream out = s.getOutputStream();
            while (running) {
                HttpRequest req;
                try {
                    req = HttpRequest.read(in);
                } catch (HttpRequest.BadRequest e) {
                    HttpResponse.text(e.status, e.status + ": " + e.getMessage()).write(out, false);
                    return;
                }
                if (req == null) {
                    return;
                }
                if (isUpgrade(req)) {
                    upgrade(s, in, out, req);
                    return;
                }
                HttpResponse resp = rest.handle(req);
                boolean keep = req.keepAlive() && running;
                resp.write(out, keep);
                if (!keep) {
                    return;
                }
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "HTTP connection ended: " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "HTTP connection failed", e);
        } finally {
            httpSockets.remove(s);
        }
    }

    private static boolean isUpgrade(HttpRequest req) {
        String up = req.header("upgrade");
        return up != null && up.toLowerCase(Locale.ROOT).contains("websocket");
    }

    private void upgrade(Socket s, InputStream in, OutputStream out, HttpRequest req) throws IOException {
        if (!"/api/websocket".equals(req.path)) {
            HttpResponse.plainError(404).write(out, false);
            return;
        }
        String key = req.header("sec-websocket-key");
        String conn = req.header("connection");
        if (!"GET".equals(req.method) || key == null || conn == null
                || !conn.toLowerCase(Locale.ROOT).contains("upgrade")) {
            HttpResponse.text(400, "400: Bad Request").write(out, false);
            return;
        }
        if (!"13".equals(req.header("sec-websocket-version"))) {
            HttpResponse.text(426, "426: Upgrade Required").header("Sec-WebSocket-Version", "13").write(out, false);
            return;
        }
        String handshake = "HTTP/1.1 101 Switching Protocols\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: upgrade\r\n"
                + "Sec-WebSocket-Accept: " + WsFrames.acceptKey(key) + "\r\n"
                + "Server: " + HttpResponse.SERVER + "\r\n\r\n";
        out.write(handshake.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        WsConnection c = new WsConnection(connectionIds.incrementAndGet(), s, in, out, this);
        connections.put(c.id(), c);
        if (!running) {
            c.abort("simulator stopped");
        }
        c.run();
    }

    void connectionClosed(WsConnection c) {
        connections.remove(c.id());
    }

    public List<WsConnection> connections() {
        return new ArrayList<>(connections.values());
    }

    public List<ConnectionInfo> connectionInfos() {
        List<ConnectionInfo> out = new ArrayList<>();
        for (WsConnection c : connections.values()) {
            if (c.isOpen()) {
                out.add(new ConnectionInfo(c.id(), c.remote(), c.authenticated(), c.coalescing(), c.pending(),
                        c.subscriptionCount()));
            }
        }
        out.sort((a, b) -> Long.compare(a.id(), b.id()));
        return out;
    }

    /** Constant-time token comparison. */
    public boolean tokenMatches(String token) {
        if (token == null) {
            return false;
        }
        return MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8),
                settings.token.getBytes(StandardCharsets.UTF_8));
    }

    // ---- faults -----------------------------------------------------------------------------

    public void stall(boolean on) {
        faults.stalled(on);
        if (!on) {
            connections.values().forEach(WsConnection::wake);
        }
    }

    public int dropAllConnections() {
        int n = 0;
        for (WsConnection c : new ArrayList<>(connections.values())) {
            c.abort("dropped by the simulator");
            n++;
        }
        return n;
    }

    /**
     * Fault injection: queues {@code message} exactly as given (malformed JSON, wrong types, unknown
     * message types...) to every authenticated connection, in order with everything else it is sent.
     * Returns how many connections got it.
     */
    public int sendRaw(byte[] message) {
        int n = 0;
        for (WsConnection c : new ArrayList<>(connections.values())) {
            if (c.isOpen() && c.authenticated() && c.sendRaw(message)) {
                n++;
            }
        }
        return n;
    }

    /** A HA restart: every connection drops, states get fresh timestamps, connections are refused for {@code downNanos}. */
    public void restart(long downNanos) {
        faults.downFor(downNanos);
        dropAllConnections();
        home.restamp();
        home.fireEvent("homeassistant_start", null, "LOCAL", null);
        home.fireEvent("homeassistant_started", null, "LOCAL", null);
    }

    /**
     * Writes {@code sensor.sim_oversized} with a padding attribute so that its {@code state_changed}
     * message is at least {@code bytes} long; returns the size of that message.
     */
    public int sendOversized(int bytes) {
        String entityId = "sensor.sim_oversized";
        return home.locked(() -> {
            home.removeState(entityId, null);
            Map<String, Object> probe = new LinkedHashMap<>();
            probe.put("payload", "");
            probe.put("friendly_name", "Simulator oversized frame");
            Event e0 = home.setStateInternal(entityId, "on", probe, false, null);
            int overhead = e0.partialMessage().length;
            home.removeState(entityId, null);
            Map<String, Object> attrs = new LinkedHashMap<>();
            attrs.put("payload", "x".repeat(Math.max(0, bytes - overhead)));
            attrs.put("friendly_name", "Simulator oversized frame");
            Event e = home.setStateInternal(entityId, "on", attrs, false, null);
            return e.partialMessage().length + 8;
        });
    }

    // ---- bench ------------------------------------------------------------------------------

    public BenchStatus lastBench() {
        return lastBench;
    }

    public BenchStatus startBenchAsync(long count, double rate, int entities) {
        BenchStatus st = new BenchStatus();
        lastBench = st;
        newThread(() -> {
            try {
                st.result = runBench(count, rate, entities);
            } catch (InterruptedException e) {
                st.error = "interrupted";
            } catch (RuntimeException e) {
                st.error = e.toString();
            } finally {
                st.done = true;
                if (st.result != null) {
                    st.future.complete(st.result);
                } else {
                    st.future.completeExceptionally(new IllegalStateException("bench failed: " + st.error));
                }
            }
        }, "ha-sim-bench").start();
        return st;
    }

    /**
     * Streams {@code count} pre-serialised state_changed events to every subscription that receives
     * state_changed, as fast as the sockets take them (or at {@code rate} events/s), in coalesced frames.
     */
    public BenchResult runBench(long count, double rate, int entities) throws InterruptedException {
        BenchStream stream = new BenchStream(entities <= 0 ? 1000 : entities, home.now());
        List<WsConnection> conns = new ArrayList<>();
        List<byte[]> tails = new ArrayList<>();
        for (WsConnection c : connections.values()) {
            if (!c.authenticated()) {
                continue;
            }
            for (long subId : c.stateChangedSubscriptions()) {
                conns.add(c);
                tails.add(c.idTail(subId));
            }
        }
        int maxBatch = settings.maxCoalesce;
        int watermark = Math.max(2, Math.min(settings.peakPending / 2, 4 * maxBatch));
        long start = System.nanoTime();
        long[] delivered = new long[conns.size()];
        boolean[] alive = new boolean[conns.size()];
        java.util.Arrays.fill(alive, true);
        long seq = 0;
        while (seq < count && !conns.isEmpty()) {
            int chunk = (int) Math.min(maxBatch, count - seq);
            if (rate > 0) {
                long due = (long) ((System.nanoTime() - start) / 1e9 * rate) + 1 - seq;
                while (due <= 0) {
                    long nextAt = start + (long) ((seq) * 1e9 / rate);
                    LockSupport.parkNanos(Math.max(10_000, nextAt - System.nanoTime()));
                    if (Thread.interrupted()) {
                        throw new InterruptedException();
                    }
                    due = (long) ((System.nanoTime() - start) / 1e9 * rate) + 1 - seq;
                }
                chunk = (int) Math.min(chunk, due);
            }
            boolean any = false;
            for (int i = 0; i < conns.size(); i++) {
                if (!alive[i]) {
                    continue;
                }
                WsConnection c = conns.get(i);
                if (!c.awaitPendingBelow(watermark)
                        || !c.enqueueBench(new WsConnection.BenchRun(stream, tails.get(i), seq, chunk))) {
                    alive[i] = false;
                    continue;
                }
                delivered[i] += chunk;
                any = true;
            }
            if (!any) {
                break;
            }
            seq += chunk;
        }
        for (int i = 0; i < conns.size(); i++) {
            if (alive[i] && !conns.get(i).awaitPendingBelow(1)) {
                delivered[i] -= conns.get(i).pending();
            }
        }
        long nanos = System.nanoTime() - start;
        long total = 0;
        for (long d : delivered) {
            total += d;
        }
        return new BenchResult(count, conns.size(), total, nanos, stream.typicalSize);
    }

    static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // nothing to do
        }
    }
}
