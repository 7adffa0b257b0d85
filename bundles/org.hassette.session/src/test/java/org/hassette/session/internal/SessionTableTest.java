package org.hassette.session.internal;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.hassette.api.session.SessionRecord;
import org.hassette.api.session.SessionStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionTableTest {
    private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

    @TempDir
    Path tmp;
    RealDatabase db;

    @BeforeEach
    void open() throws Exception {
        db = new RealDatabase(tmp.resolve("hassette.db"));
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void newSessionIsRunningWithAnIdAndNoStopTime() throws Exception {
        long id = db.write(c -> SessionTable.insert(c, T0));
        assertTrue(id > 0);
        SessionRecord r = db.store.read(c -> SessionTable.find(c, id)).orElseThrow();
        assertEquals(SessionStatus.RUNNING, r.status());
        assertEquals(T0, r.startedAt());
        assertEquals(T0, r.lastHeartbeatAt());
        assertNull(r.stoppedAt());
        assertNull(r.errorType());
    }

    @Test
    void runningOrphansBecomeUnknownStoppedAtTheirLastHeartbeat() throws Exception {
        long killed = db.write(c -> SessionTable.insert(c, T0));
        Instant lastSeen = T0.plusSeconds(42).plusMillis(7);
        db.write(c -> SessionTable.heartbeat(c, killed, lastSeen));

        SessionTable.Opened next = db.write(c -> SessionTable.open(c, T0.plusSeconds(100)));

        assertEquals(1, next.orphansClosed());
        SessionRecord orphan = db.store.read(c -> SessionTable.find(c, killed)).orElseThrow();
        assertEquals(SessionStatus.UNKNOWN, orphan.status());
        assertEquals(lastSeen, orphan.stoppedAt());
        assertEquals(SessionStatus.RUNNING, db.store.read(c -> SessionTable.find(c, next.id())).orElseThrow().status());
    }

    @Test
    void withoutOrphansNothingChanges() throws Exception {
        long done = db.write(c -> SessionTable.insert(c, T0));
        db.write(c -> SessionTable.finish(c, done, T0.plusSeconds(5), null));
        String before = db.text("SELECT status || stopped_at FROM sessions WHERE id = ?", done);

        assertEquals(0, db.write(SessionTable::closeOrphans));
        assertEquals(before, db.text("SELECT status || stopped_at FROM sessions WHERE id = ?", done));
        assertEquals("success2026-11-28T10:00:05.000Z", before);
    }

    @Test
    void crashedRunThatDiedBeforeFinalizingKeepsFailureAndGetsAStopTime() throws Exception {
        long id = db.write(c -> SessionTable.insert(c, T0));
        db.write(c -> SessionTable.heartbeat(c, id, T0.plusSeconds(3)));
        db.write(c -> SessionTable.recordCrash(c, id, new SessionTable.Crash("BoomError", "boom", "trace")));

        assertEquals(1, db.write(SessionTable::closeOrphans));

        SessionRecord r = db.store.read(c -> SessionTable.find(c, id)).orElseThrow();
        assertEquals(SessionStatus.FAILURE, r.status());
        assertEquals(T0.plusSeconds(3), r.stoppedAt());
        assertEquals("BoomError", r.errorType());
    }

    @Test
    void heartbeatLeavesAFinalizedRowAlone() throws Exception {
        long id = db.write(c -> SessionTable.insert(c, T0));
        db.write(c -> SessionTable.finish(c, id, T0.plusSeconds(1), null));
        assertEquals(0, (int) db.write(c -> SessionTable.heartbeat(c, id, T0.plusSeconds(2))));
        assertEquals(T0, db.store.read(c -> SessionTable.find(c, id)).orElseThrow().lastHeartbeatAt());
    }

    @Test
    void timestampsAreFixedWidthUtcWithMillisecondsAndSortAsText() {
        assertEquals("2026-11-28T10:00:00.000Z", SessionTable.format(T0));
        assertEquals("2026-11-28T10:00:00.120Z", SessionTable.format(T0.plusNanos(120_999_999)));
        assertEquals(24, SessionTable.format(Instant.parse("2026-01-02T03:04:05.6Z")).length());
        assertTrue(SessionTable.format(T0.plusMillis(999)).compareTo(SessionTable.format(T0.plusSeconds(1))) < 0);
        assertEquals(T0.plusMillis(5), SessionTable.parse(SessionTable.format(T0.plusMillis(5))));
    }

    @Test
    void recentSessionsAreNewestFirstAndLimited() throws Exception {
        for (int i = 0; i < 5; i++) {
            Instant t = T0.plusSeconds(i);
            db.write(c -> SessionTable.insert(c, t));
        }
        List<SessionRecord> recent = db.store.read(c -> SessionTable.recent(c, 3));
        assertEquals(3, recent.size());
        assertTrue(recent.get(0).id() > recent.get(1).id() && recent.get(1).id() > recent.get(2).id());
        assertEquals(T0.plusSeconds(4), recent.get(0).startedAt());
    }

    @Test
    void overlongTraceIsCut() {
        SessionTable.Crash crash = new SessionTable.Crash("StackOverflowError", null, "x".repeat(SessionTable.MAX_TRACE_CHARS * 2));
        assertTrue(crash.trace().length() < SessionTable.MAX_TRACE_CHARS + 100);
        assertTrue(crash.trace().endsWith("characters)"));
        assertEquals("unknown", new SessionTable.Crash(null, "m", "t").type());
    }
}
