package org.hassette.session.internal;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.hassette.api.database.Database;
import org.hassette.api.database.DatabaseBusyException;
import org.hassette.api.database.SqlWork;
import org.hassette.api.session.SessionRecord;
import org.hassette.api.session.SessionStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CurrentSessionTest {
    private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");
    private static final Instant T_END = T0.plusSeconds(60);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path tmp;
    RealDatabase db;
    CountingDatabase counting;
    final Clock clock = Clock.fixed(T_END, ZoneOffset.UTC);

    @BeforeEach
    void open() throws Exception {
        db = new RealDatabase(tmp.resolve("hassette.db"));
        counting = new CountingDatabase(db.store);
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void cleanFinalizeWritesSuccessAndTheStopTimeOnce() throws Exception {
        CurrentSession s = newSession();
        assertTrue(s.finalizeSession());
        SessionRecord r = row(s); // finalize waited for its write: the row is final now
        assertEquals(SessionStatus.SUCCESS, r.status());
        assertEquals(T_END, r.stoppedAt());
        assertNull(r.errorType());

        assertFalse(s.finalizeSession(), "second finalize changes nothing");
        assertEquals(1, counting.writes.get());
    }

    @Test
    void crashMarksFailureWithItsDetailsWithoutFinalizing() throws Exception {
        CurrentSession s = newSession();
        assertTrue(s.recordCrash("WebsocketAuthError", "token rejected", "at x.y.Z(Z.java:1)"));
        SessionRecord r = row(s);
        assertEquals(SessionStatus.FAILURE, r.status());
        assertEquals("WebsocketAuthError", r.errorType());
        assertEquals("token rejected", r.errorMessage());
        assertEquals("at x.y.Z(Z.java:1)", r.errorTrace());
        assertNull(r.stoppedAt(), "a crash does not end the run");
        assertFalse(s.isFinalized());
    }

    @Test
    void finalizeAfterACrashKeepsFailureAndSetsTheStopTime() throws Exception {
        CurrentSession s = newSession();
        s.recordCrash("FatalError", "restart budget exhausted", "trace");
        assertTrue(s.finalizeSession());
        SessionRecord r = row(s);
        assertEquals(SessionStatus.FAILURE, r.status());
        assertEquals("restart budget exhausted", r.errorMessage());
        assertEquals(T_END, r.stoppedAt());
    }

    @Test
    void firstCrashWins() throws Exception {
        CurrentSession s = newSession();
        assertTrue(s.recordCrash("First", "first", "t1"));
        assertFalse(s.recordCrash("Second", "second", "t2"));
        s.finalizeSession();
        assertEquals("First", row(s).errorType());
        assertEquals(2, counting.writes.get(), "the losing crash wrote nothing");
    }

    @Test
    void crashAfterACleanFinalizeStillEndsAsFailure() throws Exception {
        CurrentSession s = newSession();
        assertTrue(s.finalizeSession());
        assertTrue(s.recordCrash("LateError", "during shutdown", "t"));
        SessionRecord r = row(s);
        assertEquals(SessionStatus.FAILURE, r.status());
        assertEquals("LateError", r.errorType());
        assertEquals(T_END, r.stoppedAt(), "stop time of the finalization kept");
        assertFalse(s.finalizeSession());
    }

    @Test
    void concurrentCrashesAndFinalizesFinalizeExactlyOnceAndTheCrashWins() throws Exception {
        int threads = 16;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int round = 0; round < 40; round++) {
                counting.writes.set(0);
                CurrentSession s = newSession();
                CyclicBarrier start = new CyclicBarrier(threads);
                List<Future<Boolean>> crashes = new ArrayList<>();
                List<Future<Boolean>> finals = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int n = t;
                    Future<Boolean> f = pool.submit(() -> {
                        start.await(30, TimeUnit.SECONDS);
                        return n % 2 == 0 ? s.recordCrash("Crash" + n, "crash from thread " + n, "trace " + n) : s.finalizeSession();
                    });
                    (n % 2 == 0 ? crashes : finals).add(f);
                }
                assertEquals(1, winners(crashes), "round " + round + ": exactly one crash recorded");
                assertEquals(1, winners(finals), "round " + round + ": exactly one finalization");
                assertEquals(2, counting.writes.get(), "round " + round + ": one crash write and one finalize write");
                SessionRecord r = row(s);
                assertEquals(SessionStatus.FAILURE, r.status(), "round " + round + ": the crash wins whatever the order");
                assertEquals(T_END, r.stoppedAt(), "round " + round);
                assertTrue(r.errorMessage().startsWith("crash from thread "), r.errorMessage());
                assertEquals(r.errorType(), "Crash" + r.errorMessage().substring("crash from thread ".length()));
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals("ok", db.text("PRAGMA integrity_check"));
    }

    @Test
    void databaseErrorsAreLoggedNeverThrown() throws Exception {
        long id = db.write(c -> SessionTable.insert(c, T0));
        Database busy = new FailingDatabase(() -> CompletableFuture.failedFuture(new DatabaseBusyException("queue full")));
        CurrentSession s = new CurrentSession(busy, id, TIMEOUT, clock);
        assertTrue(s.recordCrash("X", "m", "t"));
        assertTrue(s.finalizeSession());

        Database throwing = new FailingDatabase(() -> {
            throw new IllegalStateException("database stopping");
        });
        CurrentSession t = new CurrentSession(throwing, id, TIMEOUT, clock);
        assertTrue(t.recordCrash("X", "m", "t"));
        assertTrue(t.finalizeSession());
        assertFalse(t.finalizeSession());

        assertEquals(SessionStatus.RUNNING, db.store.read(c -> SessionTable.find(c, id)).orElseThrow().status());
    }

    @Test
    void unconfirmedWriteGivesUpAfterTheWriteTimeout() {
        CompletableFuture<Integer> never = new CompletableFuture<>();
        CurrentSession s = new CurrentSession(new FailingDatabase(() -> never), 1, Duration.ofMillis(50), clock);
        assertTrue(s.finalizeSession(), "returns although the write is never confirmed");
        assertTrue(s.isFinalized());
    }

    private CurrentSession newSession() throws Exception {
        long id = db.write(c -> SessionTable.insert(c, T0));
        return new CurrentSession(counting, id, TIMEOUT, clock);
    }

    private SessionRecord row(CurrentSession s) throws SQLException {
        return db.store.read(c -> SessionTable.find(c, s.id())).orElseThrow();
    }

    private static int winners(List<Future<Boolean>> futures) throws Exception {
        int n = 0;
        for (Future<Boolean> f : futures) {
            if (f.get(30, TimeUnit.SECONDS)) {
                n++;
            }
        }
        return n;
    }

    /** Counts the writes a session asks for. */
    private static final class CountingDatabase implements Database {
        final Database delegate;
        final AtomicInteger writes = new AtomicInteger();

        CountingDatabase(Database delegate) {
            this.delegate = delegate;
        }

        @Override
        public <T> CompletableFuture<T> write(SqlWork<T> work) {
            writes.incrementAndGet();
            return delegate.write(work);
        }

        @Override
        public <T> T read(SqlWork<T> work) throws SQLException {
            return delegate.read(work);
        }

        @Override
        public int schemaVersion() {
            return delegate.schemaVersion();
        }

        @Override
        public Path file() {
            return delegate.file();
        }
    }

    /** A database whose every write ends as {@code outcome} says. */
    private static final class FailingDatabase implements Database {
        private final java.util.function.Supplier<CompletableFuture<?>> outcome;

        FailingDatabase(java.util.function.Supplier<CompletableFuture<?>> outcome) {
            this.outcome = outcome;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> CompletableFuture<T> write(SqlWork<T> work) {
            return (CompletableFuture<T>) outcome.get();
        }

        @Override
        public <T> T read(SqlWork<T> work) throws SQLException {
            throw new SQLException("not readable");
        }

        @Override
        public int schemaVersion() {
            return 1;
        }

        @Override
        public Path file() {
            return Path.of("/nowhere/hassette.db");
        }
    }
}
