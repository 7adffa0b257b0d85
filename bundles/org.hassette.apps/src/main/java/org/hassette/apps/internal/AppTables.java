package org.hassette.apps.internal;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.hassette.api.database.Database;

/**
 * The apps bundle's two tables: operator settings per app id ({@code app_settings}: disabled,
 * quarantined with its reason and the jar it applied to) and the per-app key/value store
 * ({@code app_store}). Created by this bundle with {@code IF NOT EXISTS}; the database bundle's own
 * migrations never touch them.
 */
final class AppTables {
    static final long WRITE_TIMEOUT_MS = 10_000;
    private final Database db;

    AppTables(Database db) {
        this.db = db;
    }

    private volatile java.util.concurrent.CompletableFuture<Void> created;

    /**
     * Queues the table creation and returns at once: SCR may activate the handler on the database's
     * writer thread (when the Database service appears), where waiting for a write would deadlock.
     * Every later call waits for it first; the single writer keeps writes in order anyway.
     */
    void create() {
        created = db.write(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS app_settings (app_id TEXT PRIMARY KEY, disabled INTEGER NOT NULL,"
                        + " quarantined INTEGER NOT NULL, reason TEXT, bundle_stamp TEXT, updated TEXT NOT NULL)");
                s.execute("CREATE TABLE IF NOT EXISTS app_store (app_id TEXT NOT NULL, key TEXT NOT NULL,"
                        + " value TEXT NOT NULL, updated TEXT NOT NULL, PRIMARY KEY (app_id, key))");
            }
            return null;
        });
    }

    private void awaitCreated() {
        await(created, "creating the app tables");
    }

    /** What an operator (or the quarantine) decided for one app id. */
    record Setting(boolean disabled, boolean quarantined, String reason, String bundleStamp) {
        static final Setting NONE = new Setting(false, false, null, null);
    }

    Setting setting(String appId) {
        awaitCreated();
        try {
            return db.read(c -> {
                try (PreparedStatement p = c.prepareStatement(
                        "SELECT disabled, quarantined, reason, bundle_stamp FROM app_settings WHERE app_id = ?")) {
                    p.setString(1, appId);
                    try (ResultSet r = p.executeQuery()) {
                        return r.next() ? new Setting(r.getInt(1) != 0, r.getInt(2) != 0, r.getString(3), r.getString(4)) : Setting.NONE;
                    }
                }
            });
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the settings of " + appId + ": " + e.getMessage(), e);
        }
    }

    void save(String appId, Setting s) {
        write(c -> {
            if (!s.disabled() && !s.quarantined()) {
                try (PreparedStatement p = c.prepareStatement("DELETE FROM app_settings WHERE app_id = ?")) {
                    p.setString(1, appId);
                    p.executeUpdate();
                }
                return null;
            }
            try (PreparedStatement p = c.prepareStatement("INSERT INTO app_settings (app_id, disabled, quarantined, reason,"
                    + " bundle_stamp, updated) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (app_id) DO UPDATE SET"
                    + " disabled = excluded.disabled, quarantined = excluded.quarantined, reason = excluded.reason,"
                    + " bundle_stamp = excluded.bundle_stamp, updated = excluded.updated")) {
                p.setString(1, appId);
                p.setInt(2, s.disabled() ? 1 : 0);
                p.setInt(3, s.quarantined() ? 1 : 0);
                p.setString(4, s.reason());
                p.setString(5, s.bundleStamp());
                p.setString(6, Instant.now().toString());
                p.executeUpdate();
            }
            return null;
        });
    }

    Map<String, String> entries(String appId) {
        awaitCreated();
        try {
            return db.read(c -> {
                Map<String, String> out = new HashMap<>();
                try (PreparedStatement p = c.prepareStatement("SELECT key, value FROM app_store WHERE app_id = ?")) {
                    p.setString(1, appId);
                    try (ResultSet r = p.executeQuery()) {
                        while (r.next()) {
                            out.put(r.getString(1), r.getString(2));
                        }
                    }
                }
                return out;
            });
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the store of " + appId + ": " + e.getMessage(), e);
        }
    }

    java.util.Optional<String> value(String appId, String key) {
        awaitCreated();
        try {
            return db.read(c -> {
                try (PreparedStatement p = c.prepareStatement("SELECT value FROM app_store WHERE app_id = ? AND key = ?")) {
                    p.setString(1, appId);
                    p.setString(2, key);
                    try (ResultSet r = p.executeQuery()) {
                        return r.next() ? java.util.Optional.of(r.getString(1)) : java.util.Optional.<String>empty();
                    }
                }
            });
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the store of " + appId + ": " + e.getMessage(), e);
        }
    }

    void put(String appId, String key, String value) {
        write(c -> {
            try (PreparedStatement p = c.prepareStatement("INSERT INTO app_store (app_id, key, value, updated) VALUES (?, ?, ?, ?)"
                    + " ON CONFLICT (app_id, key) DO UPDATE SET value = excluded.value, updated = excluded.updated")) {
                p.setString(1, appId);
                p.setString(2, key);
                p.setString(3, value);
                p.setString(4, Instant.now().toString());
                p.executeUpdate();
            }
            return null;
        });
    }

    boolean remove(String appId, String key) {
        return write(c -> {
            try (PreparedStatement p = c.prepareStatement("DELETE FROM app_store WHERE app_id = ? AND key = ?")) {
                p.setString(1, appId);
                p.setString(2, key);
                return p.executeUpdate() > 0;
            }
        });
    }

    private <T> T write(org.hassette.api.database.SqlWork<T> work) {
        awaitCreated();
        return await(db.write(work), "writing to the database");
    }

    private static <T> T await(java.util.concurrent.Future<T> f, String what) {
        try {
            return f.get(WRITE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + what, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IllegalStateException(what + " failed: " + cause.getMessage(), cause);
        } catch (TimeoutException e) {
            throw new IllegalStateException(what + " did not finish within " + WRITE_TIMEOUT_MS + " ms", e);
        }
    }

    /** One app instance's view of {@code app_store}. */
    static final class Store implements org.hassette.api.app.AppStore {
        private final AppTables tables;
        private final String appId;

        Store(AppTables tables, String appId) {
            this.tables = tables;
            this.appId = appId;
        }

        @Override
        public java.util.Optional<String> get(String key) {
            checkKey(key);
            return tables.value(appId, key);
        }

        @Override
        public void put(String key, String value) {
            checkKey(key);
            AppStoreRules.checkValue(key, value);
            tables.put(appId, key, value);
        }

        @Override
        public boolean remove(String key) {
            checkKey(key);
            return tables.remove(appId, key);
        }

        @Override
        public Map<String, String> entries() {
            return java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(tables.entries(appId)));
        }

        private static void checkKey(String key) {
            AppStoreRules.checkKey(key);
        }
    }
}
