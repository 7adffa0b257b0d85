package org.hassette.e2e;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A core resource whose permanent restart budget runs out shuts the whole platform down, once,
 * with exit code 1 and the reason as the last line.
 */
class FatalShutdownE2ETest {
    @TempDir
    Path tmp;

    @Test
    void exhaustedPermanentResourceStopsThePlatformWithItsReason() throws Exception {
        Path home = tmp.resolve("home");
        Files.createDirectories(home.resolve("deploy"));
        Path probes = PlatformProcess.ROOT.resolve("integration-tests/supervision-probes/target");
        Path jar;
        try (var s = Files.list(probes)) {
            List<Path> jars = s.filter(p -> p.getFileName().toString().matches("org\\.hassette\\.itest\\.supervision-.*\\.jar")).toList();
            assertEquals(1, jars.size(), "supervision probe jar in " + probes + ": " + jars);
            jar = jars.get(0);
        }
        Files.copy(jar, home.resolve("deploy/probes.jar"), StandardCopyOption.REPLACE_EXISTING);
        try (PlatformProcess p = PlatformProcess.start(home, PlatformProcess.freePort(), Map.of())) {
            p.awaitSystemReady(Duration.ofSeconds(90));
            p.await("probe bundle deployed", Duration.ofSeconds(30), () -> {
                try {
                    return PlatformProcess.exec(home, "scr:info probe.permanent").code() == 0;
                } catch (Exception e) {
                    return false;
                }
            });
            PlatformProcess.Result enable = PlatformProcess.exec(home, "scr:enable probe.permanent");
            assertEquals(0, enable.code(), enable.out() + enable.err());
            assertTrue(p.process.waitFor(60, TimeUnit.SECONDS), "platform did not stop itself:\n" + p.output());
            assertEquals(1, p.process.exitValue(), p.output());
            String[] lines = p.output().strip().split("\n");
            String last = lines[lines.length - 1];
            assertTrue(last.startsWith("Hassette stopped: probe.permanent: restart budget exhausted (2 restarts in 300 s)"), last);
            assertTrue(last.endsWith("(exit 1)"), last);
            assertEquals(1, p.output().split("FATAL probe.permanent", -1).length - 1, "one fatal shutdown:\n" + p.output());
        }
    }
}
