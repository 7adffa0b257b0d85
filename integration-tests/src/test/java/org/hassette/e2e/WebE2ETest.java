package org.hassette.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The HTTP API, the event stream and the dashboard of a platform started as a user starts it, over
 * real HTTP on loopback: {@code ./hassette simulator} as Home Assistant, {@code ./hassette run
 * --ha-url ...} with the motion-lights example app deployed, console credentials and an API token set
 * by the operator. The dashboard runs in headless Chromium (playwright-core, see integration-tests/browser).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebE2ETest {
    private static final String USER = "operator";
    private static final String PASSWORD = "web-e2e-password-7";
    private static final String API_TOKEN = "web-e2e-token-4f9a1c";
    private static final String SIM_TOKEN = "web-e2e-sim-token";
    private static final String APP = "app:org.hassette.example.motionlights~kitchen";
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private Path tmp;
    private Process sim;
    private int simPort;
    private PlatformProcess platform;
    private Path home;

    @BeforeAll
    void start() throws Exception {
        tmp = Files.createTempDirectory("hassette-web-e2e");
        simPort = PlatformProcess.freePort();
        Path simOut = tmp.resolve("sim.out");
        sim = new ProcessBuilder(PlatformProcess.ROOT.resolve("hassette").toString(), "simulator", "--port", Integer.toString(simPort),
                "--token", SIM_TOKEN, "--entities", "30").directory(PlatformProcess.ROOT.toFile()).redirectErrorStream(true)
                .redirectOutput(simOut.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        await("simulator listening", () -> {
            assertTrue(sim.isAlive(), "simulator exited: " + read(simOut));
            return read(simOut).contains("listening on");
        });
        home = tmp.resolve("home");
        Files.createDirectories(home.resolve("etc"));
        Files.createDirectories(home.resolve("deploy"));
        Path app = Files.list(PlatformProcess.ROOT.resolve("apps/org.hassette.example.motionlights/target"))
                .filter(p -> p.getFileName().toString().matches("org\\.hassette\\.example\\.motionlights-.*\\.jar")).findFirst()
                .orElseThrow(() -> new AssertionError("build apps/org.hassette.example.motionlights first"));
        Files.copy(app, home.resolve("deploy").resolve(app.getFileName()));
        Files.writeString(home.resolve("etc/org.hassette.example.motionlights-kitchen.config"),
                "sensor=\"binary_sensor.kitchen_motion\"\nlights=[\"light.kitchen_light\"]\noff.after.seconds=I\"1\"\n");
        Files.createDirectories(home.resolve("data"));
        Path apiToken = Files.writeString(home.resolve("data/api-token"), API_TOKEN + "\n");
        Files.setPosixFilePermissions(apiToken, PosixFilePermissions.fromString("rw-------"));
        Files.writeString(home.resolve("etc/org.hassette.web.config"), "api.token.file=\"data/api-token\"\n");
        Path tokenFile = Files.writeString(tmp.resolve("ha-token"), SIM_TOKEN + "\n");
        Files.setPosixFilePermissions(tokenFile, PosixFilePermissions.fromString("rw-------"));
        platform = PlatformProcess.start(home, PlatformProcess.freePort(), Map.of("HASSETTE_CONSOLE_USER", USER, "HASSETTE_CONSOLE_PASSWORD", PASSWORD),
                "--ha-url", "http://127.0.0.1:" + simPort, "--ha-token-file", tokenFile.toString());
        platform.awaitSystemReady(Duration.ofSeconds(90));
        awaitJson("the app running", "/apps", n -> n.findValuesAsText("status").contains("running"));
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (platform != null) {
                String output = platform.output();
                assertEquals(0, platform.terminate(Duration.ofSeconds(30)), output);
                for (String secret : List.of(API_TOKEN, PASSWORD)) {
                    assertFalse(platform.output().contains(secret), "a secret in the platform output");
                    try (Stream<Path> logs = Files.walk(home.resolve("logs"))) {
                        for (Path log : logs.filter(Files::isRegularFile).toList()) {
                            assertFalse(Files.readString(log).contains(secret), "a secret in " + log);
                        }
                    }
                }
            }
        } finally {
            if (platform != null) {
                platform.close();
            }
            if (sim != null) {
                sim.destroy();
                sim.waitFor(30, TimeUnit.SECONDS);
            }
            if (tmp != null) {
                try (Stream<Path> files = Files.walk(tmp)) {
                    for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(f);
                    }
                }
            }
        }
    }

    @Test
    @Order(1)
    void healthIsOpenAndEverythingElseNeedsTheConsoleCredentialsOrTheApiToken() throws Exception {
        platform.awaitOutput("Hassette is up: dashboard http://127.0.0.1:" + platform.port + "/hassette/dashboard/", Duration.ofSeconds(10));
        HttpResponse<String> health = call("GET", "/hassette/api/v1/health", null, null);
        assertEquals(200, health.statusCode(), health.body());
        assertEquals(true, JSON.readTree(health.body()).get("ready").asBoolean());

        for (String path : List.of("/hassette/api/v1/status", "/hassette/api/v1/apps", "/hassette/api/v1/config", "/hassette/api/v1/events",
                "/hassette/dashboard/", "/hassette/api/v1/health/../apps", "/hassette/api/v1/health%2F..%2Fapps", "/hassette/api/v1/health;x")) {
            HttpResponse<String> r = call("GET", path, null, null);
            assertTrue(r.statusCode() == 401 || r.statusCode() == 400, path + " without credentials: " + r.statusCode() + " " + r.body());
            if (r.statusCode() == 401) {
                assertTrue(r.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"), path);
                assertTrue(r.body().contains("\"error\""), path + ": " + r.body());
            }
        }
        assertEquals(401, call("GET", "/hassette/api/v1/status", basic(USER, "wrong"), null).statusCode());
        assertEquals(401, call("GET", "/hassette/api/v1/status", basic("admin", PASSWORD), null).statusCode());
        assertEquals(401, call("GET", "/hassette/api/v1/status", "Bearer " + API_TOKEN + "x", null).statusCode());
        assertEquals(401, call("GET", "/hassette/api/v1/status", "Bearer " + SIM_TOKEN, null).statusCode());

        assertEquals(200, call("GET", "/hassette/api/v1/status", basic(USER, PASSWORD), null).statusCode());
        assertEquals(200, call("GET", "/hassette/api/v1/status", "Bearer " + API_TOKEN, null).statusCode());
        assertEquals(200, call("GET", "/hassette/dashboard/", basic(USER, PASSWORD), null).statusCode());

        // a page on another site cannot make the operator's browser change anything
        HttpResponse<String> csrf = PlatformProcess.HTTP.send(HttpRequest.newBuilder(uri("/hassette/api/v1/apps/" + APP + "/stop"))
                .header("Authorization", basic(USER, PASSWORD)).header("Origin", "http://evil.example")
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, csrf.statusCode(), csrf.body());
        assertTrue(csrf.body().contains("cross-origin request refused"), csrf.body());
        assertEquals("running", get("/hassette/api/v1/apps/" + APP).get("status").asText(), "the refused stop did nothing");
    }

    @Test
    @Order(2)
    void badRequestsGetAJsonErrorNamingTheProblem() throws Exception {
        assertError("GET", "/hassette/api/v1/entities?limit=abc", null, 400, "limit must be an integer");
        assertError("GET", "/hassette/api/v1/entities?limit=0", null, 400, "limit");
        assertError("GET", "/hassette/api/v1/entities?domain=Bad-Domain", null, 400, "domain 'Bad-Domain'");
        assertError("GET", "/hassette/api/v1/entities/not-an-id", null, 400, "is not an entity id");
        assertError("GET", "/hassette/api/v1/entities/light.nope", null, 404, "no entity 'light.nope'");
        assertError("GET", "/hassette/api/v1/apps/app:nope", null, 404, "no app 'app:nope'");
        assertError("POST", "/hassette/api/v1/apps/" + APP + "/explode", null, 404, "unknown app action 'explode'");
        assertError("GET", "/hassette/api/v1/services/nope", null, 404, "no resource named 'nope'");
        assertError("POST", "/hassette/api/v1/jobs/nope/run", null, 404, "no job named 'nope'");
        assertError("GET", "/hassette/api/v1/wat", null, 404, "no endpoint /hassette/api/v1/wat");
        assertError("DELETE", "/hassette/api/v1/apps", null, 405, "method DELETE not allowed");
        assertError("PUT", "/hassette/api/v1/logs/level", "{not json", 400, "body is not JSON");
        assertError("PUT", "/hassette/api/v1/logs/level", "{\"logger\":\"org.hassette\"}", 400, "body must be");
        assertError("PUT", "/hassette/api/v1/logs/level", "{\"logger\":\"org.hassette\",\"level\":\"LOUD\"}", 400, "unknown level 'LOUD'");
        assertError("PUT", "/hassette/api/v1/logs/level", "{\"logger\":\"bad name!\",\"level\":\"INFO\"}", 400, "logger name");
        assertError("GET", "/hassette/api/v1/logs?level=LOUD", null, 400, "unknown level 'LOUD'");
        assertError("GET", "/hassette/api/v1/events?topics=status,bogus", null, 400, "unknown topics [bogus]");
        assertError("GET", "/hassette/api/v1/config/no.such.pid", null, 404, "no configuration with pid 'no.such.pid'");
    }

    @Test
    @Order(3)
    void servicesEntitiesAndConfigurationAreServedWithSecretsMasked() throws Exception {
        JsonNode services = get("/hassette/api/v1/services");
        JsonNode database = find(services, "name", "database");
        assertEquals("running", database.get("status").asText());
        assertTrue(database.get("ready").asBoolean());
        assertTrue(database.get("chain").isArray());
        assertEquals("transient", database.get("supervision").get("policy").asText(), database.toString());
        assertTrue(database.get("supervision").get("budget").asInt() > 0);
        assertEquals("database", get("/hassette/api/v1/services/database").get("name").asText());

        JsonNode lights = get("/hassette/api/v1/entities?domain=light");
        assertTrue(lights.get("count").asInt() > 0);
        lights.get("entities").forEach(e -> assertTrue(e.get("entity_id").asText().startsWith("light."), e.toString()));
        JsonNode motion = get("/hassette/api/v1/entities?glob=binary_sensor.*motion*&limit=2");
        assertTrue(motion.get("count").asInt() > 0 && motion.get("count").asInt() <= 2, motion.toString());
        motion.get("entities").forEach(e -> assertTrue(e.get("entity_id").asText().matches("binary_sensor\\..*motion.*"), e.toString()));
        assertEquals("Kitchen Light", get("/hassette/api/v1/entities/light.kitchen_light").get("attributes").get("friendly_name").asText());

        JsonNode sessions = get("/hassette/api/v1/sessions");
        assertTrue(sessions.get(0).get("current").asBoolean());
        assertEquals("running", sessions.get(0).get("status").asText());

        JsonNode web = get("/hassette/api/v1/config/org.hassette.web");
        assertEquals("********", web.get("api.token.file").asText(), "values of keys naming a token are masked, even a file name");
        String all = call("GET", "/hassette/api/v1/config", basic(USER, PASSWORD), null).body();
        assertFalse(all.contains(API_TOKEN), "the token must never be returned");
        assertTrue(JSON.readTree(all).has("org.hassette.example.motionlights~kitchen"), all);
    }

    @Test
    @Order(4)
    void handlerCallsAndJobRunsAreRecordedPerAppAndStreamedLive() throws Exception {
        List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        CompletableFuture<HttpResponse<InputStream>> stream = PlatformProcess.HTTP.sendAsync(HttpRequest.newBuilder(uri("/hassette/api/v1/events?topics=entity,execution"))
                .header("Authorization", "Bearer " + API_TOKEN).build(), HttpResponse.BodyHandlers.ofInputStream());
        HttpResponse<InputStream> sse = stream.get(10, TimeUnit.SECONDS);
        assertEquals(200, sse.statusCode());
        assertTrue(sse.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(sse.body(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null;) {
                    events.add(line);
                }
            } catch (IOException e) {
                // closed at the end of the test
            }
        }, "sse-reader");
        reader.setDaemon(true);
        reader.start();
        await("the stream to open", () -> events.contains(": connected to Hassette"));
        try {
            setState("binary_sensor.kitchen_motion", "on");
            await("the motion change on the stream", () -> events.stream().anyMatch(l -> l.startsWith("data: ")
                    && l.contains("\"entity_id\":\"binary_sensor.kitchen_motion\"") && l.contains("\"state\":\"on\"")));
            setState("binary_sensor.kitchen_motion", "off");
            await("the app's off job ran and was recorded", () -> {
                JsonNode x = get("/hassette/api/v1/executions?app=" + APP + "&limit=50");
                return stream(x).anyMatch(e -> e.get("kind").asText().equals("job") && e.get("name").asText().equals(APP + ":off")
                        && e.get("outcome").asText().equals("success"));
            });
            JsonNode mine = get("/hassette/api/v1/executions?app=" + APP);
            JsonNode on = stream(mine).filter(e -> e.get("name").asText().equals(APP + ":motion-on")).findFirst()
                    .orElseThrow(() -> new AssertionError("no motion-on call in " + mine));
            assertEquals("listener", on.get("kind").asText());
            assertEquals(APP, on.get("app").asText());
            assertEquals("success", on.get("outcome").asText());
            assertTrue(on.get("duration_ms").asLong() >= 0 && on.get("start").asText().endsWith("Z"), on.toString());
            assertTrue(stream(mine).allMatch(e -> APP.equals(e.get("app").asText())), "the app filter: " + mine);
            await("the execution on the stream", () -> events.stream().anyMatch(l -> l.startsWith("data: ") && l.contains(APP + ":motion-on")));
            assertTrue(events.contains("event: execution") && events.contains("event: entity"), String.join("\n", events));

            JsonNode listeners = get("/hassette/api/v1/listeners?app=" + APP);
            assertEquals(2, listeners.size(), listeners.toString());
            assertTrue(find(listeners, "name", APP + ":motion-on").get("invoked").asLong() >= 1);
            JsonNode jobs = get("/hassette/api/v1/jobs?app=" + APP);
            assertEquals(APP + ":off", jobs.get(0).get("name").asText(), jobs.toString());
            assertTrue(jobs.get(0).has("next_run"));

            PlatformProcess.Result table = PlatformProcess.exec(home, "hassette:executions " + APP + " 5");
            assertEquals(0, table.code(), table.err());
            assertTrue(table.out().startsWith("ID") && table.out().contains(APP + ":motion-") && table.out().contains("success"), table.out());
            PlatformProcess.Result bad = PlatformProcess.exec(home, "hassette:executions * 0");
            assertEquals(1, bad.code());
            assertTrue(bad.err().contains("limit must be from 1"), bad.err());
        } finally {
            reader.interrupt();
            sse.body().close();
        }
    }

    @Test
    @Order(5)
    void logsAreFilteredAndLevelsChangeAtRunTime() throws Exception {
        assertTrue(stream(get("/hassette/api/v1/logs?level=DEBUG&logger=org.hassette.web.internal.ApiServlet"))
                .noneMatch(l -> l.get("level").asText().equals("DEBUG")), "no DEBUG before the change");
        HttpResponse<String> set = call("PUT", "/hassette/api/v1/logs/level", basic(USER, PASSWORD), "{\"logger\":\"org.hassette.web\",\"level\":\"DEBUG\"}");
        assertEquals(200, set.statusCode(), set.body());
        assertEquals("DEBUG", JSON.readTree(set.body()).get("level").asText());
        await("DEBUG lines of the API after the change", () -> stream(get("/hassette/api/v1/logs?level=DEBUG&logger=org.hassette.web"))
                .anyMatch(l -> l.get("level").asText().equals("DEBUG") && l.get("message").asText().startsWith("GET /logs")));
        JsonNode info = get("/hassette/api/v1/logs?level=INFO&limit=500");
        assertTrue(stream(info).noneMatch(l -> l.get("level").asText().equals("DEBUG")), "level filter");
        assertTrue(stream(info).anyMatch(l -> l.get("message").asText().contains("Log level of org.hassette.web set to DEBUG")));
        JsonNode appLogs = get("/hassette/api/v1/logs?app=" + APP + "&level=TRACE&limit=500");
        assertTrue(stream(appLogs).allMatch(l -> "org.hassette.example.motionlights".equals(l.get("bundle").asText())
                || l.get("logger").asText().startsWith("org.hassette.example.motionlights")), appLogs.toString());

        PlatformProcess.Result shell = PlatformProcess.exec(home, "hassette:loglevel org.hassette.web RESET");
        assertEquals(0, shell.code(), shell.err());
        assertTrue(shell.out().contains("org.hassette.web: run-time level removed"), shell.out());
        PlatformProcess.Result byApp = PlatformProcess.exec(home, "hassette:loglevel " + APP + " debug");
        assertEquals(0, byApp.code(), byApp.err());
        assertTrue(byApp.out().strip().endsWith("org.hassette.example.motionlights: level DEBUG"), byApp.out());
        PlatformProcess.Result bad = PlatformProcess.exec(home, "hassette:loglevel org.hassette LOUD");
        assertEquals(1, bad.code());
        assertTrue(bad.err().contains("unknown level 'LOUD'"), bad.err());
        PlatformProcess.Result logs = PlatformProcess.exec(home, "hassette:logs INFO org.hassette.web 20");
        assertEquals(0, logs.code(), logs.err());
        assertTrue(logs.out().contains("Log level of org.hassette.example.motionlights set to DEBUG"), logs.out());
    }

    @Test
    @Order(6)
    void anAppIsStoppedAndStartedThroughTheApi() throws Exception {
        HttpResponse<String> stop = call("POST", "/hassette/api/v1/apps/" + APP + "/stop", basic(USER, PASSWORD), null);
        assertEquals(200, stop.statusCode(), stop.body());
        awaitJson("the app stopped", "/hassette/api/v1/apps/" + APP, n -> n.get("status").asText().equals("stopped"));
        assertEquals(0, get("/hassette/api/v1/listeners?app=" + APP).size(), "a stopped app has no listeners");
        HttpResponse<String> start = call("POST", "/hassette/api/v1/apps/" + APP + "/start", "Bearer " + API_TOKEN, null);
        assertEquals(200, start.statusCode(), start.body());
        awaitJson("the app running again", "/hassette/api/v1/apps/" + APP, n -> n.get("status").asText().equals("running"));
        JsonNode app = get("/hassette/api/v1/apps/" + APP);
        assertTrue(app.get("constraints").isArray() && app.get("constraints").isEmpty(), "no app-wide constraints: " + app);
    }

    @Test
    @Order(7)
    void theDashboardLoadsShowsALiveChangeAndStopsAndStartsAnAppInHeadlessChromium() throws Exception {
        Path browser = PlatformProcess.ROOT.resolve("integration-tests/browser");
        String chromium = System.getProperty("hassette.chromium", "/usr/bin/chromium");
        // Opting out is explicit and shows as a skipped test; by default the browser test must run.
        assumeTrue(!Boolean.getBoolean("hassette.browser.skip"), "browser test skipped by -Dhassette.browser.skip=true");
        assertTrue(Files.isExecutable(Path.of(chromium)), "the dashboard test needs headless Chromium at " + chromium
                + " (Debian: apt-get install chromium; .ci/run installs it), or -Dhassette.chromium=PATH");
        if (!Files.isDirectory(browser.resolve("node_modules/playwright-core"))) {
            // playwright-core pinned by package-lock.json; it drives the system Chromium and downloads no browser
            ProcessBuilder npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
                    .directory(browser.toFile()).redirectErrorStream(true);
            npm.environment().put("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
            Process p = npm.start();
            String npmOut = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(5, TimeUnit.MINUTES) && p.exitValue() == 0, "npm ci in " + browser + " failed:\n" + npmOut);
        }
        Path shot = PlatformProcess.ROOT.resolve("integration-tests/target/dashboard.png");
        Files.createDirectories(shot.getParent());
        ProcessBuilder pb = new ProcessBuilder("node", "dashboard-test.mjs").directory(browser.toFile()).redirectErrorStream(true);
        pb.environment().putAll(Map.of("HASSETTE_URL", "http://127.0.0.1:" + platform.port, "HASSETTE_USER", USER, "HASSETTE_PASSWORD", PASSWORD,
                "SIM_URL", "http://127.0.0.1:" + simPort, "SIM_TOKEN", SIM_TOKEN, "ENTITY", "sensor.kitchen_temperature", "APP", APP,
                "SCREENSHOT", shot.toString(), "CHROMIUM", chromium));
        Process node = pb.start();
        String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(node.waitFor(3, TimeUnit.MINUTES), "the browser test did not finish:\n" + out);
        assertEquals(0, node.exitValue(), "browser test failed:\n" + out);
        for (String step : List.of("PASS page loads", "PASS live event stream connected", "PASS live state change shown",
                "PASS app " + APP + " stopped from the dashboard", "PASS app " + APP + " started from the dashboard", "DASHBOARD OK")) {
            assertTrue(out.contains(step), "missing '" + step + "' in:\n" + out);
        }
        assertTrue(Files.size(shot) > 10_000, "a screenshot was written");
    }

    // --- helpers

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + platform.port + path);
    }

    private HttpResponse<String> call(String method, String path, String authorization, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return PlatformProcess.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = call("GET", path, basic(USER, PASSWORD), null);
        assertEquals(200, r.statusCode(), path + ": " + r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), path);
        return JSON.readTree(r.body());
    }

    private void assertError(String method, String path, String body, int status, String message) throws Exception {
        HttpResponse<String> r = call(method, path, basic(USER, PASSWORD), body);
        assertEquals(status, r.statusCode(), method + " " + path + ": " + r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), method + " " + path);
        JsonNode error = JSON.readTree(r.body());
        assertEquals(status, error.get("status").asInt(), r.body());
        assertTrue(error.get("error").asText().contains(message), method + " " + path + ": expected '" + message + "' in " + r.body());
    }

    private void awaitJson(String what, String path, Predicate<JsonNode> condition) {
        await(what + " (" + path + ")", () -> {
            HttpResponse<String> r = call("GET", path.startsWith("/hassette") ? path : "/hassette/api/v1" + path, basic(USER, PASSWORD), null);
            return r.statusCode() == 200 && condition.test(JSON.readTree(r.body()));
        });
    }

    private void setState(String entity, String state) throws IOException, InterruptedException {
        HttpResponse<String> r = PlatformProcess.HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + simPort + "/sim/states/" + entity))
                .header("Authorization", "Bearer " + SIM_TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"state\":\"" + state + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(r.statusCode() < 300, "simulator: " + r.statusCode() + " " + r.body());
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode find(JsonNode array, String field, String value) {
        return stream(array).filter(n -> value.equals(n.path(field).asText())).findFirst()
                .orElseThrow(() -> new AssertionError("no " + field + "=" + value + " in " + array));
    }

    private static Stream<JsonNode> stream(JsonNode array) {
        List<JsonNode> l = new ArrayList<>();
        array.forEach(l::add);
        return l.stream();
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "";
        }
    }

    @FunctionalInterface
    interface Check {
        boolean ok() throws Exception;
    }

    private void await(String what, Check check) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        Throwable last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (check.ok()) {
                    return;
                }
            } catch (AssertionError | Exception e) {
                last = e;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
        throw new AssertionError("timed out after " + WAIT.toSeconds() + " s waiting for " + what
                + (last == null ? "" : " (last: " + last + ")") + (platform == null ? "" : "\nplatform output:\n" + tail(platform.output())));
    }

    private static String tail(String s) {
        return s.lines().skip(Math.max(0, s.lines().count() - 60)).collect(Collectors.joining("\n"));
    }
}
