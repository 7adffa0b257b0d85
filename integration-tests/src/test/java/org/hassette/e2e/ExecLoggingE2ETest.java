package org.hassette.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Gogo commands run through {@code ./hassette exec}: where their log lines go, and how the "which app"
 * argument of {@code hassette:executions} and {@code hassette:logs} (and the HTTP API's) treats all,
 * globs and unknown ids. Log lines written while {@code ./hassette exec} runs a command belong to the platform's console
 * (and log file), not to the exec client: Gogo swaps {@code System.out} for the command's thread,
 * and the console appender must not follow it.
 */
class ExecLoggingE2ETest {
    private static final Duration START = Duration.ofSeconds(90);
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String APP = "app:org.hassette.example.dooralert~doors";

    @TempDir
    Path tmp;

    @Test
    void logLinesOfAnExecdCommandGoToThePlatformConsoleNotToTheClient() throws Exception {
        Path home = tmp.resolve("home");
        try (PlatformProcess p = PlatformProcess.start(home, PlatformProcess.freePort(), Map.of())) {
            p.awaitSystemReady(START);

            // the command's own output still reaches the client; its log line goes to the platform's stdout
            PlatformProcess.Result level = PlatformProcess.exec(home, "hassette:loglevel org.hassette.e2e.probe DEBUG");
            assertEquals(0, level.code(), level.err());
            assertEquals("org.hassette.e2e.probe: level DEBUG", level.out().strip());
            String logLine = "Log level of org.hassette.e2e.probe set to DEBUG";
            p.awaitOutput(logLine, WAIT);
            assertFalse(level.out().contains(logLine) || level.err().contains(logLine), "log line in the exec client: " + level);

            // an app's start, run on the exec'd command's thread, logs to the console too
            p.await(APP + " running", WAIT, () -> run(home, "hassette:apps").out().matches("(?s).*" + APP.replace(".", "\\.") + " .* running .*"));
            assertEquals(0, run(home, "hassette:app stop " + APP).code());
            PlatformProcess.Result start = run(home, "hassette:app start " + APP);
            assertEquals(0, start.code(), start.err());
            String started = APP + " started (";
            p.awaitOutput(started, WAIT);
            assertFalse(start.out().contains(started) || start.err().contains(started), "app log line in the exec client: " + start);

            assertEquals(0, p.terminate(Duration.ofSeconds(30)), p.output());
        }
    }

    @Test
    void anUnknownAppOrAnExpandedGlobIsAnErrorNamingTheKnownApps() throws Exception {
        Path home = tmp.resolve("home");
        String user = "operator";
        String password = "e2e-Console-Passw0rd";
        try (PlatformProcess p = PlatformProcess.start(home, PlatformProcess.freePort(),
                Map.of("HASSETTE_CONSOLE_USER", user, "HASSETTE_CONSOLE_PASSWORD", password))) {
            p.awaitSystemReady(START);
            p.await(APP + " running", WAIT, () -> run(home, "hassette:apps").out().matches("(?s).*" + APP.replace(".", "\\.") + " .* running .*"));

            // unquoted, Gogo expands * to the file names of the platform's working folder (the repository root here)
            PlatformProcess.Result globbed = run(home, "hassette:executions * 3");
            assertEquals(1, globbed.code(), globbed.toString());
            assertTrue(globbed.err().startsWith("error: '[") && globbed.err().contains("pom.xml")
                    && globbed.err().contains("an unquoted * was expanded to file names; use all (or a quoted '*') for every app; known apps: ")
                    && globbed.err().contains(APP), globbed.err());
            PlatformProcess.Result globbedLogs = run(home, "hassette:logs INFO * 3");
            assertEquals(1, globbedLogs.code(), globbedLogs.toString());
            assertTrue(globbedLogs.err().contains("an unquoted * was expanded to file names"), globbedLogs.err());

            for (String all : new String[] {"hassette:executions all 3", "hassette:executions '*' 3", "hassette:executions ALL"}) {
                PlatformProcess.Result r = run(home, all);
                assertEquals(0, r.code(), all + ": " + r);
                assertTrue(r.out().startsWith("ID ") && r.out().contains(" kept)"), all + ": " + r.out());
            }
            PlatformProcess.Result allLogs = run(home, "hassette:logs INFO all 5");
            assertEquals(0, allLogs.code(), allLogs.toString());
            assertTrue(allLogs.out().contains(" INFO "), allLogs.out());
            assertEquals(0, run(home, "hassette:executions " + APP).code());
            assertEquals(0, run(home, "hassette:logs INFO org.hassette 5").code(), "a logger prefix is not an app id");

            for (String unknown : new String[] {"hassette:executions app:nope", "hassette:executions nope 5", "hassette:logs INFO app:nope 5"}) {
                PlatformProcess.Result r = run(home, unknown);
                assertEquals(1, r.code(), unknown + ": " + r);
                assertTrue(r.err().startsWith("error: no app '") && r.err().contains("nope'; known apps: ") && r.err().contains(APP),
                        unknown + ": " + r.err());
            }

            // the HTTP API: 404 naming the app and the known ones; all and * are every app
            for (String path : new String[] {"/hassette/api/v1/executions?app=app:nope", "/hassette/api/v1/logs?app=app:nope"}) {
                HttpResponse<String> r = p.get(path, user, password);
                assertEquals(404, r.statusCode(), path + ": " + r.body());
                assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), path);
                assertTrue(r.body().contains("no app 'app:nope'; known apps: ") && r.body().contains(APP), path + ": " + r.body());
            }
            for (String path : new String[] {"/hassette/api/v1/executions?app=all", "/hassette/api/v1/executions?app=*",
                    "/hassette/api/v1/logs?app=all&limit=3", "/hassette/api/v1/executions?app=" + APP}) {
                HttpResponse<String> r = p.get(path, user, password);
                assertEquals(200, r.statusCode(), path + ": " + r.body());
                assertTrue(r.body().startsWith("["), path + ": " + r.body());
            }
            assertEquals(0, p.terminate(Duration.ofSeconds(30)), p.output());
        }
    }

    private static PlatformProcess.Result run(Path home, String command) {
        try {
            return PlatformProcess.exec(home, command);
        } catch (Exception e) {
            throw new AssertionError("./hassette exec '" + command + "': " + e, e);
        }
    }
}
