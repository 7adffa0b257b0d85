package org.hassette.database.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.sqlite.SQLiteConnection;

/**
 * The versioned schema: {@code migrations/001.sql}, {@code 002.sql}, ... next to this class, applied in
 * order. The version a file is at is {@code PRAGMA user_version}. Each migration runs in its own
 * {@code BEGIN IMMEDIATE ... COMMIT} together with {@code PRAGMA user_version = N}, so a crash part-way
 * leaves the file at N-1 and the next start resumes there. Migrations are never edited once released;
 * a change is a new file.
 */
final class Migrations {
    private static final String RESOURCE = "migrations/%03d.sql";

    private final List<String> scripts;

    Migrations(List<String> scripts) {
        this.scripts = List.copyOf(scripts);
    }

    /** The migrations shipped in this bundle: {@code 001.sql} up to the first missing number. */
    static Migrations bundled() {
        List<String> scripts = new ArrayList<>();
        for (int v = 1;; v++) {
            try (InputStream in = Migrations.class.getResourceAsStream(String.format(RESOURCE, v))) {
                if (in == null) {
                    break;
                }
                scripts.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read bundled migration " + String.format(RESOURCE, v), e);
            }
        }
        return new Migrations(scripts);
    }

    /** The newest schema version these migrations produce. */
    int latest() {
        return scripts.size();
    }

    /**
     * Brings the database to {@link #latest()}. The connection must be in auto-commit mode.
     *
     * @return the schema version the file is at afterwards
     * @throws SchemaTooNewException when the file is at a version above {@link #latest()}; nothing is changed
     * @throws SQLException when a migration fails; it is rolled back and the message names it
     */
    int apply(Connection connection, Path file) throws SQLException, SchemaTooNewException {
        int current = userVersion(connection);
        if (current > latest()) {
            throw new SchemaTooNewException(file, current, latest());
        }
        for (int v = current + 1; v <= latest(); v++) {
            try {
                execScript(connection, "BEGIN IMMEDIATE;\n" + scripts.get(v - 1) + "\nPRAGMA user_version = " + v + ";\nCOMMIT;");
            } catch (SQLException e) {
                rollbackQuietly(connection);
                throw new SQLException("migration " + String.format("%03d.sql", v) + " failed on " + file
                        + " (the file stays at schema version " + (v - 1) + "): " + e.getMessage(), e.getSQLState(), e);
            }
        }
        return userVersion(connection);
    }

    static int userVersion(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet r = s.executeQuery("PRAGMA user_version")) {
            r.next();
            return r.getInt(1);
        }
    }

    /**
     * Runs a script of several statements with SQLite's own parser ({@code sqlite3_exec}): JDBC's
     * {@code Statement.execute} runs only the first statement of a string, and splitting on ';'
     * ourselves would break on triggers and string literals.
     */
    static void execScript(Connection connection, String sql) throws SQLException {
        connection.unwrap(SQLiteConnection.class).getDatabase()._exec(sql);
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            execScript(connection, "ROLLBACK;");
        } catch (SQLException noTransaction) {
            // the failing statement may have ended the transaction already
        }
    }
}
