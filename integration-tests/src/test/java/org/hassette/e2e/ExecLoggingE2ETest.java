package org.hassette.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Log lines written while {@code ./hassette exec} runs a command belong to the platform's console
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

    private static PlatformProcess.Result run(Path home, String command) {
        try {
            return PlatformProcess.exec(home, command);
        } catch (Exception e) {
            throw new AssertionError("./hassette exec '" + command + "': " + e, e);
        }
    }
}
