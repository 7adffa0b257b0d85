package org.hassette.session.internal;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.hassette.database.internal.SqliteStore;

/** A real database for unit tests: SQLite file in a temporary folder, real writer thread, real migrations. */
final class RealDatabase implements AutoCloseable {
    final SqliteStore store;

    RealDatabase(Path file) throws Exception {
        store = new SqliteStore(SqliteStore.Settings.defaults(file));
        store.start().get(30, TimeUnit.SECONDS);
    }

    <T> T write(org.hassette.api.database.SqlWork<T> work) throws Exception {
        return store.write(work).get(30, TimeUnit.SECONDS);
    }

    String text(String sql, Object... args) throws SQLException {
        return store.read(c -> {
            try (PreparedStatement p = prepare(c, sql, args); ResultSet r = p.executeQuery()) {
                return r.next() ? r.getString(1) : null;
            }
        });
    }

    int count(String sql, Object... args) throws SQLException {
        return Integer.parseInt(text(sql, args));
    }

    private static PreparedStatement prepare(Connection c, String sql, Object... args) throws SQLException {
        PreparedStatement p = c.prepareStatement(sql);
        for (int i = 0; i < args.length; i++) {
            p.setObject(i + 1, args[i]);
        }
        return p;
    }

    @Override
    public void close() {
        store.close(Duration.ofSeconds(5));
    }
}
