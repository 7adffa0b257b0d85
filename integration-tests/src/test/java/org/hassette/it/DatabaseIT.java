package org.hassette.it;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.hassette.api.database.Database;
import org.hassette.api.lifecycle.ResourceProperties;
import org.hassette.api.lifecycle.ResourceStatus;
import org.hassette.api.lifecycle.ResourceStatusService;
import org.hassette.api.lifecycle.StatusRecord;
import org.hassette.api.session.SessionTracker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/** The database bundle in a real framework: real SCR, real ConfigAdmin, a real SQLite file under the IT home. */
class DatabaseIT {
    static final Duration WAIT = Duration.ofSeconds(20);

    @InjectBundleContext
    BundleContext context;
    @InjectService
    ServiceComponentRuntime scr;
    @InjectService
    ConfigurationAdmin configAdmin;

    Path home;
    Path file;

    @BeforeEach
    void locate() {
        home = Paths.get(context.getProperty("hassette.home"));
        file = home.resolve("data/hassette.db");
        Platform.awaitCoreReady(context, WAIT);
    }

    @AfterEach
    void restore() throws Exception {
        Platform.restoreDefaults(context, scr, configAdmin, WAIT);
    }

    @Test
    void databaseIsRegisteredOnlyAfterWalAndMigrations() throws Exception {
        Components.disable(scr, Components.DATABASE);
        Await.until("Database and its status service gone", WAIT,
                () -> Platform.database(context) == null && Platform.status(context, "database") == null);

        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        ServiceListener listener = event -> {
            ServiceReference<?> ref = event.getServiceReference();
            if (isA(ref, ResourceStatusService.class) && event.getType() != ServiceEvent.UNREGISTERING) {
                seen.add("status " + ref.getProperty(ResourceProperties.STATUS) + " ready=" + ref.getProperty(ResourceProperties.READY)
                        + " service=" + (Platform.database(context) != null));
            } else if (isA(ref, Database.class) && event.getType() == ServiceEvent.REGISTERED) {
                // runs on the writer thread, inside the registration: look at the file as it is at this moment
                try (Connection c = SqliteFiles.readOnly(file)) {
                    seen.add("registered user_version=" + SqliteFiles.text(c, "PRAGMA user_version")
                            + " journal=" + SqliteFiles.text(c, "PRAGMA journal_mode")
                            + " sessions=" + SqliteFiles.text(c, "SELECT count(*) FROM sqlite_master WHERE name = 'sessions'"));
                } catch (Exception e) {
                    seen.add("registered, file unreadable: " + e);
                }
            }
        };
        context.addServiceListener(listener, "(|(objectClass=" + Database.class.getName() + ")(&(objectClass="
                + ResourceStatusService.class.getName() + ")(" + ResourceProperties.RESOURCE + "=database)))");
        try {
            Components.enable(scr, Components.DATABASE);
            // the status record changes before its service properties: wait for the event itself
            Await.until("the ready status event", WAIT, () -> seen.contains("status running ready=true service=true"));
        } finally {
            context.removeServiceListener(listener);
        }

        List<String> events = List.copyOf(seen);
        int registered = indexOf(events, "registered");
        assertTrue(registered > 0, "Database registered after status events: " + events);
        assertEquals("registered user_version=1 journal=wal sessions=1", events.get(registered), events.toString());
        assertTrue(events.contains("status starting ready=false service=false"), events.toString());
        for (String before : events.subList(0, registered)) {
            assertTrue(before.endsWith("ready=false service=false"), "before registration: " + events);
        }
        assertEquals("status running ready=true service=true", events.get(events.size() - 1), events.toString());

        StatusRecord status = Platform.status(context, "database");
        assertEquals(ResourceStatus.RUNNING, status.status());
        assertTrue(status.ready());
        assertTrue(status.reason().contains(file.toString()) && status.reason().contains("schema version 1"), status.reason());
        ServiceReference<Database> ref = context.getServiceReference(Database.class);
        assertEquals(file.toString(), ref.getProperty("hassette.database.file"));
        assertEquals(1, ref.getProperty("hassette.database.schema.version"));
    }

    @Test
    void schemaNewerThanTheCodeIsRefusedWithAClearReason() throws Exception {
        Path newer = home.resolve("data/it-newer-" + System.nanoTime() + ".db");
        try (Connection c = SqliteFiles.open(newer)) {
            try (var s = c.createStatement()) {
                s.execute("PRAGMA user_version = 99");
            }
        }
        List<ServiceReference<?>> registrations = Collections.synchronizedList(new ArrayList<>());
        ServiceListener listener = event -> {
            if (event.getType() == ServiceEvent.REGISTERED) {
                registrations.add(event.getServiceReference());
            }
        };
        context.addServiceListener(listener, "(objectClass=" + Database.class.getName() + ")");
        try {
            Configuration config = configAdmin.getConfiguration(Components.DATABASE, "?");
            config.update(new Hashtable<>(Map.of("path", newer.toString())));

            Await.until("database status failed", WAIT, () -> {
                StatusRecord s = Platform.status(context, "database");
                return s != null && s.status() == ResourceStatus.FAILED;
            });
            StatusRecord failed = Platform.status(context, "database");
            assertFalse(failed.ready());
            assertTrue(failed.exception().startsWith("SchemaTooNewException: "), failed.exception());
            assertTrue(failed.reason().contains(newer.toString()), failed.reason());
            assertTrue(failed.reason().contains("schema version 99"), failed.reason());
            assertTrue(failed.reason().contains("supports at most version 1"), failed.reason());
            assertTrue(failed.reason().contains("move the file away"), failed.reason());

            assertNull(Platform.database(context), "no Database while the schema is too new");
            assertEquals(List.of(), registrations, "Database never registered for the newer file");
            Components.awaitState(scr, Components.SESSION_TRACKER, ComponentConfigurationDTO.UNSATISFIED_REFERENCE, WAIT);
            assertNull(context.getServiceReference(SessionTracker.class));
            assertEquals("99", SqliteFiles.text(newer, "PRAGMA user_version"), "the newer file is left as it was");
            assertEquals("0", SqliteFiles.text(newer, "SELECT count(*) FROM sqlite_master"));

            config.delete();
            Await.until("database back on the default file", WAIT, () -> Platform.isReady(context, "database"));
            assertEquals(file, Platform.database(context).file());
            Await.until("session tracker back", WAIT, () -> context.getServiceReference(SessionTracker.class) != null);
        } finally {
            context.removeServiceListener(listener);
        }
    }

    @Test
    void badConfigurationValuesFailTheDatabaseWithOneSentenceInsteadOfAnActivationFailure() throws Exception {
        Path cfg = home.resolve("etc/" + Components.DATABASE + ".cfg");
        String named = "configuration " + Components.DATABASE + " (" + cfg + "): ";
        Configuration config = configAdmin.getConfiguration(Components.DATABASE, "?");
        // as FileInstall passes them: text values and the file they came from
        config.update(new Hashtable<>(Map.of("busy.timeout.ms", "-5", "felix.fileinstall.filename", "file:" + cfg)));
        StatusRecord range = awaitFailed(named);
        assertEquals(named + "busy.timeout.ms = '-5' is out of range (allowed: a whole number from 0 to 2147483647, in milliseconds);"
                + " fix the value (the database stays FAILED until then)", range.reason());
        assertNull(range.exception(), "the sentence is the whole explanation");

        // SCR converts 'lots' only when the component reads it; read in the constructor it used to fail
        // the activation (a stack trace at every restart attempt). Now the component is active and FAILED.
        config.update(new Hashtable<>(Map.of("write.queue.capacity", "lots", "felix.fileinstall.filename", "file:" + cfg)));
        StatusRecord notANumber = awaitFailed(named + "write.queue.capacity");
        assertEquals(named + "write.queue.capacity = 'lots' is not a number (allowed: a whole number from 1 to 2147483647);"
                + " fix the value (the database stays FAILED until then)", notANumber.reason());
        assertNotEquals(ComponentConfigurationDTO.FAILED_ACTIVATION, Components.state(scr, Components.DATABASE));
        assertNull(Platform.database(context));

        config.update(new Hashtable<>(Map.of("write.queue.capacity", "20000", "felix.fileinstall.filename", "file:" + cfg)));
        Await.until("database ready with the fixed value", WAIT, () -> Platform.isReady(context, "database"));
    }

    @Test
    void aDeletedFileIsNoticedAndTheRestartedDatabaseCreatesItAgain() throws Exception {
        Path own = home.resolve("data/it-deleted-" + System.nanoTime() + ".db");
        Configuration config = configAdmin.getConfiguration(Components.DATABASE, "?");
        config.update(new Hashtable<>(Map.of("path", own.toString())));
        Await.until("database ready on its own file", WAIT, () -> Platform.isReady(context, "database")
                && Platform.database(context) != null && own.equals(Platform.database(context).file()));
        Platform.database(context).write(c -> SqliteFiles.text(c, "SELECT count(*) FROM sessions")).get(20, java.util.concurrent.TimeUnit.SECONDS);

        for (String suffix : new String[] {"", "-wal", "-shm"}) {
            Files.deleteIfExists(Paths.get(own + suffix));
        }
        StatusRecord failed = awaitFailed("database file " + own + " was deleted or replaced while open");
        assertTrue(failed.reason().contains("went to the deleted file"), failed.reason());
        // the watcher restarts it; the new writer creates and migrates the file at the same path
        Await.until("database ready again after the watcher's restart", WAIT, () -> Platform.isReady(context, "database")
                && Platform.database(context) != null && Files.isRegularFile(own));
        assertEquals("1", SqliteFiles.text(own, "PRAGMA user_version"));
    }

    /** Waits for a FAILED status whose reason starts with {@code prefix} (the watcher may restart it meanwhile). */
    private StatusRecord awaitFailed(String prefix) {
        StatusRecord[] seen = new StatusRecord[1];
        Await.until("database FAILED: " + prefix, WAIT, () -> {
            StatusRecord s = Platform.status(context, "database");
            if (s != null && s.status() == ResourceStatus.FAILED && s.reason() != null && s.reason().startsWith(prefix)) {
                seen[0] = s;
                return true;
            }
            return false;
        });
        return seen[0];
    }

    @Test
    void nativeLibraryIsExtractedIntoTheHomeFolder() throws Exception {
        Path nativeFolder = home.resolve("data/native");
        assertEquals(nativeFolder.toString(), System.getProperty("org.sqlite.tmpdir"));
        try (Stream<Path> files = Files.list(nativeFolder)) {
            List<String> names = files.map(p -> p.getFileName().toString()).toList();
            assertTrue(names.stream().anyMatch(n -> n.startsWith("sqlite-") && n.contains("sqlitejdbc") && !n.endsWith(".lck")),
                    "extracted library in " + nativeFolder + ": " + names);
        }
        assertEquals("ok", Platform.database(context).read(c -> SqliteFiles.text(c, "PRAGMA integrity_check")));
    }

    @Test
    void failedWriteIsRolledBackAndTheDatabaseKeepsServing() throws Exception {
        Database db = Platform.database(context);
        String marker = "it-rollback-" + System.nanoTime();
        Exception failure = assertThrows(Exception.class, () -> db.write(c -> {
            try (var insert = c.createStatement()) {
                insert.executeUpdate("INSERT INTO sessions (started_at, last_heartbeat_at, status, error_message)"
                        + " VALUES ('2020-01-01T00:00:00.000Z', '2020-01-01T00:00:00.000Z', 'success', '" + marker + "')");
            }
            throw new java.sql.SQLException("fails after its insert");
        }).get(20, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals("fails after its insert", failure.getCause().getMessage());
        assertEquals("0", db.read(c -> SqliteFiles.text(c, "SELECT count(*) FROM sessions WHERE error_message = ?", marker)));
        assertEquals(Integer.valueOf(1), db.write(c -> 1).get(20, java.util.concurrent.TimeUnit.SECONDS));
    }

    private static boolean isA(ServiceReference<?> ref, Class<?> type) {
        return List.of((String[]) ref.getProperty("objectClass")).contains(type.getName());
    }

    private static int indexOf(List<String> events, String prefix) {
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }
}
