package org.hassette.e2e;

import static org.junit.jupiter.api.Assertions.*;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Operations surfaces against the demo home (embedded simulator) with the example app deployed:
 * health endpoints and their aliases without login, the Hassette Web Console tabs (200 with content
 * for the operator, 401 otherwise, app actions with the form token), and every {@code hassette:}
 * Gogo command through {@code ./hassette exec}.
 */
class OperationsE2ETest {
    private static final Duration START = Duration.ofSeconds(90);
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String USER = "operator";
    private static final String PASSWORD = "e2e-Console-Passw0rd";
    private static final String APP = "app:org.hassette.example.motionlights~e2e";

    @TempDir
    Path tmp;

    @Test
    void healthConsoleTabsAndEveryGogoCommandAgainstTheDemoHome() throws Exception {
        Path home = tmp.resolve("home");
        deployExampleApp(home);
        try (PlatformProcess p = PlatformProcess.start(home, PlatformProcess.freePort(),
                Map.of("HASSETTE_CONSOLE_USER", USER, "HASSETTE_CONSOLE_PASSWORD", PASSWORD))) {
            p.awaitSystemReady(START);

            // health: no login, tags kept apart, aliases
            HttpResponse<String> ready = p.get("/system/health/systemready.json", null, null);
            assertEquals(200, ready.statusCode(), ready.body());
            for (String resource : List.of("database", "session", "watcher", "websocket", "haapi", "states", "scheduler", "bus")) {
                assertTrue(ready.body().contains("\"name\":\"Hassette ready: " + resource + "\""), ready.body());
            }
            assertFalse(ready.body().contains("Hassette alive:"), "systemready runs only systemready checks: " + ready.body());
            HttpResponse<String> alive = p.get("/system/health/systemalive.json", null, null);
            assertEquals(200, alive.statusCode(), alive.body());
            assertTrue(alive.body().contains("\"name\":\"Hassette alive: database\""), alive.body());
            assertFalse(alive.body().contains("Hassette core ready"), "systemalive runs only systemalive checks: " + alive.body());
            HttpResponse<String> shortReady = p.get("/health/ready", null, null);
            assertEquals(200, shortReady.statusCode());
            assertTrue(shortReady.body().startsWith("{\"overallResult\":\"OK\""), shortReady.body());
            assertEquals(200, p.get("/health/alive", null, null).statusCode());

            // the app gets its own check
            p.await(APP + " running", WAIT, () -> exec(home, "hassette:apps").out().matches("(?s).*" + Pattern.quote(APP) + " .* running .*"));
            p.await("apps health OK for " + APP, WAIT, () -> {
                HttpResponse<String> apps = get(p, "/system/health/apps.json", null, null);
                return apps.statusCode() == 200 && apps.body().contains("\"name\":\"Hassette app: " + APP + "\",\"status\":\"OK\"");
            });

            consoleTabs(p);
            appActionsFromTheAppsTab(p, home);
            gogoCommands(p, home);
            notReadyIs503WithTheChainAndAliveStays200(p, home);
            noAppHandlerIsAFailedAppsCheck(p, home);

            assertEquals(0, p.terminate(Duration.ofSeconds(30)), p.output());
            assertFalse(p.output().contains(PASSWORD), "the console password is never printed");
        }
    }

    private void consoleTabs(PlatformProcess p) throws Exception {
        p.awaitConsole("/system/console/hassette", USER, PASSWORD, WAIT);
        Map<String, List<String>> tabs = Map.of(
                "/system/console/hassette", List.of("Core: ready", "<table class='nicetable' id='hassette-resources'>", "<td>websocket</td>"),
                "/system/console/hassette-apps", List.of("<table class='nicetable' id='hassette-apps'>", "<td>" + APP + "</td>",
                        "<button type='submit' name='action' value='stop'>stop</button>"),
                "/system/console/hassette-watcher", List.of("Supervised resources", "<td>database</td>", "Recent status changes"),
                "/system/console/status-hassette.txt", List.of("Core ready: yes", "Watcher", APP),
                "/system/console/status-hassette.json", List.of("\"coreReady\":true", "\"appId\":\"" + APP + "\""));
        for (Map.Entry<String, List<String>> tab : tabs.entrySet()) {
            String path = tab.getKey();
            assertEquals(401, p.get(path, null, null).statusCode(), path + " without login");
            assertEquals(401, p.get(path, USER, "wrong-password").statusCode(), path + " with a wrong password");
            HttpResponse<String> page = p.get(path, USER, PASSWORD);
            assertEquals(200, page.statusCode(), path);
            for (String expected : tab.getValue()) {
                assertTrue(page.body().contains(expected), path + " lacks " + expected + ":\n" + page.body());
            }
        }
    }

    private void appActionsFromTheAppsTab(PlatformProcess p, Path home) throws Exception {
        String page = p.get("/system/console/hassette-apps", USER, PASSWORD).body();
        Matcher token = Pattern.compile("name='token' value='([^']+)'").matcher(page);
        assertTrue(token.find(), page);

        assertEquals(401, post(p, null, Map.of("token", token.group(1), "action", "stop", "app", APP)).statusCode(), "actions need a login");
        assertEquals(403, post(p, PASSWORD, Map.of("token", "forged", "action", "stop", "app", APP)).statusCode(), "a forged token is refused");
        assertTrue(exec(home, "hassette:apps").out().matches("(?s).*" + Pattern.quote(APP) + " .* running .*"), "nothing happened yet");

        HttpResponse<String> stop = post(p, PASSWORD, Map.of("token", token.group(1), "action", "stop", "app", APP));
        assertEquals(303, stop.statusCode(), stop.body());
        String location = URLDecoderUtf8(stop.headers().firstValue("Location").orElseThrow());
        assertTrue(location.contains("result=stop " + APP + ": now stopped"), location);
        assertTrue(exec(home, "hassette:apps").out().matches("(?s).*" + Pattern.quote(APP) + " .* stopped .*"));
        HttpResponse<String> shown = p.get(stop.headers().firstValue("Location").orElseThrow(), USER, PASSWORD);
        assertTrue(shown.body().contains("stop " + APP + ": now stopped"), shown.body());
        p.await("apps health WARN (stopped)", WAIT, () -> get(p, "/system/health/apps.json", null, null).body()
                .contains("\"name\":\"Hassette app: " + APP + "\",\"status\":\"WARN\""));

        HttpResponse<String> start = post(p, PASSWORD, Map.of("token", token.group(1), "action", "start", "app", APP));
        assertEquals(303, start.statusCode());
        assertTrue(URLDecoderUtf8(start.headers().firstValue("Location").orElseThrow()).contains("start " + APP + ": now running"),
                start.headers().firstValue("Location").orElseThrow());
        assertEquals(400, post(p, PASSWORD, Map.of("token", token.group(1), "action", "explode", "app", APP)).statusCode());
    }

    private void gogoCommands(PlatformProcess p, Path home) throws Exception {
        assertMatches(exec(home, "hassette:status"), "(?s)RESOURCE +ROLE +STATUS +READY +RESTARTS +REASON\n.*" + Pattern.quote(APP)
                + " +app +running +yes .*core: ready\\s*");
        assertEquals("all core resources are ready", exec(home, "hassette:why").out().strip());
        assertMatches(exec(home, "hassette:why websocket"), "websocket is ready: connected to .*\\s*");
        assertFails(exec(home, "hassette:why nope"), "error: unknown resource 'nope'; known: ");
        assertMatches(exec(home, "hassette:services"), "(?s)SERVICE +STATUS +READY +RESTARTS +POLICY +BUDGET +NEXT RESTART +REASON\n"
                + "bus +running +yes +\\d+ +permanent +\\d+/5 +- +.*\nwebsocket +running +yes .*core: ready\\s*");
        assertMatches(exec(home, "hassette:watcher"), "(?s)RESOURCE +POLICY +BUDGET +RESTARTS +NEXT +VERDICT +LAST FAILURE\n.*database +transient .*");
        assertMatches(exec(home, "hassette:sessions"), "(?s)ID +STATUS +STARTED .*\n1 \\* +running .*");
        assertMatches(exec(home, "hassette:sessions 1"), "(?s)ID +STATUS .*\n1 \\* +running [^\n]*\n\\(\\* = this run\\)\\s*");
        assertFails(exec(home, "hassette:sessions 0"), "error: limit must be at least 1, got 0");

        PlatformProcess.Result lights = exec(home, "hassette:states 'light.*'");
        assertMatches(lights, "(?s)ENTITY +STATE +LAST CHANGED\nlight\\..*\\d+ entities\\s*");
        Matcher light = Pattern.compile("\\n(light\\.[a-z0-9_]+) +(on|off) ").matcher(lights.out());
        assertTrue(light.find(), lights.out());
        String lightId = light.group(1);
        assertMatches(exec(home, "hassette:state " + lightId), "(?s)" + Pattern.quote(lightId) + " = (on|off)\n  last changed .*");
        assertFails(exec(home, "hassette:state light.nowhere"), "error: unknown entity 'light.nowhere'");
        assertMatches(exec(home, "hassette:call light.turn_on entity_id=" + lightId), "called light.turn_on \\(context .*\\)\\s*");
        p.await(lightId + " on", WAIT, () -> exec(home, "hassette:state " + lightId).out().startsWith(lightId + " = on"));
        assertFails(exec(home, "hassette:call turn_on"), "error: 'turn_on' is not domain.service");
        assertMatches(exec(home, "hassette:fire e2e_ops door=front"), "fired e2e_ops.*\\s*");
        assertEquals(0, exec(home, "hassette:jobs").code());
        assertFails(exec(home, "hassette:run nope"), "error: no job named 'nope'");

        assertMatches(exec(home, "hassette:listeners"), "(?s)LISTENER +RECEIVED +MATCHED +INVOKED +FAILED +SUPPRESSED +DROPPED +SKIPPED +STATE\n"
                + ".*" + Pattern.quote(APP) + ":motion-on +\\d+ .* active\n.*\\d+ listeners\\s*");
        assertMatches(exec(home, "hassette:listeners '" + APP + ":motion-o*'"), "(?s)LISTENER .*\n.*motion-off .*\n.*motion-on .*\n2 listeners\\s*");
        assertEquals("no listener matches 'nope*'", exec(home, "hassette:listeners 'nope*'").out().strip());
        assertMatches(exec(home, "hassette:apps"), "(?s)APP +BUNDLE +STATUS .*\n" + Pattern.quote(APP) + " .*");
        assertMatches(exec(home, "hassette:app show " + APP), "(?s)APP +BUNDLE +STATUS .*\n" + Pattern.quote(APP) + " .*running.*");
        PlatformProcess.Result noApp = exec(home, "hassette:app show nope");
        assertFails(noApp, "error: no app 'app:nope'; known apps: ");
        assertTrue(noApp.err().contains(APP), "the known apps are listed: " + noApp.err());
        assertFails(exec(home, "hassette:app stop nope"), "error: no app 'app:nope'; known apps: ");
        assertFails(exec(home, "hassette:app frobnicate " + APP), "error: unknown action 'frobnicate'; usage: hassette:app ");
        assertMatches(exec(home, "hassette:app show"), "usage: hassette:app start\\|stop.*\\s*");

        for (String command : List.of("status", "why", "services", "watcher", "restart", "sessions", "states", "state", "call", "fire", "jobs",
                "run", "listeners")) {
            PlatformProcess.Result help = exec(home, "help hassette:" + command);
            assertEquals(0, help.code(), command + ": " + help.err());
            assertTrue(help.out().startsWith(command + " - ") && help.out().contains("scope: hassette"), "help for " + command + ":\n" + help.out());
        }

        // restart a core service from the shell; it comes back ready and the restart is counted
        assertMatches(exec(home, "hassette:restart scheduler"), "restarting scheduler .*\\s*");
        p.await("scheduler ready again after the restart", WAIT,
                () -> exec(home, "hassette:services").out().matches("(?s).*\nscheduler +running +yes +[1-9].*core: ready\\s*"));
        assertFails(exec(home, "hassette:restart nope"), "error: no core resource named 'nope'");
    }

    private void notReadyIs503WithTheChainAndAliveStays200(PlatformProcess p, Path home) throws Exception {
        assertEquals(0, exec(home, "scr:disable org.hassette.states").code());
        p.await("systemready 503 naming states", WAIT, () -> {
            HttpResponse<String> r = get(p, "/system/health/systemready.json", null, null);
            return r.statusCode() == 503 && r.body().contains("states: disabled");
        });
        assertEquals(503, p.get("/health/ready", null, null).statusCode());
        assertEquals(200, p.get("/system/health/systemalive.json", null, null).statusCode(), "not ready is still alive");
        assertMatches(exec(home, "hassette:why states"), "states: disabled\\s*");
        assertTrue(p.get("/system/console/hassette", USER, PASSWORD).body().contains("Core: NOT ready"));
        assertEquals(0, exec(home, "scr:enable org.hassette.states").code());
        p.awaitSystemReady(WAIT);
    }

    /** Without the app handler no app runs: the apps health must say so, not answer 200 with no check at all. */
    private void noAppHandlerIsAFailedAppsCheck(PlatformProcess p, Path home) throws Exception {
        assertEquals(0, exec(home, "scr:disable org.hassette.apps.internal.AppHandler").code());
        p.await("apps health 503 naming the app handler", WAIT, () -> {
            HttpResponse<String> r = get(p, "/system/health/apps.json", null, null);
            return r.statusCode() == 503 && r.body().contains("\"name\":\"Hassette app handler\",\"status\":\"TEMPORARILY_UNAVAILABLE\"");
        });
        assertEquals(200, p.get("/system/health/systemready.json", null, null).statusCode(), "apps never affect systemready");
        assertEquals(0, exec(home, "scr:enable org.hassette.apps.internal.AppHandler").code());
        p.await("apps health OK again", WAIT, () -> {
            HttpResponse<String> r = get(p, "/system/health/apps.json", null, null);
            return r.statusCode() == 200 && r.body().contains("\"name\":\"Hassette app handler\",\"status\":\"OK\"");
        });
    }

    private static void deployExampleApp(Path home) throws Exception {
        Path target = PlatformProcess.ROOT.resolve("apps/org.hassette.example.motionlights/target");
        Path jar;
        try (Stream<Path> files = Files.list(target)) {
            jar = files.filter(f -> f.getFileName().toString().matches("org\\.hassette\\.example\\.motionlights-.*\\.jar")
                    && !f.getFileName().toString().contains("sources")).findFirst()
                    .orElseThrow(() -> new AssertionError("build apps/org.hassette.example.motionlights first"));
        }
        Files.createDirectories(home.resolve("deploy"));
        Files.createDirectories(home.resolve("etc"));
        Files.copy(jar, home.resolve("deploy").resolve(jar.getFileName()));
        // FileInstall 3.7 reads <factory pid>-<name>.config as a factory configuration named <name>
        Files.writeString(home.resolve("etc/org.hassette.example.motionlights-e2e.config"),
                "sensor=\"binary_sensor.e2e_motion\"\nlights=[\"light.e2e_lamp\"]\noff.after.seconds=I\"60\"\n");
    }

    private static PlatformProcess.Result exec(Path home, String command) {
        try {
            return PlatformProcess.exec(home, command);
        } catch (Exception e) {
            throw new AssertionError("./hassette exec '" + command + "': " + e, e);
        }
    }

    private static HttpResponse<String> get(PlatformProcess p, String path, String user, String password) {
        try {
            return p.get(path, user, password);
        } catch (Exception e) {
            throw new AssertionError("GET " + path + ": " + e, e);
        }
    }

    private static HttpResponse<String> post(PlatformProcess p, String password, Map<String, String> form) throws Exception {
        StringBuilder body = new StringBuilder();
        form.forEach((k, v) -> body.append(body.length() == 0 ? "" : "&").append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p.port + "/system/console/hassette-apps"))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (password != null) {
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((USER + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
        // a client of its own: the server may close a connection after refusing a POST (401) without
        // reading its body, and a pooled connection reused after that would fail with no bytes
        return java.net.http.HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()
                .send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String URLDecoderUtf8(String s) {
        return java.net.URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static void assertMatches(PlatformProcess.Result r, String regex) {
        assertEquals(0, r.code(), "exit code; stderr: " + r.err() + "\nstdout: " + r.out());
        assertTrue(r.out().matches(regex), "output does not match " + regex + ":\n" + r.out());
    }

    private static void assertFails(PlatformProcess.Result r, String errorPrefix) {
        assertEquals(1, r.code(), "exit code; stdout: " + r.out());
        assertTrue(r.err().startsWith(errorPrefix), "stderr does not start with " + errorPrefix + ":\n" + r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }
}
