package org.hassette.database.internal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntSupplier;
import org.hassette.api.database.Database;
import org.hassette.api.database.SqlWork;
import org.hassette.api.lifecycle.HassetteResource;
import org.hassette.api.lifecycle.ResourceLifecycle;
import org.hassette.api.lifecycle.ResourceRole;
import org.hassette.api.lifecycle.RestartPolicy;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The platform database: {@code <hassette.home>/data/hassette.db} unless configured otherwise.
 *
 * <p>Readiness rule: ready when the file is open, WAL is on, migrations are applied and the writer
 * thread is running. Only then is {@link Database} registered. Activation only starts the writer
 * thread, which does the opening and migrating, so SCR is never blocked.
 */
@Component(immediate = true, service = {})
@Designate(ocd = SqliteDatabase.Config.class)
@HassetteResource(resource = "database", provides = Database.class)
@RestartPolicy(type = "transient", budget = 3, window_seconds = 120, fatal_errors = {"SchemaTooNewException"})
public class SqliteDatabase implements Database {
    private static final Logger LOG = LoggerFactory.getLogger(SqliteDatabase.class);
    static final String RESOURCE = "database";
    /** The configuration PID (the component name; DS default). */
    static final String PID = "org.hassette.database.internal.SqliteDatabase";
    /** sqlite-jdbc extracts its native library to this folder (system property, read once per JVM). */
    static final String NATIVE_FOLDER_PROPERTY = "org.sqlite.tmpdir";

    @ObjectClassDefinition(name = "Hassette database", description = "The platform's SQLite file. A change restarts the database"
            + " (and with it everything that uses it, such as the session tracker).")
    public @interface Config {
        @AttributeDefinition(name = "Database file", description = "Path of the SQLite file. Empty: <hassette.home>/data/hassette.db."
                + " A relative path is resolved against the home folder.")
        String path() default "";

        @AttributeDefinition(name = "Write queue capacity", description = "Writes that may wait for the writer thread; further"
                + " writes are refused at once with DatabaseBusyException, never blocking the caller.", min = "1")
        int write_queue_capacity() default 10_000;

        @AttributeDefinition(name = "Busy timeout (ms)", description = "How long a connection waits for a lock held by another"
                + " connection before failing (PRAGMA busy_timeout).", min = "0")
        int busy_timeout_ms() default 5_000;

        @AttributeDefinition(name = "Drain timeout (ms)", description = "At stop, how long queued writes may still run;"
                + " writes left after that fail.", min = "0")
        int drain_timeout_ms() default 5_000;

        @AttributeDefinition(name = "Idle read connections", description = "Read-only connections kept open for reuse.", min = "0")
        int read_pool_size() default 4;
    }

    private final ResourceLifecycle lifecycle;
    private final SqliteStore store;
    private final Duration drainTimeout;
    private final Object stateLock = new Object();
    private boolean stopping;

    @Activate
    public SqliteDatabase(BundleContext context, Config config, Map<String, Object> properties) {
        lifecycle = ResourceLifecycle.open(context, RESOURCE, ResourceRole.CORE, Database.class);
        Values values;
        try {
            values = validate(config, properties);
        } catch (InvalidConfigurationException e) {
            // FAILED with the sentence itself (no exception: it would only repeat it); the watcher's
            // restarts repeat this line, and a fixed file restarts the component at once
            drainTimeout = Duration.ZERO;
            store = null;
            lifecycle.failed(e.getMessage(), null);
            LOG.error("Database not started: {}", e.getMessage());
            return;
        }
        drainTimeout = Duration.ofMillis(values.drainTimeoutMs());
        SqliteStore opened;
        try {
            Path home = home(context);
            Path file = databaseFile(home, values.path());
            useNativeFolder(home != null ? home.resolve("data").resolve("native") : file.toAbsolutePath().getParent().resolve("native"));
            opened = new SqliteStore(new SqliteStore.Settings(file, values.writeQueueCapacity(), values.busyTimeoutMs(),
                    values.readPoolSize()));
        } catch (IllegalArgumentException | IllegalStateException | IOException e) {
            lifecycle.failed("cannot start the database: " + e.getMessage(), e);
            store = null;
            return;
        }
        store = opened;
        lifecycle.starting("opening " + store.file() + " and applying migrations");
        store.start(new SqliteStore.StartupListener() {
            @Override
            public void ready(int schemaVersion) {
                onReady(schemaVersion);
            }

            @Override
            public void failed(Exception error) {
                onFailed(error);
            }
        });
    }

    @Deactivate
    void deactivate() {
        synchronized (stateLock) {
            stopping = true;
        }
        if (store == null) {
            lifecycle.close();
            return;
        }
        // Withdraw the service first: consumers stop now and may still write (e.g. the session is
        // finalized) because the writer keeps running until the queue is drained below.
        lifecycle.stopping("stopping: finishing " + store.queuedWrites() + " queued writes");
        int abandoned = store.close(drainTimeout);
        if (abandoned > 0) {
            LOG.warn("Database {} stopped with {} writes not done (drain timeout {} ms)", store.file(), abandoned, drainTimeout.toMillis());
        }
        lifecycle.close();
    }

    private void onReady(int schemaVersion) {
        synchronized (stateLock) {
            if (stopping) {
                return;
            }
            lifecycle.ready(Database.class, this,
                    Map.of("hassette.database.file", store.file().toString(), "hassette.database.schema.version", schemaVersion),
                    "open: " + store.file() + " (WAL, schema version " + schemaVersion + "), writer running");
        }
        LOG.info("Database {} ready at schema version {}", store.file(), schemaVersion);
    }

    /** Every error the store reports names the file and says what to do; it becomes the status reason. */
    private void onFailed(Exception error) {
        String reason = error.getMessage();
        synchronized (stateLock) {
            if (stopping) {
                LOG.info("Database {} failed while stopping: {}", store.file(), reason);
                return;
            }
            lifecycle.failed(reason, error);
        }
        LOG.error("Database failed: {}", reason);
    }

    @Override
    public <T> CompletableFuture<T> write(SqlWork<T> work) {
        if (store == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("database did not start: " + lifecycle.status().reason()));
        }
        return store.write(work);
    }

    @Override
    public <T> T read(SqlWork<T> work) throws SQLException {
        if (store == null) {
            throw new SQLException("database did not start: " + lifecycle.status().reason());
        }
        return store.read(work);
    }

    @Override
    public int schemaVersion() {
        return store == null ? 0 : store.schemaVersion();
    }

    @Override
    public Path file() {
        return store == null ? null : store.file();
    }

    /** The configuration after {@link #validate}: every value converted and in range. */
    record Values(String path, int writeQueueCapacity, int busyTimeoutMs, int drainTimeoutMs, int readPoolSize) {
    }

    /**
     * Reads every value once. DS converts a value only when its method is called and throws from
     * there, so a value like {@code lots} would make SCR log its activation failure with a stack
     * trace at every restart; read here, it becomes one sentence naming the configuration, its
     * file, the property, the value and what is allowed.
     *
     * @throws InvalidConfigurationException naming every bad value
     */
    static Values validate(Config config, Map<String, ?> properties) {
        List<String> problems = new ArrayList<>();
        Map<String, ?> props = properties == null ? Map.of() : properties;
        String path = config.path();
        int capacity = wholeNumber(config::write_queue_capacity, "write.queue.capacity", 1, "", props, problems);
        int busy = wholeNumber(config::busy_timeout_ms, "busy.timeout.ms", 0, ", in milliseconds", props, problems);
        int drain = wholeNumber(config::drain_timeout_ms, "drain.timeout.ms", 0, ", in milliseconds", props, problems);
        int pool = wholeNumber(config::read_pool_size, "read.pool.size", 0, "", props, problems);
        if (!problems.isEmpty()) {
            throw new InvalidConfigurationException(org.hassette.api.lifecycle.ConfigurationErrors.configurationName(props, PID) + ": " + String.join("; ", problems)
                    + (problems.size() == 1 ? "; fix the value" : "; fix these values") + " (the database stays FAILED until then)");
        }
        return new Values(path, capacity, busy, drain, pool);
    }

    private static int wholeNumber(IntSupplier read, String property, int min, String unit, Map<String, ?> props, List<String> problems) {
        String allowed = "(allowed: a whole number from " + min + " to " + Integer.MAX_VALUE + unit + ")";
        int value;
        try {
            value = read.getAsInt();
        } catch (RuntimeException notConvertible) {
            problems.add(property + " = '" + props.get(property) + "' is not a number " + allowed);
            return min;
        }
        if (value < min) {
            problems.add(property + " = '" + value + "' is out of range " + allowed);
        }
        return value;
    }

    /** A configuration value the database cannot run with; the message is the whole explanation. */
    static final class InvalidConfigurationException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        InvalidConfigurationException(String message) {
            super(message);
        }
    }

    private static Path home(BundleContext context) {
        String home = context.getProperty("hassette.home");
        return home == null || home.isBlank() ? null : Paths.get(home).toAbsolutePath();
    }

    /** The configured path, or {@code <home>/data/hassette.db}; a relative path is taken from the home folder. */
    static Path databaseFile(Path home, String configured) {
        if (configured != null && !configured.isBlank()) {
            Path p = Paths.get(configured.trim());
            if (p.isAbsolute()) {
                return p;
            }
            if (home == null) {
                throw new IllegalStateException("database path '" + configured + "' is relative but the framework property"
                        + " hassette.home is not set; configure an absolute path");
            }
            return home.resolve(p);
        }
        if (home == null) {
            throw new IllegalStateException("the framework property hassette.home is not set and no database path is"
                    + " configured; start the platform with ./hassette or configure 'path'");
        }
        return home.resolve("data").resolve("hassette.db");
    }

    /**
     * sqlite-jdbc extracts its native library into java.io.tmpdir unless told otherwise; /tmp is
     * often mounted noexec on servers and its files outlive the process. Use the home folder instead,
     * unless the operator chose a folder ({@code -Dorg.sqlite.tmpdir=...}).
     *
     * <p>sqlite-jdbc deletes an extracted copy only when its process exits normally, so every kill -9
     * leaves one behind (about 1 MB). When this JVM has not used the folder yet, no copy in it can
     * be in use: only one platform runs per home folder. Those leftovers are removed here.
     */
    private static void useNativeFolder(Path folder) throws IOException {
        synchronized (System.getProperties()) {
            if (System.getProperty(NATIVE_FOLDER_PROPERTY) == null) {
                Files.createDirectories(folder);
                removeLeftoverLibraries(folder);
                System.setProperty(NATIVE_FOLDER_PROPERTY, folder.toString());
            }
        }
    }

    static int removeLeftoverLibraries(Path folder) throws IOException {
        int removed = 0;
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(folder, "sqlite-*")) {
            for (Path p : leftovers) {
                if (Files.isRegularFile(p) && p.getFileName().toString().contains("sqlitejdbc") && Files.deleteIfExists(p)) {
                    removed++;
                }
            }
        }
        if (removed > 0) {
            LOG.info("Removed {} native library files left in {} by a process that did not stop cleanly", removed, folder);
        }
        return removed;
    }
}
