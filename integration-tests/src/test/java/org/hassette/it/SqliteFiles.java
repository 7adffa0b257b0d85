package org.hassette.it;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.sqlite.SQLiteConfig;

/**
 * Opens database files directly, independent of the platform's services (to prepare or inspect
 * them). Public for the end-to-end tests, which inspect the database of a launched platform.
 */
public final class SqliteFiles {
    private SqliteFiles() {
    }

    public static Connection open(Path file) throws SQLException {
        return new SQLiteConfig().createConnection("jdbc:sqlite:" + file);
    }

    public static Connection readOnly(Path file) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout(5000);
        return config.createConnection("jdbc:sqlite:" + file);
    }

    /** First column of the first row, or {@code null}. */
    public static String text(Path file, String sql, Object... args) throws SQLException {
        try (Connection c = readOnly(file)) {
            return text(c, sql, args);
        }
    }

    public static String text(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                p.setObject(i + 1, args[i]);
            }
            try (ResultSet r = p.executeQuery()) {
                return r.next() ? r.getString(1) : null;
            }
        }
    }

    /** One row of the sessions table by id, column name to text; empty when there is no such row. */
    public static Map<String, String> session(Path file, long id) throws SQLException {
        try (Connection c = readOnly(file); PreparedStatement p = c.prepareStatement("SELECT * FROM sessions WHERE id = ?")) {
            p.setLong(1, id);
            try (ResultSet r = p.executeQuery()) {
                Map<String, String> row = new LinkedHashMap<>();
                if (r.next()) {
                    for (int i = 1; i <= r.getMetaData().getColumnCount(); i++) {
                        row.put(r.getMetaData().getColumnName(i), r.getString(i));
                    }
                }
                return row;
            }
        }
    }

    /** The first row of {@code sql}, column name to text; empty while the file or the table does not exist yet. */
    public static Map<String, String> row(Path file, String sql) {
        Map<String, String> row = new LinkedHashMap<>();
        if (!java.nio.file.Files.exists(file)) {
            return row;
        }
        try (Connection c = readOnly(file); PreparedStatement p = c.prepareStatement(sql); ResultSet r = p.executeQuery()) {
            if (r.next()) {
                for (int i = 1; i <= r.getMetaData().getColumnCount(); i++) {
                    row.put(r.getMetaData().getColumnName(i), r.getString(i));
                }
            }
        } catch (SQLException notYet) {
            // the platform has not created the table yet
        }
        return row;
    }
}
