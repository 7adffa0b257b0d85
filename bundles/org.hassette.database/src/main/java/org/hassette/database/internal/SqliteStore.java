package org.hassette.database.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.hassette.api.database.Database;
import org.hassette.api.database.DatabaseBusyException;
import org.hassette.api.database.SqlWork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * An open SQLite file: one writer thread owns the only write connection and runs the queued writes one
 * at a time, each in its own transaction; reads run on the caller's thread with read-only connections
 * (in WAL mode readers never wait for the writer). Plain Java, no OSGi: {@link SqliteDatabase} adds the
 * lifecycle and the configuration. Public only so that other modules' unit tests can use a real
 * database; the package is never exported.
 */
public final class SqliteStore implements Database {
    private static final Logger LOG = LoggerFactory.getLogger(SqliteStore.class);
    private static final WriteTask<Void> STOP = new WriteTask<>(c -> null);
    /** How often the writer checks that the open file is still the one at its path (one stat call). */
    static final Duration FILE_CHECK_INTERVAL = Duration.ofSeconds(2);
    /** SQLite's primary result code for a write to a database that can only be read. */
    private static final int SQLITE_READONLY = 8;

    /** What the writer thread reports about the file; both run on the writer thread. */
    public interface StartupListener {
        /** The file is open, WAL is on, migrations are applied; writes are already accepted. */
        void ready(int schemaVersion);

        /** Opening or migrating failed, or the write connection broke later; no more writes are accepted. */
        void failed(Exception error);
    }

    /**
     * @param file the database file (its folder is created when missing)
     * @param writeQueueCapacity writes that may wait for the writer; more are refused at once
     * @param busyTimeoutMs how long a connection waits for a lock ({@code PRAGMA busy_timeout})
     * @param readPoolSize idle read connections kept open for reuse
     */
    public record Settings(Path file, int writeQueueCapacity, int busyTimeoutMs, int readPoolSize) {
        public Settings {
            Objects.requireNonNull(file, "file");
            if (writeQueueCapacity < 1) {
                throw new IllegalArgumentException("write queue capacity must be at least 1, not " + writeQueueCapacity);
            }
            if (busyTimeoutMs < 0) {
                throw new IllegalArgumentException("busy timeout must not be negative, not " + busyTimeoutMs);
            }
            if (readPoolSize < 0) {
                throw new IllegalArgumentException("read pool size must not be negative, not " + readPoolSize);
            }
        }

        /** Defaults for {@code file}: 10000 queued writes, 5 s busy timeout, 4 idle readers. */
        public static Settings defaults(Path file) {
            return new Settings(file, 10_000, 5_000, 4);
        }
    }

    private final Settings settings;
    private final Migrations migrations;
    private final Duration fileCheckInterval;
    private final Semaphore queueSlots;
    private final BlockingQueue<WriteTask<?>> queue = new LinkedBlockingQueue<>();
    private final ConcurrentLinkedDeque<Connection> idleReaders = new ConcurrentLinkedDeque<>();
    /** Serializes admission to the queue against close(), so no write is queued behind STOP. */
    private final Object admission = new Object();
    private Thread writer;
    private boolean accepting;
    private boolean stopRequested;
    private String refusal = "it is not open yet";
    private volatile boolean readable;
    private volatile boolean abandon;
    private volatile int schemaVersion;
    /** Identity (device and inode) of the file the write connection opened; null where the platform has none. */
    private Object openedFileKey;
    /** The last time the file at the path was found to be the open one. */
    private Instant lastSeenIntact;

    public SqliteStore(Settings settings) {
        this(settings, Migrations.bundled());
    }

    SqliteStore(Settings settings, Migrations migrations) {
        this(settings, migrations, FILE_CHECK_INTERVAL);
    }

    SqliteStore(Settings settings, Migrations migrations, Duration fileCheckInterval) {
        this.settings = settings;
        this.migrations = migrations;
        this.fileCheckInterval = fileCheckInterval;
        this.queueSlots = new Semaphore(settings.writeQueueCapacity());
    }

    /**
     * Starts the writer thread, which opens the file, applies the migrations and then reports to
     * {@code listener}. Returns at once.
     */
    public void start(StartupListener listener) {
        Objects.requireNonNull(listener, "listener");
        synchronized (admission) {
            if (writer != null) {
                throw new IllegalStateException("already started");
            }
            writer = new Thread(() -> runWriter(listener), "hassette-db-writer");
            writer.setDaemon(true);
            writer.start();
        }
    }

    /**
     * Starts the writer and completes when the file is ready (with its schema version) or failed.
     * For tests and tools; the component uses {@link #start(StartupListener)}.
     */
    public CompletableFuture<Integer> start() {
        CompletableFuture<Integer> ready = new CompletableFuture<>();
        start(new StartupListener() {
            @Override
            public void ready(int version) {
                ready.complete(version);
            }

            @Override
            public void failed(Exception error) {
                ready.completeExceptionally(error);
            }
        });
        return ready;
    }

    @Override
    public <T> CompletableFuture<T> write(SqlWork<T> work) {
        Objects.requireNonNull(work, "work");
        WriteTask<T> task = new WriteTask<>(work);
        synchronized (admission) {
            if (!accepting) {
                return CompletableFuture.failedFuture(
                        new IllegalStateException("database " + settings.file() + " accepts no writes: " + refusal));
            }
            if (!queueSlots.tryAcquire()) {
                return CompletableFuture.failedFuture(new DatabaseBusyException("the write queue of " + settings.file()
                        + " is full (" + settings.writeQueueCapacity() + " writes waiting); the write was not queued."
                        + " Retry later, or raise write.queue.capacity if this happens in normal operation"));
            }
            queue.add(task);
        }
        return task.future;
    }

    @Override
    public <T> T read(SqlWork<T> work) throws SQLException {
        Objects.requireNonNull(work, "work");
        Connection connection = borrowReader();
        boolean reusable = false;
        try {
            T result = work.run(connection);
            reusable = connection.getAutoCommit();
            return result;
        } finally {
            if (reusable && readable && idleReaders.size() < settings.readPoolSize()) {
                idleReaders.push(connection);
                if (!readable) {
                    closeIdleReaders(); // close() ran meanwhile
                }
            } else {
                closeQuietly(connection);
            }
        }
    }

    @Override
    public int schemaVersion() {
        return schemaVersion;
    }

    @Override
    public Path file() {
        return settings.file();
    }

    /** Writes waiting for the writer thread. */
    public int queuedWrites() {
        return settings.writeQueueCapacity() - queueSlots.availablePermits();
    }

    /**
     * Stops accepting writes, lets the writer finish what is queued for at most {@code drainTimeout},
     * fails what is left, and closes every connection. Safe to call more than once.
     *
     * @return the number of queued writes that were abandoned (their futures fail)
     */
    public int close(Duration drainTimeout) {
        Thread thread;
        synchronized (admission) {
            if (stopRequested) {
                return 0;
            }
            stopRequested = true;
            accepting = false;
            refusal = "it is stopping";
            queue.add(STOP);
            thread = writer;
        }
        int abandoned = 0;
        if (thread != null && !join(thread, drainTimeout)) {
            abandon = true;
            List<WriteTask<?>> left = new ArrayList<>();
            queue.drainTo(left);
            queue.add(STOP);
            for (WriteTask<?> task : left) {
                if (task != STOP) {
                    queueSlots.release();
                    task.future.completeExceptionally(new IllegalStateException("database " + settings.file()
                            + " stopped before this write ran (drain timeout " + drainTimeout.toMillis() + " ms)"));
                    abandoned++;
                }
            }
            LOG.warn("Database {}: writer still busy after {} ms; {} queued writes abandoned", settings.file(),
                    drainTimeout.toMillis(), abandoned);
        }
        readable = false;
        closeIdleReaders();
        return abandoned;
    }

    private void runWriter(StartupListener listener) {
        Connection connection = null;
        try {
            int version;
            try {
                refuseNewerSchemaUntouched();
                connection = openWriteConnection();
                version = migrations.apply(connection, settings.file());
                connection.setAutoCommit(false);
                openedFileKey = fileKey();
                lastSeenIntact = Instant.now();
            } catch (SchemaTooNewException | SQLException | IOException | RuntimeException e) {
                refuse("it failed to open: " + e.getMessage());
                listener.failed(e);
                return;
            }
            schemaVersion = version;
            boolean open;
            synchronized (admission) {
                open = !stopRequested;
                accepting = open;
            }
            if (open) {
                readable = true;
                listener.ready(version);
            }
            serveWrites(connection);
        } catch (FileReplacedException replaced) {
            refuse(replaced.getMessage());
            failQueued(replaced);
            listener.failed(replaced);
        } catch (SQLException broken) {
            SQLException reported = new SQLException("the write connection to " + settings.file() + " broke: "
                    + broken.getMessage(), broken.getSQLState(), broken);
            refuse(reported.getMessage());
            failQueued(reported);
            listener.failed(reported);
        } catch (RuntimeException | Error unexpected) {
            LOG.error("Database {}: writer thread ended unexpectedly", settings.file(), unexpected);
            refuse("its writer thread ended: " + unexpected);
            failQueued(new IllegalStateException(unexpected.toString(), unexpected));
            throw unexpected;
        } finally {
            closeQuietly(connection);
        }
    }

    private void serveWrites(Connection connection) throws SQLException, FileReplacedException {
        long nextCheck = System.nanoTime() + fileCheckInterval.toNanos();
        while (true) {
            WriteTask<?> task;
            try {
                task = queue.poll(Math.max(0, nextCheck - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (task == STOP) {
                return;
            }
            // between writes, idle or busy: at most one stat call per interval
            if (System.nanoTime() - nextCheck >= 0) {
                checkStillTheOpenFile();
                nextCheck = System.nanoTime() + fileCheckInterval.toNanos();
            }
            if (task == null) {
                continue;
            }
            queueSlots.release();
            if (abandon) {
                task.future.completeExceptionally(new IllegalStateException("database " + settings.file() + " stopped before this write ran"));
                continue;
            }
            runInTransaction(connection, task);
        }
    }

    /**
     * Runs one write; rolls back on any error, including an {@link Error} thrown by the work (the
     * writer must outlive a faulty caller). Throws only when the connection itself is unusable.
     */
    private static <T> void runInTransaction(Connection connection, WriteTask<T> task) throws SQLException {
        T result;
        try {
            result = task.work.run(connection);
            connection.commit();
        } catch (Throwable error) {
            try {
                connection.rollback();
            } catch (SQLException rollbackFailed) {
                error.addSuppressed(rollbackFailed);
                task.future.completeExceptionally(error);
                throw rollbackFailed;
            }
            task.future.completeExceptionally(error);
            return;
        }
        task.future.complete(result);
    }

    /**
     * A file from a newer Hassette is refused before anything is written to it: switching it to WAL
     * would already change its header (and leave -wal/-shm files next to it). Reads its version
     * through a read-only connection.
     */
    private void refuseNewerSchemaUntouched() throws SQLException, SchemaTooNewException {
        if (!Files.isRegularFile(settings.file())) {
            return;
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout(settings.busyTimeoutMs());
        int found;
        try (Connection c = config.createConnection("jdbc:sqlite:" + settings.file())) {
            found = Migrations.userVersion(c);
        } catch (SQLException e) {
            throw new SQLException("cannot open database file " + settings.file() + ": " + e
                    + ". Check that its folder is writable and that the file is an SQLite database", e);
        }
        if (found > migrations.latest()) {
            throw new SchemaTooNewException(settings.file(), found, migrations.latest());
        }
    }

    /**
     * Deleting or replacing the file under an open connection goes unnoticed by SQLite: it keeps
     * writing to the old inode, and the next start finds an empty file. Compares the file at the
     * path with the one that was opened.
     */
    private void checkStillTheOpenFile() throws FileReplacedException {
        if (openedFileKey == null) {
            return;
        }
        Object current;
        try {
            current = fileKey();
        } catch (NoSuchFileException gone) {
            current = null;
        } catch (IOException cannotTell) {
            LOG.debug("Database {}: cannot check the file", settings.file(), cannotTell);
            lastSeenIntact = Instant.now();
            return;
        }
        if (!openedFileKey.equals(current)) {
            throw new FileReplacedException(settings.file(), lastSeenIntact);
        }
        lastSeenIntact = Instant.now();
    }

    private Object fileKey() throws IOException {
        return Files.readAttributes(settings.file(), BasicFileAttributes.class).fileKey();
    }

    /** Opens the write connection with WAL, synchronous=NORMAL, foreign keys and the busy timeout. */
    private Connection openWriteConnection() throws SQLException {
        Connection connection = null;
        try {
            Path folder = settings.file().toAbsolutePath().getParent();
            if (folder != null) {
                Files.createDirectories(folder);
            }
            SQLiteConfig config = new SQLiteConfig();
            config.setBusyTimeout(settings.busyTimeoutMs());
            connection = config.createConnection("jdbc:sqlite:" + settings.file());
            requireWritable(connection);
            try (Statement s = connection.createStatement()) {
                String mode = queryString(s, "PRAGMA journal_mode=WAL");
                if (!"wal".equalsIgnoreCase(mode)) {
                    throw new SQLException("journal_mode stays '" + mode + "' instead of WAL (WAL needs a local file system)");
                }
                s.execute("PRAGMA synchronous=NORMAL");
                s.execute("PRAGMA foreign_keys=ON");
                s.execute("PRAGMA busy_timeout=" + settings.busyTimeoutMs());
            }
            return connection;
        } catch (ReadOnlyDatabaseException e) {
            closeQuietly(connection);
            throw e;
        } catch (SQLException | IOException e) {
            closeQuietly(connection);
            throw new SQLException("cannot open database file " + settings.file() + ": " + e
                    + ". Check that its folder is writable and that the file is an SQLite database", e);
        }
    }

    /**
     * SQLite silently opens a file it may not write (permissions, immutable attribute, read-only
     * mount) read-only; every write would then fail with SQLITE_READONLY. A real write transaction,
     * rolled back, finds that out before the database is reported ready.
     */
    private void requireWritable(Connection connection) throws SQLException {
        try {
            Migrations.execScript(connection, "BEGIN IMMEDIATE; PRAGMA user_version = " + Migrations.userVersion(connection) + ";");
        } catch (SQLException e) {
            try {
                Migrations.execScript(connection, "ROLLBACK;");
            } catch (SQLException noTransaction) {
                // BEGIN itself failed
            }
            if ((e.getErrorCode() & 0xff) == SQLITE_READONLY) {
                throw new ReadOnlyDatabaseException(settings.file(), e);
            }
            throw e;
        }
        Migrations.execScript(connection, "ROLLBACK;");
    }

    private Connection borrowReader() throws SQLException {
        if (!readable) {
            throw new SQLException("database " + settings.file() + " is not open (not ready yet, failed or stopped)");
        }
        Connection idle = idleReaders.poll();
        if (idle != null) {
            return idle;
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout(settings.busyTimeoutMs());
        return config.createConnection("jdbc:sqlite:" + settings.file());
    }

    private void refuse(String why) {
        synchronized (admission) {
            accepting = false;
            refusal = why;
        }
        readable = false;
        closeIdleReaders();
    }

    private void failQueued(Exception cause) {
        List<WriteTask<?>> left = new ArrayList<>();
        queue.drainTo(left);
        for (WriteTask<?> task : left) {
            if (task != STOP) {
                queueSlots.release();
                task.future.completeExceptionally(new IllegalStateException("database " + settings.file()
                        + " failed before this write ran: " + cause.getMessage(), cause));
            }
        }
    }

    private void closeIdleReaders() {
        Connection c;
        while ((c = idleReaders.poll()) != null) {
            closeQuietly(c);
        }
    }

    private static boolean join(Thread thread, Duration timeout) {
        try {
            thread.join(Math.max(1, timeout.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !thread.isAlive();
    }

    private static String queryString(Statement s, String sql) throws SQLException {
        try (ResultSet r = s.executeQuery(sql)) {
            return r.next() ? r.getString(1) : null;
        }
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                LOG.debug("closing connection", e);
            }
        }
    }

    private static final class WriteTask<T> {
        final SqlWork<T> work;
        final CompletableFuture<T> future = new CompletableFuture<>();

        WriteTask(SqlWork<T> work) {
            this.work = work;
        }
    }

    /** The file can be opened but not written. */
    static final class ReadOnlyDatabaseException extends SQLException {
        private static final long serialVersionUID = 1L;

        ReadOnlyDatabaseException(Path file, SQLException cause) {
            super("database " + file + " is read-only (SQLITE_READONLY): make the file and its folder writable for the user"
                    + " running Hassette (" + System.getProperty("user.name") + "); check its permissions, the immutable attribute"
                    + " (lsattr) and that its file system is not mounted read-only", cause.getSQLState(), cause.getErrorCode(), cause);
        }
    }

    /** The file at the path is no longer the one the write connection has open. */
    static final class FileReplacedException extends Exception {
        private static final long serialVersionUID = 1L;

        FileReplacedException(Path file, Instant lastSeenIntact) {
            super("database file " + file + " was deleted or replaced while open; writes since "
                    + lastSeenIntact.truncatedTo(ChronoUnit.SECONDS) + " went to the deleted file. A restart of the"
                    + " database reopens the file at that path (creating an empty one if it is gone)");
        }
    }
}
