package org.hassette.e2e;

import static org.junit.jupiter.api.Assertions.*;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Core readiness as an operator meets it: systemready, the startup log, hassette:status and hassette:why. */
class ReadinessE2ETest {
    private static final Duration START = Duration.ofSeconds(90);
    private static final String MISSING = "aardvark: not installed (no bundle declares resource 'aardvark')";

    @TempDir
    Path tmp;

    @Test
    void systemreadyIs503WhileARequiredResourceIsMissingSaysWhyAndRecoversWhenTheConfigurationIsFixed() throws Exception {
        Path home = tmp.resolve("home");
        Path config = home.resolve("etc/org.hassette.lifecycle.readiness.config");
        Files.createDirectories(config.getParent());
        // a required resource no bundle provides (named to sort first in the status table)
        Files.writeString(config, "required=[\"aardvark\",\"database\",\"session\",\"watcher\",\"websocket\",\"haapi\",\"states\",\"scheduler\",\"bus\"]\n");
        try (PlatformProcess p = PlatformProcess.start(home, PlatformProcess.freePort(), Map.of(), "--startup-timeout", "2")) {
            p.await("systemready 503 with the missing resource's chain, CRITICAL after the startup timeout", START, () -> {
                try {
                    HttpResponse<String> r = p.get("/system/health/systemready.json", null, null);
                    return r.statusCode() == 503 && r.body().contains("\"name\":\"Hassette core ready\",\"status\":\"CRITICAL\"")
                            && r.body().contains(MISSING);
                } catch (Exception e) {
                    return false;
                }
            });
            p.awaitOutput("Hassette core is not ready after 2 s. Blocked resources:\n  - " + MISSING, Duration.ofSeconds(20));

            // the rest of the core may still be connecting to the demo home when the 2 s are up: wait for it
            p.await("hassette:why naming only the missing resource", START, () -> {
                try {
                    PlatformProcess.Result why = PlatformProcess.exec(home, "hassette:why");
                    return why.code() == 0 && why.out().strip().equals(MISSING);
                } catch (Exception e) {
                    return false;
                }
            });
            PlatformProcess.Result status = PlatformProcess.exec(home, "hassette:status");
            assertTrue(status.out().matches("(?s)RESOURCE +ROLE +STATUS +READY +RESTARTS +REASON\naardvark +core +not_started +no +0 +not installed.*\ndatabase +core +running +yes .*"
                    + "core: NOT ready \\(see hassette:why\\)\\s*"), status.out());
            PlatformProcess.Result unknown = PlatformProcess.exec(home, "hassette:why nope");
            assertEquals(1, unknown.code());
            assertTrue(unknown.err().startsWith("error: unknown resource 'nope'; known: aardvark, bus, database"), unknown.err());
            assertFalse(unknown.err().contains("\tat "), unknown.err());

            // fixed in place: FileInstall applies the file, the platform becomes ready without a restart
            Files.writeString(config, "required=[\"database\",\"session\",\"watcher\",\"websocket\",\"haapi\",\"states\",\"scheduler\",\"bus\"]\n");
            p.awaitSystemReady(START);
            p.awaitOutput("Hassette core ready in ", Duration.ofSeconds(20));
            assertEquals("all core resources are ready", PlatformProcess.exec(home, "hassette:why").out().strip());
            assertEquals(0, p.terminate(Duration.ofSeconds(30)), p.output());
        }
    }
}
