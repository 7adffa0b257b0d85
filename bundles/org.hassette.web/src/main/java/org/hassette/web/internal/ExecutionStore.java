package org.hassette.web.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.hassette.api.database.Database;
import org.hassette.api.execution.ExecutionHistory;
import org.hassette.api.execution.ExecutionRecord;

/**
 * The {@code executions} table: records are queued without blocking the caller (a bounded queue;
 * beyond it they are dropped and counted), written in batches through {@link Database#write}, and
 * pruned by age and by count. No OSGi in here, so it is tested against a plain SQLite file.
 */
final class ExecutionStore implements ExecutionHistory {
    static final String CREATE = "CREATE TABLE IF NOT EXISTS executions (id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, "
            + "name TEXT NOT NULL, app TEXT, started_ms INTEGER NOT NULL, duration_ms INTEGER, outcome TEXT NOT NULL, error TEXT, detail TEXT)";
    private static final String COLUMNS = "id, kind, name, app, started_ms, duration_ms, outcome, error, detail";

    private final Database database;
    private final Supplier<Instant> clock;
    private final Duration maxAge;
    private final int maxRows;
    private final BlockingQueue<ExecutionRecord> pending;
    private final List<ExecutionListener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong dropped = new AtomicLong();
    private final Executor callbacks;

    /**
     * @param callbacks runs what follows a write (telling listeners); never the database's writer
     *                  thread, where a listener that waits for another write would wait for itself
     */
    ExecutionStore(Database database, Executor callbacks, Supplier<Instant> clock, Duration maxAge, int maxRows, int queueCapacity) {
        this.database = database;
        this.callbacks = callbacks;
        this.clock = clock;
        this.maxAge = maxAge;
        this.maxRows = maxRows;
        this.pending = new ArrayBlockingQueue<>(Math.max(1, queueCapacity));
    }

    /** Creates the table and its indexes if they are missing. */
    CompletableFuture<Void> createTable() {
        return database.write(c -> {
            try (Statement s = c.createStatement()) {
                s.executeUpdate(CREATE);
                s.executeUpdate("CREATE INDEX IF NOT EXISTS executions_app ON executions(app, id)");
                s.executeUpdate("CREATE INDEX IF NOT EXISTS executions_started ON executions(started_ms)");
            }
            return null;
        });
    }

    /** Queues a record for the next {@link #flush()}; never blocks. False when the queue was full. */
    boolean offer(ExecutionRecord record) {
        if (pending.offer(record)) {
            return true;
        }
        dropped.incrementAndGet();
        return false;
    }

    long dropped() {
        return dropped.get();
    }

    /** Writes what is queued in one transaction, then tells the listeners; completes with the count written. */
    CompletableFuture<Integer> flush() {
        List<ExecutionRecord> batch = new ArrayList<>();
        pending.drainTo(batch);
        if (batch.isEmpty()) {
            return CompletableFuture.completedFuture(0);
        }
        return database.write(c -> insert(c, batch)).thenApplyAsync(stored -> {
            for (ExecutionRecord r : stored) {
                for (ExecutionListener l : listeners) {
                    try {
                        l.stored(r);
                    } catch (RuntimeException e) {
                        // a listener's failure must not stop the others or the writer
                    }
                }
            }
            return stored.size();
        }, callbacks);
    }

    private static List<ExecutionRecord> insert(Connection c, List<ExecutionRecord> batch) throws SQLException {
        List<ExecutionRecord> stored = new ArrayList<>(batch.size());
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO executions (kind, name, app, started_ms, duration_ms, outcome, error, detail) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
            for (ExecutionRecord r : batch) {
                ps.setString(1, r.kind().label());
                ps.setString(2, r.name());
                ps.setString(3, r.app());
                ps.setLong(4, r.start().toEpochMilli());
                if (r.duration() == null) {
                    ps.setNull(5, java.sql.Types.INTEGER);
                } else {
                    ps.setLong(5, r.duration().toMillis());
                }
                ps.setString(6, r.outcome());
                ps.setString(7, r.error());
                ps.setString(8, r.detail());
                ps.executeUpdate();
                long id = 0;
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    if (keys.next()) {
                        id = keys.getLong(1);
                    }
                }
                stored.add(new ExecutionRecord(id, r.kind(), r.name(), r.app(), r.start(), r.duration(), r.outcome(), r.error(), r.detail()));
            }
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
        return stored;
    }

    /** Deletes what is older than the maximum age and what is beyond the maximum count; completes with the rows deleted. */
    CompletableFuture<Integer> prune() {
        long cutoff = clock.get().minus(maxAge).toEpochMilli();
        return database.write(c -> {
            int deleted;
            try (PreparedStatement old = c.prepareStatement("DELETE FROM executions WHERE started_ms < ?")) {
                old.setLong(1, cutoff);
                deleted = old.executeUpdate();
            }
            try (PreparedStatement over = c.prepareStatement(
                    "DELETE FROM executions WHERE id <= (SELECT id FROM executions ORDER BY id DESC LIMIT 1 OFFSET ?)")) {
                over.setInt(1, maxRows);
                deleted += over.executeUpdate();
            }
            return deleted;
        });
    }

    @Override
    public List<ExecutionRecord> recent(String app, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, got " + limit);
        }
        try {
            return database.read(c -> {
                String sql = "SELECT " + COLUMNS + " FROM executions" + (app == null ? "" : " WHERE app = ?") + " ORDER BY id DESC LIMIT ?";
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    int i = 1;
                    if (app != null) {
                        ps.setString(i++, app);
                    }
                    ps.setInt(i, limit);
                    List<ExecutionRecord> out = new ArrayList<>();
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.add(row(rs));
                        }
                    }
                    return out;
                }
            });
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read executions: " + e.getMessage(), e);
        }
    }

    @Override
    public long count() {
        try {
            return database.read(c -> {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM executions")) {
                    return rs.next() ? rs.getLong(1) : 0L;
                }
            });
        } catch (SQLException e) {
            throw new IllegalStateException("cannot count executions: " + e.getMessage(), e);
        }
    }

    @Override
    public AutoCloseable addListener(ExecutionListener listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    private static ExecutionRecord row(ResultSet rs) throws SQLException {
        long duration = rs.getLong(6);
        Duration d = rs.wasNull() ? null : Duration.ofMillis(duration);
        return new ExecutionRecord(rs.getLong(1), ExecutionRecord.Kind.valueOf(rs.getString(2).toUpperCase(java.util.Locale.ROOT)),
                rs.getString(3), rs.getString(4), Instant.ofEpochMilli(rs.getLong(5)), d, rs.getString(7), rs.getString(8), rs.getString(9));
    }
}
