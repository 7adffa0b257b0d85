package org.hassette.e2e;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.hassette.it.SqliteFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fatal shutdowns of a real platform process: a core resource whose permanent restart budget runs
 * out stops the platform once, with exit code 1, the reason as the last line and the session row
 * closed as {@code failure}; a resource crashing during a clean SIGTERM stop is recorded but the stop
 * ends with exit 0; a database file from a newer Hassette stops the platform without touching it.
 */
class FatalShutdownE2ETest {
    private static final String NEWEST_SESSION = "SELECT * FROM sessions ORDER BY id DESC LIMIT 1";

    @TempDir
    Path tmp;

    @Test
    void exhaustedPermanentResourceStopsThePlatformWithItsReason() throws Exception {
        Path home = homeWithProbes();
        Path db = home.resolve("data/hassette.db");
        try (PlatformProcess p = PlatformProcess.start(home, PlatformProcess.freePort(), Map.of())) {
            p.awaitSystemReady(Duration.ofSeconds(90));
            awaitProbesDeployed(p, home);
            PlatformProcess.Result enable = PlatformProcess.exec(home, "scr:enable probe.permanent");
            assertEquals(0, enable.code(), enable.out() + enable.err());
            assertTrue(p.process.waitFor(60, TimeUnit.SECONDS), "platform did not stop itself:\n" + p.output());
            assertEquals(1, p.process.exitValue(), p.output());
            String[] lines = p.output().strip().split("\n");
            String last = lines[lines.length - 1];
            String reason = "probe.permanent: restart budget exhausted (2 restarts in 300 s)";
            assertTrue(last.startsWith("Hassette stopped: " + reason), last);
            assertTrue(last.endsWith("(exit 1)"), last);
            assertEquals(1, p.output().split("FATAL probe.permanent", -1).length - 1, "one fatal shutdown:\n" + p.output());

            // the database row as the next start (or an operator) finds it
            Map<String, String> session = SqliteFiles.row(db, NEWEST_SESSION);
            assertEquals("failure", session.get("status"), session.toString());
            assertTrue(session.get("error_message").startsWith(reason), session.toString());
            assertEquals("FatalResourceFailure", session.get("error_type"), session.toString());
            assertNotNull(session.get("stopped_at"), "finalized: " + session);
            assertTrue(session.get("stopped_at").compareTo(session.get("started_at")) >= 0, session.toString());
            assertEquals("ok", SqliteFiles.text(db, "PRAGMA integrity_check"));
        }
    }

    @Test
    void aCrashDuringACleanStopIsRecordedButTheStopEndsWithExitZero() throws Exception {
        Path home = homeWithProbes();
        Path db = home.resolve("data/hassette.db");
        try (PlatformProcess p = PlatformProcess.start(home, PlatformProcess.freePort(), Map.of())) {
            p.awaitSystemReady(Duration.ofSeconds(90));
            awaitProbesDeployed(p, home);
            PlatformProcess.Result enable = PlatformProcess.exec(home, "scr:enable probe.crashonstop");
            assertEquals(0, enable.code(), enable.out() + enable.err());
            p.await("probe.crashonstop ready", Duration.ofSeconds(30), () -> {
                try {
                    return PlatformProcess.exec(home, "hassette:status").out().lines()
                            .anyMatch(l -> l.contains("probe.crashonstop") && l.contains("running") && l.contains("yes"));
                } catch (Exception e) {
                    return false;
                }
            });
            assertEquals(0, p.terminate(Duration.ofSeconds(60)), "the stop the operator asked for: exit 0\n" + p.output());
            String out = p.output();
            assertTrue(out.contains("probe.crashonstop crashed while the platform was stopping: crashed: crashed while stopping"), out);
            assertFalse(out.contains("FATAL probe.crashonstop"), "no second, fatal shutdown:\n" + out);
            String[] lines = out.strip().split("\n");
            assertEquals("Hassette stopped.", lines[lines.length - 1]);
        }
        Map<String, String> session = SqliteFiles.row(db, NEWEST_SESSION);
        assertEquals("failure", session.get("status"), "the crash wins over the clean finalization: " + session);
        assertTrue(session.get("error_message").startsWith("probe.crashonstop: crashed: crashed while stopping"), session.toString());
        assertNotNull(session.get("stopped_at"), session.toString());
        assertEquals("ok", SqliteFiles.text(db, "PRAGMA integrity_check"));
    }

    @Test
    void databaseFromANewerHassetteStopsThePlatformAndIsLeftUntouched() throws Exception {
        Path home = tmp.resolve("home");
        Path db = home.resolve("data/hassette.db");
        Files.createDirectories(db.getParent());
        try (Connection c = SqliteFiles.open(db); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE future_things (id INTEGER PRIMARY KEY, what TEXT)");
            s.execute("INSERT INTO future_things (what) VALUES ('written by Hassette 99')");
            s.execute("PRAGMA user_version = 99");
        }
        String before = sha256(db);
        try (PlatformProcess p = PlatformProcess.start(home, PlatformProcess.freePort(), Map.of())) {
            assertTrue(p.process.waitFor(120, TimeUnit.SECONDS), "platform did not stop itself:\n" + p.output());
            assertEquals(1, p.process.exitValue(), p.output());
            String[] lines = p.output().strip().split("\n");
            String last = lines[lines.length - 1];
            assertTrue(last.startsWith("Hassette stopped: database: "), last);
            assertTrue(last.contains(db.toString()), "names the file: " + last);
            assertTrue(last.contains("schema version 99"), last);
            assertTrue(last.contains("Run that newer version again, or move the file away"), "says what to do: " + last);
            assertTrue(last.endsWith("(exit 1)"), last);
        }
        assertEquals(before, sha256(db), "the newer file is left byte for byte as it was");
        assertFalse(Files.exists(Path.of(db + "-wal")), "no WAL file next to it");
        assertEquals("99", SqliteFiles.text(db, "PRAGMA user_version"));
    }

    private Path homeWithProbes() throws Exception {
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
        return home;
    }

    private static void awaitProbesDeployed(PlatformProcess p, Path home) {
        p.await("probe bundle deployed", Duration.ofSeconds(30), () -> {
            try {
                return PlatformProcess.exec(home, "scr:info probe.permanent").code() == 0;
            } catch (Exception e) {
                return false;
            }
        });
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
