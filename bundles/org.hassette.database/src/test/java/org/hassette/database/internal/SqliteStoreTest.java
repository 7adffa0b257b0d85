package org.hassette.database.internal;

import static org.hassette.database.internal.MigrationsTest.count;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.hassette.api.database.DatabaseBusyException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteStoreTest {
    private static final long WAIT_S = 30;

    @TempDir
    Path tmp;

    private final List<SqliteStore> stores = new ArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void closeStores() {
        release.countDown();
        stores.forEach(s -> s.close(Duration.ofSeconds(5)));
    }

    @Test
    void readyOnlyOnceWalIsOnAndMigrationsAreApplied() throws Exception {
        SqliteStore store = open(SqliteStore.Settings.defaults(tmp.resolve("data/hassette.db")));
        assertTrue(Files.isRegularFile(tmp.resolve("data/hassette.db")), "folder and file created");
        assertEquals(1, store.schemaVersion());
        assertEquals("wal", store.read(c -> string(c, "PRAGMA journal_mode")));
        assertEquals(1, writeCount(store, "PRAGMA foreign_keys"));
        assertEquals(1, writeCount(store, "PRAGMA synchronous"), "1 = NORMAL");
        assertEquals(5000, writeCount(store, "PRAGMA busy_timeout"));
        assertEquals(1, readCount(store, "SELECT count(*) FROM sqlite_master WHERE name = 'sessions'"));
    }

    @Test
    void writesAreRefusedBeforeTheFileIsReady() throws Exception {
        SqliteStore store = new SqliteStore(SqliteStore.Settings.defaults(tmp.resolve("x.db")));
        stores.add(store);
        ExecutionException e = assertThrows(ExecutionException.class, () -> store.write(c -> 1).get(WAIT_S, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("not open yet"), e.getCause().getMessage());
        assertThrows(SQLException.class, () -> store.read(c -> 1));
    }

    @Test
    void committedWriteIsVisibleToReaders() throws Exception {
        SqliteStore store = open(SqliteStore.Settings.defaults(tmp.resolve("w.db")));
        long id = store.write(SqliteStoreTest::insertSession).get(WAIT_S, TimeUnit.SECONDS);
        assertTrue(id > 0);
        assertEquals(1, readCount(store, "SELECT count(*) FROM sessions WHERE id = " + id));
    }

    @Test
    void failedWriteIsRolledBackAndFailsItsFutureWithTheCause() throws Exception {
        SqliteStore store = open(SqliteStore.Settings.defaults(tmp.resolve("rb.db")));
        CompletableFuture<Object> failing = store.write(c -> {
            insertSession(c);
            throw new SQLException("boom after insert");
        });
        ExecutionException e = assertThrows(ExecutionException.class, () -> failing.get(WAIT_S, TimeUnit.SECONDS));
        assertEquals("boom after insert", e.getCause().getMessage());
        assertEquals(0, readCount(store, "SELECT count(*) FROM sessions"), "insert rolled back");
        assertTrue(store.write(SqliteStoreTest::insertSession).get(WAIT_S, TimeUnit.SECONDS) > 0, "writer still serves");
    }

    @Test
    void writeThrowingAnErrorIsRolledBackAndTheWriterSurvives() throws Exception {
        SqliteStore store = open(SqliteStore.Settings.defaults(tmp.resolve("err.db")));
        CompletableFuture<Object> failing = store.write(c -> {
            insertSession(c);
            throw new NoClassDefFoundError("com/example/Gone");
        });
        ExecutionException e = assertThrows(ExecutionException.class, () -> failing.get(WAIT_S, TimeUnit.SECONDS));
        assertInstanceOf(NoClassDefFoundError.class, e.getCause());
        assertEquals(0, readCount(store, "SELECT count(*) FROM sessions"));
        assertEquals(1, writeCount(store, "SELECT 1"));
    }

    @Test
    void fullQueueRefusesAtOnceWithoutBlockingTheCaller() throws Exception {
        SqliteStore store = open(new SqliteStore.Settings(tmp.resolve("q.db"), 2, 5000, 1));
        CountDownLatch running = new CountDownLatch(1);
        CompletableFuture<Integer> blocker = store.write(c -> {
            running.countDown();
            await(release);
            return 0;
        });
        assertTrue(running.await(WAIT_S, TimeUnit.SECONDS), "writer picked up the first write");
        CompletableFuture<Long> queued1 = store.write(SqliteStoreTest::insertSession);
        CompletableFuture<Long> queued2 = store.write(SqliteStoreTest::insertSession);
        assertEquals(2, store.queuedWrites());

        CompletableFuture<Long> refused = store.write(SqliteStoreTest::insertSession);
        assertTrue(refused.isCompletedExceptionally(), "refused on the caller's thread, not queued");
        CompletionException e = assertThrows(CompletionException.class, refused::join);
        assertInstanceOf(DatabaseBusyException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains("full (2 writes waiting)"), e.getCause().getMessage());

        release.countDown();
        assertEquals(0, blocker.get(WAIT_S, TimeUnit.SECONDS));
        assertTrue(queued1.get(WAIT_S, TimeUnit.SECONDS) < queued2.get(WAIT_S, TimeUnit.SECONDS));
        assertEquals(2, readCount(store, "SELECT count(*) FROM sessions"), "the refused write never ran");
        assertNotNull(store.write(SqliteStoreTest::insertSession).get(WAIT_S, TimeUnit.SECONDS), "slots are freed again");
    }

    @Test
    void writesRunOneAtATimeInSubmissionOrderOnTheWriterThread() throws Exception {
        SqliteStore store = open(SqliteStore.Settings.defaults(tmp.resolve("order.db")));
        List<String> threads = new ArrayList<>();
        List<Integer> order = new ArrayList<>();
        List<CompletableFuture<Integer>> futures = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            int n = i;
            futures.add(store.write(c -> {
                threads.add(Thread.currentThread().getName()); // single writer: no lock needed
                order.add(n);
                return n;
            }));
        }
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(WAIT_S, TimeUnit.SECONDS);
        assertEquals(List.of("hassette-db-writer"), threads.stream().distinct().toList());
        for (int i = 0; i < 300; i++) {
            assertEquals(i, order.get(i));
        }
    }

    @Test
    void readersDoNotWaitForAnOpenWriteTransaction() throws Exception {
        SqliteStore store = open(SqliteStore.Settings.defaults(tmp.resolve("wal.db")));
        CountDownLatch inserted = new CountDownLatch(1);
        CompletableFuture<Long> write = store.write(c -> {
            long id = insertSession(c);
            inserted.countDown();
            await(release);
            return id;
        });
        assertTrue(inserted.await(WAIT_S, TimeUnit.SECONDS));
        // the write transaction holds its lock and is not committed: a reader sees the old snapshot at once
        assertEquals(0, readCount(store, "SELECT count(*) FROM sessions"));
        assertFalse(write.isDone());
        release.countDown();
        write.get(WAIT_S, TimeUnit.SECONDS);
        assertEquals(1, readCount(store, "SELECT count(*) FROM sessions"));
    }

    @Test
    void closeRunsQueuedWritesThenRefusesNewOnes() throws Exception {
        SqliteStore store = open(SqliteStore.Settings.defaults(tmp.resolve("drain.db")));
        CountDownLatch running = new CountDownLatch(1);
        store.write(c -> {
            running.countDown();
            await(release);
            return 0;
        });
        assertTrue(running.await(WAIT_S, TimeUnit.SECONDS));
        List<CompletableFuture<Long>> queued = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            queued.add(store.write(SqliteStoreTest::insertSession));
        }
        CompletableFuture<Integer> closing = CompletableFuture.supplyAsync(() -> store.close(Duration.ofSeconds(WAIT_S)));
        // close() stops admission before it waits for the queue: new writes are refused while it drains
        CompletableFuture<Long> late = writeUntilRefused(store, queued);
        assertFalse(closing.isDone(), "close() waits for the queued writes");
        release.countDown();
        assertEquals(0, closing.get(WAIT_S, TimeUnit.SECONDS), "nothing abandoned");
        for (CompletableFuture<Long> f : queued) {
            assertTrue(f.get(WAIT_S, TimeUnit.SECONDS) > 0);
        }
        ExecutionException e = assertThrows(ExecutionException.class, late::get);
        assertTrue(e.getCause().getMessage().contains("stopping"), e.getCause().getMessage());
        assertThrows(SQLException.class, () -> store.read(c -> 1), "readers closed");
        try (Connection c = MigrationsTest.open(store.file())) {
            assertEquals(queued.size(), count(c, "SELECT count(*) FROM sessions"));
            assertEquals("ok", string(c, "PRAGMA integrity_check"));
        }
    }

    @Test
    void closeAbandonsWritesStillQueuedAfterTheDrainTimeout() throws Exception {
        SqliteStore store = open(SqliteStore.Settings.defaults(tmp.resolve("abandon.db")));
        CountDownLatch running = new CountDownLatch(1);
        CompletableFuture<Integer> stuck = store.write(c -> {
            running.countDown();
            await(release);
            return 7;
        });
        assertTrue(running.await(WAIT_S, TimeUnit.SECONDS));
        List<CompletableFuture<Long>> queued = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            queued.add(store.write(SqliteStoreTest::insertSession));
        }
        assertEquals(3, store.close(Duration.ofMillis(100)));
        for (CompletableFuture<Long> f : queued) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(WAIT_S, TimeUnit.SECONDS));
            assertTrue(e.getCause().getMessage().contains("stopped before this write ran"), e.getCause().getMessage());
        }
        release.countDown();
        assertEquals(7, stuck.get(WAIT_S, TimeUnit.SECONDS), "the write in progress still finishes");
    }

    @Test
    void fileThatIsNotADatabaseFailsWithAReasonNamingIt() throws Exception {
        Path file = tmp.resolve("garbage.db");
        Files.writeString(file, "this is not an SQLite file, it is a shopping list: eggs, milk, bread, and more text to pad");
        SqliteStore store = new SqliteStore(SqliteStore.Settings.defaults(file));
        stores.add(store);
        ExecutionException e = assertThrows(ExecutionException.class, () -> store.start().get(WAIT_S, TimeUnit.SECONDS));
        assertInstanceOf(SQLException.class, e.getCause());
        assertTrue(e.getCause().getMessage().startsWith("cannot open database file " + file), e.getCause().getMessage());
        assertTrue(e.getCause().getMessage().contains("not a database"), e.getCause().getMessage());
        ExecutionException w = assertThrows(ExecutionException.class, () -> store.write(c -> 1).get(WAIT_S, TimeUnit.SECONDS));
        assertTrue(w.getCause().getMessage().contains("failed to open"), w.getCause().getMessage());
    }

    @Test
    void schemaNewerThanTheCodeFailsStartupWithSchemaTooNew() throws Exception {
        Path file = tmp.resolve("newer.db");
        try (Connection c = MigrationsTest.open(file)) {
            MigrationsTest.exec(c, "PRAGMA user_version = 42");
        }
        byte[] before = java.nio.file.Files.readAllBytes(file);
        SqliteStore store = new SqliteStore(SqliteStore.Settings.defaults(file));
        stores.add(store);
        ExecutionException e = assertThrows(ExecutionException.class, () -> store.start().get(WAIT_S, TimeUnit.SECONDS));
        SchemaTooNewException tooNew = assertInstanceOf(SchemaTooNewException.class, e.getCause());
        assertEquals(42, tooNew.found());
        assertArrayEquals(before, java.nio.file.Files.readAllBytes(file), "the newer file is left byte for byte as it was (no WAL switch)");
        assertFalse(java.nio.file.Files.exists(java.nio.file.Path.of(file + "-wal")), "no WAL file created next to it");
        try (Connection c = MigrationsTest.open(file)) {
            assertEquals(42, Migrations.userVersion(c));
        }
    }

    private SqliteStore open(SqliteStore.Settings settings) throws Exception {
        SqliteStore store = new SqliteStore(settings);
        stores.add(store);
        assertEquals(1, store.start().get(WAIT_S, TimeUnit.SECONDS));
        return store;
    }

    /**
     * Keeps writing until close() has stopped admission (it runs on another thread); writes accepted
     * before that are added to {@code accepted}. Returns the first refused write.
     */
    private static CompletableFuture<Long> writeUntilRefused(SqliteStore store, List<CompletableFuture<Long>> accepted) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
        while (System.nanoTime() < deadline) {
            CompletableFuture<Long> f = store.write(SqliteStoreTest::insertSession);
            if (f.isCompletedExceptionally()) {
                return f;
            }
            accepted.add(f);
            Thread.onSpinWait();
        }
        throw new AssertionError("close() never stopped accepting writes");
    }

    private static int readCount(SqliteStore store, String sql) throws SQLException {
        return store.read(c -> count(c, sql));
    }

    private static int writeCount(SqliteStore store, String sql) throws Exception {
        return store.write(c -> count(c, sql)).get(WAIT_S, TimeUnit.SECONDS);
    }

    static long insertSession(Connection c) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(
                "INSERT INTO sessions(started_at, last_heartbeat_at, status) VALUES ('2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', 'running')",
                Statement.RETURN_GENERATED_KEYS)) {
            p.executeUpdate();
            try (ResultSet keys = p.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }

    static String string(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getString(1);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(WAIT_S, TimeUnit.SECONDS)) {
                throw new AssertionError("test latch not released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
