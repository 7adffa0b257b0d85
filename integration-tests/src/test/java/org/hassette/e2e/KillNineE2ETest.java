package org.hassette.e2e;

import static org.junit.jupiter.api.Assertions.*;
import static org.hassette.it.SqliteFiles.readOnly;
import static org.hassette.it.SqliteFiles.row;
import static org.hassette.it.SqliteFiles.text;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The platform killed with SIGKILL in the middle of heavy writes: a test app
 * ({@code integration-tests/app-probe-writer}) writes keys to its store from three threads and
 * appends each key to a side file once its {@code put} has returned. After the kill, every key in
 * that file is in the database file, whose {@code PRAGMA integrity_check} is ok; the next start
 * closes the killed run's session as {@code unknown} and runs normally.
 */
class KillNineE2ETest {
    private static final Duration START = Duration.ofSeconds(90);
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    @Test
    void acknowledgedWritesSurviveKillNineAndTheFileIsIntact() throws Exception {
        Path home = tmp.resolve("home");
        Path db = home.resolve("data/hassette.db");
        Path acks = tmp.resolve("acks.txt");
        Files.createDirectories(home.resolve("etc"));
        Files.createDirectories(home.resolve("deploy"));
        Files.writeString(home.resolve("etc/org.hassette.session.internal.DatabaseSessionTracker.cfg"), "heartbeat.interval.seconds=1\n");
        Files.writeString(home.resolve("etc/it.writer.cfg"), "ack.file=" + acks + "\nthreads=3\n");
        Files.copy(writerJar(), home.resolve("deploy/writer.jar"));

        long killedSession;
        Set<String> acknowledged;
        try (PlatformProcess p = PlatformProcess.start(home, PlatformProcess.freePort(), Map.of())) {
            p.awaitSystemReady(START);
            p.awaitOutput("writer started with 3 threads", WAIT);
            // heavy writes for a while, with the session heartbeat (every second) writing too
            p.await("2,000 acknowledged writes", WAIT, () -> lines(acks).size() >= 2_000);
            p.await("a heartbeat after the start of the session", WAIT, () -> {
                Map<String, String> s = newestSession(db);
                return "running".equals(s.get("status")) && s.get("last_heartbeat_at").compareTo(s.get("started_at")) > 0;
            });
            killedSession = Long.parseLong(newestSession(db).get("id"));
            p.process.destroyForcibly(); // SIGKILL while the writers run
            assertTrue(p.process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), "killed process gone");
            assertEquals(137, p.process.exitValue(), "128 + SIGKILL");
            acknowledged = new HashSet<>(lines(acks));
        }

        // the file as the killed process left it (WAL included): intact, nothing acknowledged lost
        assertEquals("ok", text(db, "PRAGMA integrity_check"));
        Set<String> stored = storedKeys(db);
        List<String> lost = acknowledged.stream().filter(k -> !stored.contains(k)).sorted().limit(10).toList();
        assertTrue(lost.isEmpty(), lost.size() + " acknowledged keys missing after kill -9, e.g. " + lost);
        System.out.println("kill -9: " + acknowledged.size() + " acknowledged writes, all in the database ("
                + stored.size() + " rows, the rest were committed but not yet acknowledged to the app)");

        // next start, without the writer: orphan closed as unknown, integrity ok, the data still there
        Files.delete(home.resolve("deploy/writer.jar"));
        try (PlatformProcess p = PlatformProcess.start(home, PlatformProcess.freePort(), Map.of())) {
            p.awaitSystemReady(START);
            p.await("a new session", WAIT, () -> Long.parseLong(newestSession(db).getOrDefault("id", "0")) > killedSession);
            Map<String, String> orphan = row(db, "SELECT * FROM sessions WHERE id = " + killedSession);
            assertEquals("unknown", orphan.get("status"), orphan.toString());
            assertEquals(orphan.get("last_heartbeat_at"), orphan.get("stopped_at"), orphan.toString());
            assertEquals("ok", text(db, "PRAGMA integrity_check"));
            assertTrue(storedKeys(db).containsAll(acknowledged), "acknowledged keys still there after the restart");
            assertEquals(0, p.terminate(WAIT), p.output());
        }
        assertEquals("success", newestSession(db).get("status"));
        assertEquals("1", text(db, "SELECT count(*) FROM sessions WHERE id > " + killedSession), "one row for the second run");
    }

    static Path writerJar() throws IOException {
        Path dir = PlatformProcess.ROOT.resolve("integration-tests/app-probe-writer/target");
        try (var s = Files.list(dir)) {
            List<Path> jars = s.filter(f -> f.getFileName().toString().matches("org\\.hassette\\.itest\\.writer-[^-]+(-SNAPSHOT)?\\.jar")).toList();
            assertEquals(1, jars.size(), "writer app jar in " + dir + ": " + jars);
            return jars.get(0);
        }
    }

    /** Complete lines of the ack file (a line is written in one call, but read only up to its newline). */
    private static List<String> lines(Path file) {
        try {
            if (!Files.exists(file)) {
                return List.of();
            }
            String text = Files.readString(file, StandardCharsets.UTF_8);
            int end = text.lastIndexOf('\n');
            return end < 0 ? List.of() : new ArrayList<>(List.of(text.substring(0, end).split("\n")));
        } catch (IOException e) {
            return List.of();
        }
    }

    private static Set<String> storedKeys(Path db) throws SQLException {
        Set<String> keys = new HashSet<>();
        try (Connection c = readOnly(db); PreparedStatement p = c.prepareStatement("SELECT key, value FROM app_store WHERE key LIKE 'k-%'");
                ResultSet r = p.executeQuery()) {
            while (r.next()) {
                assertEquals("value of " + r.getString(1), r.getString(2));
                keys.add(r.getString(1));
            }
        }
        return keys;
    }

    private static Map<String, String> newestSession(Path db) {
        return row(db, "SELECT * FROM sessions ORDER BY id DESC LIMIT 1");
    }
}
