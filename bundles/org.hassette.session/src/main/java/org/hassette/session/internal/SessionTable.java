package org.hassette.session.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hassette.api.session.SessionRecord;
import org.hassette.api.session.SessionStatus;

/**
 * The SQL of the {@code sessions} table (schema version 1, created by the database bundle).
 * Timestamps are ISO-8601 UTC text with milliseconds and a fixed width of 24 characters
 * ({@code 2026-11-28T16:04:28.123Z}), so text order is time order and {@code sqlite3} shows them as is.
 */
final class SessionTable {
    /** Traces longer than this are cut (a stack overflow can produce megabytes). */
    static final int MAX_TRACE_CHARS = 64 * 1024;

    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    /** Result of opening the session of this run. */
    record Opened(long id, int orphansClosed) {
    }

    /** The fatal failure recorded for a run. */
    record Crash(String type, String message, String trace) {
        Crash {
            type = type == null || type.isBlank() ? "unknown" : type;
            if (trace != null && trace.length() > MAX_TRACE_CHARS) {
                trace = trace.substring(0, MAX_TRACE_CHARS) + "\n... (trace cut at " + MAX_TRACE_CHARS + " characters)";
            }
        }
    }

    private SessionTable() {
    }

    static String format(Instant instant) {
        return TIMESTAMP.format(instant.truncatedTo(ChronoUnit.MILLIS));
    }

    static Instant parse(String text) {
        return text == null ? null : Instant.parse(text);
    }

    /** Closes the rows of runs that ended without finalizing, then inserts this run's row. One transaction (the caller's). */
    static Opened open(Connection c, Instant now) throws SQLException {
        int orphans = closeOrphans(c);
        return new Opened(insert(c, now), orphans);
    }

    /**
     * Rows a killed process left open: {@code running} becomes {@code unknown}; a {@code failure} whose
     * run died before finalizing keeps its status. Both get {@code stopped_at = last_heartbeat_at}, the
     * last moment the run was known to be alive.
     *
     * @return rows closed
     */
    static int closeOrphans(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            int unknown = s.executeUpdate("UPDATE sessions SET status = 'unknown', stopped_at = last_heartbeat_at"
                    + " WHERE status = 'running'");
            int failed = s.executeUpdate("UPDATE sessions SET stopped_at = last_heartbeat_at"
                    + " WHERE status = 'failure' AND stopped_at IS NULL");
            return unknown + failed;
        }
    }

    /** Inserts a {@code running} row started (and last seen alive) now; returns its id. */
    static long insert(Connection c, Instant now) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO sessions (started_at, last_heartbeat_at, status)"
                + " VALUES (?, ?, 'running')", Statement.RETURN_GENERATED_KEYS)) {
            String t = format(now);
            p.setString(1, t);
            p.setString(2, t);
            p.executeUpdate();
            try (ResultSet keys = p.getGeneratedKeys()) {
                if (!keys.next()) {
                    throw new SQLException("no id returned for the new session row");
                }
                return keys.getLong(1);
            }
        }
    }

    /** Records that the run is alive; a finalized row is left alone. */
    static int heartbeat(Connection c, long id, Instant now) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("UPDATE sessions SET last_heartbeat_at = ? WHERE id = ? AND stopped_at IS NULL")) {
            p.setString(1, format(now));
            p.setLong(2, id);
            return p.executeUpdate();
        }
    }

    /** Marks the run {@code failure} with the crash details; {@code stopped_at} is not touched. */
    static int recordCrash(Connection c, long id, Crash crash) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("UPDATE sessions SET status = 'failure', error_type = ?, error_message = ?,"
                + " error_trace = ? WHERE id = ?")) {
            p.setString(1, crash.type());
            p.setString(2, crash.message());
            p.setString(3, crash.trace());
            p.setLong(4, id);
            return p.executeUpdate();
        }
    }

    /**
     * Ends the run: {@code failure} with the crash details when there is a crash, else {@code success}
     * unless the row already says {@code failure} (a crash record always wins).
     */
    static int finish(Connection c, long id, Instant now, Crash crash) throws SQLException {
        if (crash != null) {
            try (PreparedStatement p = c.prepareStatement("UPDATE sessions SET status = 'failure', stopped_at = ?, error_type = ?,"
                    + " error_message = ?, error_trace = ? WHERE id = ?")) {
                p.setString(1, format(now));
                p.setString(2, crash.type());
                p.setString(3, crash.message());
                p.setString(4, crash.trace());
                p.setLong(5, id);
                return p.executeUpdate();
            }
        }
        try (PreparedStatement p = c.prepareStatement("UPDATE sessions SET stopped_at = ?,"
                + " status = CASE WHEN status = 'failure' THEN 'failure' ELSE 'success' END WHERE id = ?")) {
            p.setString(1, format(now));
            p.setLong(2, id);
            return p.executeUpdate();
        }
    }

    /** The most recent rows, newest first. */
    static List<SessionRecord> recent(Connection c, int limit) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT * FROM sessions ORDER BY id DESC LIMIT ?")) {
            p.setInt(1, limit);
            try (ResultSet r = p.executeQuery()) {
                List<SessionRecord> rows = new ArrayList<>();
                while (r.next()) {
                    rows.add(record(r));
                }
                return rows;
            }
        }
    }

    static Optional<SessionRecord> find(Connection c, long id) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT * FROM sessions WHERE id = ?")) {
            p.setLong(1, id);
            try (ResultSet r = p.executeQuery()) {
                return r.next() ? Optional.of(record(r)) : Optional.empty();
            }
        }
    }

    private static SessionRecord record(ResultSet r) throws SQLException {
        return new SessionRecord(r.getLong("id"), parse(r.getString("started_at")), parse(r.getString("stopped_at")),
                parse(r.getString("last_heartbeat_at")), SessionStatus.parse(r.getString("status")), r.getString("error_type"),
                r.getString("error_message"), r.getString("error_trace"));
    }
}
