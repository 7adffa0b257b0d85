package org.hassette.e2e;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.hassette.simulator.HaSimulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hostile input corpus for files an operator edits, against the launched platform: a value that
 * is not a number in a core component's {@code etc/*.cfg} and in the app handler's own
 * {@code etc/org.hassette.apps.cfg}, an app configuration with such a value
 * next to a good one, and jars that cannot be bundles in ways the other deploy tests do not cover
 * (empty file, a manifest with an invalid version). Each is reported naming the file, property and
 * value; the platform keeps running, the good app works, and fixing the file in place recovers
 * without a restart. (Malformed .config syntax, not-a-zip, half-copied jars and missing imports are
 * covered by PlatformE2ETest and HotDeployE2ETest.)
 */
class HostileConfigE2ETest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String GOOD = "app:org.hassette.example.motionlights~good";
    private static final String BAD = "app:org.hassette.example.motionlights~bad";

    @TempDir
    Path tmp;

    @Test
    void badValuesAndBadJarsAreNamedAndThePlatformRecoversWhenTheyAreFixed() throws Exception {
        String token = "e2e-" + UUID.randomUUID();
        Path tokenFile = Files.writeString(tmp.resolve("token"), token + "\n");
        Path home = tmp.resolve("home");
        Path etc = Files.createDirectories(home.resolve("etc"));
        Path deploy = Files.createDirectories(home.resolve("deploy"));
        Path dbConfig = etc.resolve("org.hassette.database.internal.SqliteDatabase.cfg");
        Files.writeString(dbConfig, "write.queue.capacity = lots\n");
        // the app handler's own configuration: a bad value is named and the default used; apps still run
        Path appsConfig = etc.resolve("org.hassette.apps.cfg");
        Files.writeString(appsConfig, "timeout.seconds = lots\nrestart.budget = 3\n");
        Files.writeString(deploy.resolve("org.hassette.example.motionlights-good.cfg"),
                "sensor = binary_sensor.e2e_motion\nlights = light.e2e_hall\noff.after.seconds = 600\n");
        Files.writeString(deploy.resolve("org.hassette.example.motionlights-bad.cfg"),
                "sensor = binary_sensor.e2e_motion\nlights = light.e2e_other\noff.after.seconds = soon\n");
        Files.copy(exampleJar(), deploy.resolve("motionlights.jar"));
        // in deploy/ before the start: FileInstall reads it before the deploy bundle is there to check it
        Path badTyped = Files.writeString(deploy.resolve("org.example.typed.config"), "name=\"porch\"\nretries=I\"three\"\n");
        Path empty = Files.write(deploy.resolve("empty.jar"), new byte[0]);
        Path badVersion = deploy.resolve("bad-version.jar");
        Files.write(badVersion, bundle("e2e.bad.version", "1.x.y"));

        try (HaSimulator sim = HaSimulator.builder().token(token).entities(0).build().start()) {
            sim.setState("binary_sensor.e2e_motion", "off", Map.of());
            sim.setState("light.e2e_hall", "off", Map.of());
            sim.setState("light.e2e_other", "off", Map.of());
            try (PlatformProcess p = PlatformProcess.start(home, PlatformProcess.freePort(),
                    Map.of("HASSETTE_CONSOLE_USER", "operator", "HASSETTE_CONSOLE_PASSWORD", PASSWORD), "--ha-url", sim.url(),
                    "--ha-token-file", tokenFile.toString(), "--startup-timeout", "5")) {
                // the database cannot start: said with file, property and value; the platform runs on
                String named = "configuration org.hassette.database.internal.SqliteDatabase (" + dbConfig
                        + "): write.queue.capacity = 'lots' is not a number";
                p.awaitOutput(named, WAIT);
                p.await("hassette:why names the bad value", WAIT, () -> exec(home, "hassette:why").contains("database: FAILED, " + named));
                p.await("systemready answering 503 (not ready without a database)", WAIT, () -> status(p, "/system/health/systemready.json") == 503);
                p.awaitOutput("Cannot deploy " + empty, WAIT);
                p.awaitOutput("o.h.deploy.internal.ConfigFileGuard - Cannot apply deploy/ configuration file " + badTyped
                        + ": line 2 (retries=I\"three\"): not a number: \"three\"", WAIT);
                String table = exec(home, "hassette:deploy");
                assertTrue(table.lines().anyMatch(l -> l.startsWith("org.example.typed.config")
                        && l.matches(".* rejected +line 2 \\(retries=I\"three\"\\): not a number: \"three\"")), table);
                assertTrue(table.lines().anyMatch(l -> l.startsWith("empty.jar") && l.contains(" rejected ")), table);
                // FileInstall itself refuses it, with the file and the bad header value
                p.awaitOutput("Failed to install artifact: " + badVersion, WAIT);
                p.awaitOutput("invalid version \"1.x.y\"", WAIT);

                // fixed in place: everything comes up without a restart
                Files.writeString(dbConfig, "write.queue.capacity = 20000\n");
                p.awaitSystemReady(WAIT);
                p.await(GOOD + " running", WAIT, () -> exec(home, "hassette:apps").lines()
                        .anyMatch(l -> l.startsWith(GOOD) && l.contains("running")));
                // (the default at activation, the previous value when the file is read after it: 10 either way)
                p.awaitOutput("configuration org.hassette.apps (" + appsConfig + "): timeout.seconds = 'lots' is not a whole number"
                        + " (long expected); ", WAIT);
                assertTrue(p.output().matches("(?s).*'lots' is not a whole number \\(long expected\\); (using the default|keeping the previous"
                        + " value) 10 until it is fixed.*"), "the value used instead is named");
                // a bad value in a change keeps the value in use; the good ones apply
                Files.writeString(appsConfig, "timeout.seconds = 20\n");
                p.awaitOutput("app handler configuration changed: timeout 20 s", WAIT);
                Files.writeString(appsConfig, "timeout.seconds = never\nrestart.budget = 4\n");
                p.awaitOutput("configuration org.hassette.apps (" + appsConfig + "): timeout.seconds = 'never' is not a whole number"
                        + " (long expected); keeping the previous value 20 until it is fixed", WAIT);
                p.awaitOutput("app handler configuration changed: timeout 20 s, restarts 1000..60000 ms, budget 4 in 600 s", WAIT);
                assertTrue(exec(home, "hassette:apps").lines().anyMatch(l -> l.startsWith(GOOD) && l.contains("running")),
                        "the app handler keeps running");
                p.await(BAD + " failed naming its property and value", WAIT, () -> {
                    String show = exec(home, "hassette:app show " + BAD);
                    return show.contains("failed") && show.contains("off.after.seconds") && show.contains("'soon'");
                });
                sim.setState("binary_sensor.e2e_motion", "on", Map.of());
                p.await("the good app turned its light on", WAIT,
                        () -> "on".equals(sim.state("light.e2e_hall").map(s -> s.state()).orElse(null)));
                assertEquals("off", sim.state("light.e2e_other").orElseThrow().state(), "the bad instance does nothing");

                // invalid HTTP API requests: 4xx with a JSON error naming the input; nothing else moves
                String api = "/hassette/api/v1";
                badRequest(p, "PUT", api + "/logs/level", "{\"logger\": \"org.hassette.bus\", \"level\": \"LOUD\"}", "LOUD");
                badRequest(p, "PUT", api + "/logs/level", "this is not json", null);
                badRequest(p, "PUT", api + "/logs/level", "{\"logger\": 42, \"level\": \"DEBUG\"}", "'logger' must be a string");
                badRequest(p, "PUT", api + "/logs/level", "[1,2,3]", null);
                badRequest(p, "PUT", api + "/logs/level", "{\"logger\": \"" + "x".repeat(2_000_000) + "\", \"level\": \"DEBUG\"}", "'logger' is 2000000 characters long");
                badRequest(p, "GET", api + "/entities?limit=abc", null, "abc");
                badRequest(p, "POST", api + "/apps/nope_e2e/start", "", "nope_e2e");
                badRequest(p, "POST", api + "/services/nope_e2e/restart", "", "nope_e2e");
                badRequest(p, "GET", api + "/entities/not_an_entity", null, "not_an_entity");
                assertEquals(200, status(p, api + "/health"), "still ready after the bad requests");
                sim.setState("binary_sensor.e2e_motion", "off", Map.of());
                sim.setState("light.e2e_hall", "off", Map.of());
                sim.setState("binary_sensor.e2e_motion", "on", Map.of());
                p.await("the good app still works after the bad requests", WAIT,
                        () -> "on".equals(sim.state("light.e2e_hall").map(s -> s.state()).orElse(null)));
                assertEquals(0, p.terminate(WAIT), p.output());
            }
        }
    }

    private static Path exampleJar() throws IOException {
        Path dir = PlatformProcess.ROOT.resolve("apps/org.hassette.example.motionlights/target");
        try (var s = Files.list(dir)) {
            List<Path> jars = s.filter(f -> f.getFileName().toString().matches("org\\.hassette\\.example\\.motionlights-[^-]+(-SNAPSHOT)?\\.jar")).toList();
            assertEquals(1, jars.size(), "example app jar in " + dir + ": " + jars);
            return jars.get(0);
        }
    }

    private static byte[] bundle(String bsn, String version) throws IOException {
        Manifest m = new Manifest();
        Attributes a = m.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", bsn);
        a.putValue("Bundle-Version", version);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (JarOutputStream o = new JarOutputStream(buf, m)) {
            o.putNextEntry(new JarEntry("README.txt"));
            o.write("a bundle with an invalid version".getBytes());
            o.closeEntry();
        }
        return buf.toByteArray();
    }

    private static final String PASSWORD = "e2e-" + UUID.randomUUID();

    /** A request the API must refuse with a 4xx and a JSON error (naming {@code named} when given). */
    private static void badRequest(PlatformProcess p, String method, String path, String body, String named) throws Exception {
        java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + p.port + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(("operator:" + PASSWORD).getBytes()))
                .method(method, body == null ? java.net.http.HttpRequest.BodyPublishers.noBody()
                        : java.net.http.HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        java.net.http.HttpResponse<String> r = PlatformProcess.HTTP.send(b.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        String what = method + " " + (path.length() > 80 ? path.substring(0, 80) : path) + " -> " + r.statusCode() + " "
                + (r.body().length() > 300 ? r.body().substring(0, 300) : r.body());
        assertTrue(r.statusCode() >= 400 && r.statusCode() < 500, what);
        assertTrue(r.body().contains("\"error\""), "a JSON error: " + what);
        if (named != null) {
            assertTrue(r.body().contains(named), "the error names '" + named + "': " + what);
        }
        System.out.println("hostile HTTP: " + what);
    }

    private static int status(PlatformProcess p, String path) {
        try {
            return p.get(path, null, null).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static String exec(Path home, String command) {
        try {
            PlatformProcess.Result r = PlatformProcess.exec(home, command);
            return r.out() + r.err();
        } catch (IOException | InterruptedException e) {
            return "";
        }
    }
}
