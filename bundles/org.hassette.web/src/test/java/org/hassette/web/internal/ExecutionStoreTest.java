package org.hassette.web.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.hassette.api.database.Database;
import org.hassette.api.database.SqlWork;
import org.hassette.api.execution.ExecutionRecord;
import org.hassette.api.execution.ExecutionRecord.Kind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The execution store against a real SQLite file, with a single writer thread like the platform's database. */
class ExecutionStoreTest {
    @TempDir
    Path dir;

    private SqliteFile db;
    private ExecutorService callbacks;
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-28T12:00:00Z"));

    @BeforeEach
    void open() throws SQLException {
        db = new SqliteFile(dir.resolve("test.db"));
        callbacks = Executors.newSingleThreadExecutor();
    }

    @AfterEach
    void close() throws Exception {
        callbacks.shutdownNow();
        db.close();
    }

    private ExecutionStore store(int maxRows, int queue) throws Exception {
        ExecutionStore s = new ExecutionStore(db, callbacks, now::get, Duration.ofHours(1), maxRows, queue);
        s.createTable().get(10, TimeUnit.SECONDS);
        return s;
    }

    private static ExecutionRecord record(String name, String app, Instant at, String outcome) {
        return new ExecutionRecord(0, Kind.LISTENER, name, app, at, Duration.ofMillis(7), outcome,
                outcome.equals("error") ? "IllegalStateException: boom" : null, "");
    }

    @Test
    void storedRecordsComeBackNewestFirstWithIdsAndCanBeFilteredByApp() throws Exception {
        ExecutionStore s = store(100, 100);
        s.offer(record("app:a:on", "app:a", now.get(), "success"));
        s.offer(record("app:b:on", "app:b", now.get().plusSeconds(1), "error"));
        s.offer(new ExecutionRecord(0, Kind.JOB, "platform-job", null, now.get().plusSeconds(2), null, "skipped", null, "constraint: no"));
        assertEquals(3, s.flush().get(10, TimeUnit.SECONDS));

        List<ExecutionRecord> all = s.recent(null, 10);
        assertEquals(List.of("platform-job", "app:b:on", "app:a:on"), all.stream().map(ExecutionRecord::name).toList());
        assertTrue(all.get(0).id() > all.get(1).id() && all.get(1).id() > all.get(2).id(), "ids grow with insertion");
        assertNull(all.get(0).duration(), "a job run's unknown duration stays unknown");
        assertEquals("constraint: no", all.get(0).detail());
        assertEquals(Duration.ofMillis(7), all.get(1).duration());
        assertEquals("IllegalStateException: boom", all.get(1).error());
        assertTrue(all.get(1).failed());

        assertEquals(List.of("app:b:on"), s.recent("app:b", 10).stream().map(ExecutionRecord::name).toList());
        assertEquals(1, s.recent(null, 1).size());
        assertEquals(3, s.count());
        assertThrows(IllegalArgumentException.class, () -> s.recent(null, 0));
    }

    @Test
    void listenersHearEachStoredRecordWithItsIdOffTheWriterThread() throws Exception {
        ExecutionStore s = store(100, 100);
        List<ExecutionRecord> heard = new CopyOnWriteArrayList<>();
        List<String> threads = new CopyOnWriteArrayList<>();
        AutoCloseable sub = s.addListener(r -> {
            heard.add(r);
            threads.add(Thread.currentThread().getName());
        });
        s.offer(record("x", null, now.get(), "success"));
        s.flush().get(10, TimeUnit.SECONDS);
        assertEquals(1, heard.size());
        assertTrue(heard.get(0).id() > 0);
        assertFalse(threads.get(0).equals(db.writerThreadName()), "listeners never run on the database writer");
        sub.close();
        s.offer(record("y", null, now.get(), "success"));
        s.flush().get(10, TimeUnit.SECONDS);
        assertEquals(1, heard.size(), "a closed listener hears nothing more");
    }

    @Test
    void pruneKeepsTheNewestRowsAndDropsWhatIsTooOld() throws Exception {
        ExecutionStore s = store(3, 100);
        for (int i = 0; i < 5; i++) {
            s.offer(record("n" + i, null, now.get().plusSeconds(i), "success"));
        }
        s.flush().get(10, TimeUnit.SECONDS);
        assertEquals(2, s.prune().get(10, TimeUnit.SECONDS));
        assertEquals(List.of("n4", "n3", "n2"), s.recent(null, 10).stream().map(ExecutionRecord::name).toList());

        now.set(now.get().plus(Duration.ofHours(1)).plusSeconds(3)); // n2 is now older than an hour; n3, n4 are not
        assertEquals(1, s.prune().get(10, TimeUnit.SECONDS));
        assertEquals(List.of("n4", "n3"), s.recent(null, 10).stream().map(ExecutionRecord::name).toList());
    }

    @Test
    void aFullQueueDropsAndCountsInsteadOfBlocking() throws Exception {
        ExecutionStore s = store(100, 2);
        assertTrue(s.offer(record("a", null, now.get(), "success")));
        assertTrue(s.offer(record("b", null, now.get(), "success")));
        assertFalse(s.offer(record("c", null, now.get(), "success")));
        assertEquals(1, s.dropped());
        assertEquals(2, s.flush().get(10, TimeUnit.SECONDS));
    }

    /** A Database over one SQLite file: writes on one thread, like the platform's; reads on the caller's. */
    static final class SqliteFile implements Database, AutoCloseable {
        private final Path file;
        private final Connection writer;
        private final ExecutorService writerThread = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-db-writer"));

        SqliteFile(Path file) throws SQLException {
            this.file = file;
            this.writer = DriverManager.getConnection("jdbc:sqlite:" + file);
        }

        String writerThreadName() {
            return "test-db-writer";
        }

        @Override
        public <T> CompletableFuture<T> write(SqlWork<T> work) {
            CompletableFuture<T> f = new CompletableFuture<>();
            writerThread.execute(() -> {
                try {
                    f.complete(work.run(writer));
                } catch (SQLException | RuntimeException e) {
                    f.completeExceptionally(e);
                }
            });
            return f;
        }

        @Override
        public <T> T read(SqlWork<T> work) throws SQLException {
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
                return work.run(c);
            }
        }

        @Override
        public int schemaVersion() {
            return 1;
        }

        @Override
        public Path file() {
            return file;
        }

        @Override
        public void close() throws SQLException, InterruptedException, ExecutionException {
            writerThread.shutdown();
            writerThread.awaitTermination(5, TimeUnit.SECONDS);
            writer.close();
        }
    }
}
