package org.hassette.e2e;

import static org.junit.jupiter.api.Assertions.*;
import static org.hassette.it.SqliteFiles.row;
import static org.hassette.it.SqliteFiles.text;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sessions as a user's platform leaves them: a run killed with SIGKILL is found at the next start and
 * closed as {@code unknown} at its last heartbeat; a run stopped with SIGTERM ends as {@code success}.
 * The test reads the database file itself, read-only, while the platform runs.
 */
class SessionE2ETest {
    private static final Duration START = Duration.ofSeconds(90);
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    @Test
    void killedRunIsClosedAsUnknownAtItsLastHeartbeatAndACleanStopIsSuccess() throws Exception {
        Path home = tmp.resolve("home");
        Path db = home.resolve("data/hassette.db");
        Files.createDirectories(home.resolve("etc"));
        // a short heartbeat so that the killed run has one after its start
        Files.writeString(home.resolve("etc/org.hassette.session.internal.DatabaseSessionTracker.cfg"), "heartbeat.interval.seconds=1\n");

        Map<String, String> beforeKill;
        try (PlatformProcess p = PlatformProcess.start(home, PlatformProcess.freePort(), Map.of())) {
            p.awaitSystemReady(START);
            p.await("a running session with a heartbeat after its start", WAIT, () -> {
                Map<String, String> row = newestSession(db);
                return "running".equals(row.get("status")) && row.get("last_heartbeat_at").compareTo(row.get("started_at")) > 0;
            });
            beforeKill = newestSession(db);
            p.process.destroyForcibly(); // SIGKILL: no shutdown hook, no finalization
            assertTrue(p.process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), "killed process gone");
            assertEquals(137, p.process.exitValue(), "128 + SIGKILL");
        }
        long killed = Long.parseLong(beforeKill.get("id"));

        long next;
        try (PlatformProcess p = PlatformProcess.start(home, PlatformProcess.freePort(), Map.of())) {
            p.awaitSystemReady(START);
            p.await("a new running session", WAIT, () -> Long.parseLong(newestSession(db).getOrDefault("id", "0")) > killed);
            Map<String, String> orphan = session(db, killed);
            assertEquals("unknown", orphan.get("status"), orphan.toString());
            assertEquals(orphan.get("last_heartbeat_at"), orphan.get("stopped_at"), "stopped at its last heartbeat: " + orphan);
            assertTrue(orphan.get("last_heartbeat_at").compareTo(beforeKill.get("last_heartbeat_at")) >= 0, orphan + " vs " + beforeKill);
            assertEquals(beforeKill.get("started_at"), orphan.get("started_at"));

            Map<String, String> current = newestSession(db);
            next = Long.parseLong(current.get("id"));
            assertEquals("running", current.get("status"));
            assertNull(current.get("stopped_at"));
            assertEquals("ok", text(db, "PRAGMA integrity_check"));
            try (Stream<Path> natives = Files.list(home.resolve("data/native"))) {
                List<String> libraries = natives.map(f -> f.getFileName().toString()).filter(n -> !n.endsWith(".lck")).toList();
                assertEquals(1, libraries.size(), "the killed run's native library copy was removed: " + libraries);
            }

            assertEquals(0, p.terminate(WAIT), p.output());
        }
        Map<String, String> stopped = session(db, next);
        assertEquals("success", stopped.get("status"), stopped.toString());
        assertNotNull(stopped.get("stopped_at"));
        assertTrue(stopped.get("stopped_at").compareTo(stopped.get("started_at")) >= 0, stopped.toString());
        assertEquals("ok", text(db, "PRAGMA integrity_check"));
        assertEquals("unknown", session(db, killed).get("status"), "the orphan stays closed");
    }

    private static Map<String, String> newestSession(Path db) {
        return row(db, "SELECT * FROM sessions ORDER BY id DESC LIMIT 1");
    }

    private static Map<String, String> session(Path db, long id) {
        return row(db, "SELECT * FROM sessions WHERE id = " + id);
    }
}
