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

    @Test
    void readOnlyFileFailsStartupNamingTheFileAndWhatToDo() throws Exception {
        Path file = tmp.resolve("ro.db");
        SqliteStore first = open(SqliteStore.Settings.defaults(file));
        first.write(SqliteStoreTest::insertSession).get(WAIT_S, TimeUnit.SECONDS);
        first.close(Duration.ofSeconds(5));
        try (ReadOnlyFile readOnly = ReadOnlyFile.of(file)) {
            SqliteStore store = new SqliteStore(SqliteStore.Settings.defaults(file));
            stores.add(store);
            ExecutionException e = assertThrows(ExecutionException.class, () -> store.start().get(WAIT_S, TimeUnit.SECONDS),
                    "a file that cannot be written must not be reported ready");
            String why = e.getCause().getMessage();
            assertTrue(why.startsWith("database " + file + " is read-only (SQLITE_READONLY): make the file and its folder writable"),
                    why);
            ExecutionException w = assertThrows(ExecutionException.class, () -> store.write(c -> 1).get(WAIT_S, TimeUnit.SECONDS));
            assertTrue(w.getCause().getMessage().contains("is read-only"), w.getCause().getMessage());
        }
        assertEquals(1, readCount(open(SqliteStore.Settings.defaults(file)), "SELECT count(*) FROM sessions"),
                "writable again: it opens with its data");
    }

    @Test
    void deletedFileFailsTheOpenStoreWithAReasonNamingIt() throws Exception {
        Path file = tmp.resolve("gone.db");
        FailureWatch watch = new FailureWatch();
        SqliteStore store = open(SqliteStore.Settings.defaults(file), Duration.ofMillis(100), watch);
        store.write(SqliteStoreTest::insertSession).get(WAIT_S, TimeUnit.SECONDS);
        Files.delete(file);
        Files.deleteIfExists(Path.of(file + "-wal"));
        Files.deleteIfExists(Path.of(file + "-shm"));
        Exception failure = watch.failed.get(WAIT_S, TimeUnit.SECONDS);
        assertTrue(failure.getMessage().startsWith("database file " + file + " was deleted or replaced while open"), failure.getMessage());
        assertTrue(failure.getMessage().contains("went to the deleted file"), failure.getMessage());
        ExecutionException w = assertThrows(ExecutionException.class, () -> store.write(c -> 1).get(WAIT_S, TimeUnit.SECONDS));
        assertTrue(w.getCause().getMessage().contains("was deleted or replaced"), w.getCause().getMessage());
        assertThrows(SQLException.class, () -> store.read(c -> 1), "no reads from the deleted file either");
    }

    @Test
    void replacedFileFailsTheOpenStoreAndAnIntactOneDoesNot() throws Exception {
        Path file = tmp.resolve("replaced.db");
        Path other = tmp.resolve("other.db");
        FailureWatch watchOther = new FailureWatch();
        SqliteStore intact = open(SqliteStore.Settings.defaults(other), Duration.ofMillis(50), watchOther);
        FailureWatch watch = new FailureWatch();
        SqliteStore store = open(SqliteStore.Settings.defaults(file), Duration.ofMillis(50), watch);
        Path copy = Files.copy(file, tmp.resolve("copy.db"));
        Files.move(copy, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        Exception failure = watch.failed.get(WAIT_S, TimeUnit.SECONDS);
        assertTrue(failure.getMessage().startsWith("database file " + file + " was deleted or replaced while open"), failure.getMessage());
        // many checks later, the untouched file still serves and was never reported
        assertTrue(intact.write(SqliteStoreTest::insertSession).get(WAIT_S, TimeUnit.SECONDS) > 0);
        assertFalse(watchOther.failed.isDone(), "an intact file is not reported");
        assertTrue(store.write(c -> 1).isCompletedExceptionally(), "the replaced store accepts no writes");
    }

    /** Captures a failure reported after the store was ready. */
    private static final class FailureWatch implements SqliteStore.StartupListener {
        final CompletableFuture<Integer> ready = new CompletableFuture<>();
        final CompletableFuture<Exception> failed = new CompletableFuture<>();

        @Override
        public void ready(int schemaVersion) {
            ready.complete(schemaVersion);
        }

        @Override
        public void failed(Exception error) {
            if (!ready.completeExceptionally(error)) {
                failed.complete(error);
            }
        }
    }

    /**
     * Makes a file unwritable for whoever runs the test: permissions for a normal user, the immutable
     * attribute for root (which ignores permissions). Skips the test where neither works.
     */
    private static final class ReadOnlyFile implements AutoCloseable {
        private final Path file;
        private final boolean immutable;

        private ReadOnlyFile(Path file, boolean immutable) {
            this.file = file;
            this.immutable = immutable;
        }

        static ReadOnlyFile of(Path file) throws Exception {
            file.toFile().setWritable(false, false);
            if (!Files.isWritable(file) && !canOpenForWriting(file)) {
                return new ReadOnlyFile(file, false);
            }
            boolean immutable = chattr("+i", file);
            if (!immutable || canOpenForWriting(file)) {
                if (immutable) {
                    chattr("-i", file);
                }
                file.toFile().setWritable(true, false);
                org.junit.jupiter.api.Assumptions.abort("cannot make " + file + " read-only for this user (no chattr +i)");
            }
            return new ReadOnlyFile(file, true);
        }

        private static boolean canOpenForWriting(Path file) {
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
                return true;
            } catch (java.io.IOException e) {
                return false;
            }
        }

        private static boolean chattr(String flag, Path file) throws InterruptedException {
            try {
                Process p = new ProcessBuilder("chattr", flag, file.toString()).redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                return p.waitFor() == 0;
            } catch (java.io.IOException noChattr) {
                return false;
            }
        }

        @Override
        public void close() throws Exception {
            if (immutable) {
                chattr("-i", file);
            }
            file.toFile().setWritable(true, false);
        }
    }

    private SqliteStore open(SqliteStore.Settings settings) throws Exception {
        SqliteStore store = new SqliteStore(settings);
        stores.add(store);
        assertEquals(1, store.start().get(WAIT_S, TimeUnit.SECONDS));
        return store;
    }

    private SqliteStore open(SqliteStore.Settings settings, Duration fileCheckInterval, FailureWatch watch) throws Exception {
        SqliteStore store = new SqliteStore(settings, Migrations.bundled(), fileCheckInterval);
        stores.add(store);
        store.start(watch);
        assertEquals(1, watch.ready.get(WAIT_S, TimeUnit.SECONDS));
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
