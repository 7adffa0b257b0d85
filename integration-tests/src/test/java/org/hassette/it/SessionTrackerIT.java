package org.hassette.it;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.hassette.api.lifecycle.ResourceStatus;
import org.hassette.api.lifecycle.StatusRecord;
import org.hassette.api.session.SessionRecord;
import org.hassette.api.session.SessionStatus;
import org.hassette.api.session.SessionTracker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/**
 * The session tracker in a real framework on the real database: the session scenarios of the
 * reference (creation, orphans, crash, finalize, concurrency, following the database).
 */
class SessionTrackerIT {
    static final Duration WAIT = Duration.ofSeconds(20);

    @InjectBundleContext
    BundleContext context;
    @InjectService
    ServiceComponentRuntime scr;
    @InjectService
    ConfigurationAdmin configAdmin;

    Path file;

    @BeforeEach
    void locate() {
        file = Paths.get(context.getProperty("hassette.home"), "data", "hassette.db");
        Platform.awaitCoreReady(context, WAIT);
    }

    @AfterEach
    void restore() throws Exception {
        Platform.restoreDefaults(context, scr, configAdmin, WAIT);
    }

    @Test
    void newSessionRowIsRunningWithoutStopTime() throws Exception {
        long id = tracker().currentSessionId();
        assertTrue(id > 0);
        Map<String, String> row = SqliteFiles.session(file, id);
        assertEquals("running", row.get("status"));
        assertNull(row.get("stopped_at"));
        assertTrue(row.get("last_heartbeat_at").compareTo(row.get("started_at")) >= 0, row.toString());
        assertFalse(Instant.parse(row.get("started_at")).isAfter(Instant.now()));
    }

    @Test
    void trackerIsRegisteredOnlyOnceItsRowExists() throws Exception {
        long before = restartTrackerWatchingRegistration();
        assertEquals("success", SqliteFiles.session(file, before).get("status"), "the previous session was finalized at stop");
    }

    @Test
    void trackerWaitsForTheDatabaseAndStartsANewSessionWhenItReturns() throws Exception {
        long old = tracker().currentSessionId();

        Components.disable(scr, Components.DATABASE);
        Components.awaitState(scr, Components.SESSION_TRACKER, ComponentConfigurationDTO.UNSATISFIED_REFERENCE, WAIT);
        ComponentConfigurationDTO waiting = scr.getComponentConfigurationDTOs(Components.description(scr, Components.SESSION_TRACKER))
                .iterator().next();
        assertEquals(List.of("database"), List.of(waiting.unsatisfiedReferences).stream().map(u -> u.name).toList());
        assertNull(context.getServiceReference(SessionTracker.class), "no tracker without the database");
        assertNull(Platform.status(context, "session"), "the tracker's component is not active");
        Await.until("session " + old + " finalized", WAIT, () -> rowNow(old).get("stopped_at") != null);
        Map<String, String> finalized = SqliteFiles.session(file, old);
        assertEquals("success", finalized.get("status"), "finalized while the database was stopping: " + finalized);
        assertNotNull(finalized.get("stopped_at"));

        Components.enable(scr, Components.DATABASE);
        Await.until("session tracker back", WAIT, () -> Platform.sessionTracker(context) != null);
        long fresh = tracker().currentSessionId();
        assertTrue(fresh > old, fresh + " after " + old);
        assertEquals("running", SqliteFiles.session(file, fresh).get("status"));
        assertEquals(finalized, SqliteFiles.session(file, old), "the old row is not touched again");
    }

    @Test
    void orphanedRunningRowsBecomeUnknownStoppedAtTheirLastHeartbeat() throws Exception {
        // a row as a killed run leaves it: still running, last seen alive at 00:00:07
        long orphan = Platform.database(context).write(c -> {
            try (var p = c.prepareStatement("INSERT INTO sessions (started_at, last_heartbeat_at, status)"
                    + " VALUES ('2020-01-01T00:00:00.000Z', '2020-01-01T00:00:07.000Z', 'running')", java.sql.Statement.RETURN_GENERATED_KEYS)) {
                p.executeUpdate();
                try (var keys = p.getGeneratedKeys()) {
                    keys.next();
                    return keys.getLong(1);
                }
            }
        }).get(20, TimeUnit.SECONDS);
        long previous = tracker().currentSessionId();

        restartTracker();

        assertNotNull(SqliteFiles.session(file, previous).get("stopped_at"), "finalized before the new session started");
        Map<String, String> row = SqliteFiles.session(file, orphan);
        assertEquals("unknown", row.get("status"));
        assertEquals("2020-01-01T00:00:07.000Z", row.get("stopped_at"));
        assertEquals("success", SqliteFiles.session(file, previous).get("status"), "a finalized session is not an orphan");
        StatusRecord status = Platform.status(context, "session");
        assertTrue(status.reason().contains("1 orphaned sessions closed"), status.reason());
    }

    @Test
    void recordedCrashMarksFailureWithDetailsAndAStopKeepsIt() throws Exception {
        SessionTracker t = tracker();
        long id = t.currentSessionId();
        assertTrue(t.recordCrash("WebsocketAuthError", "token rejected by Home Assistant", "trace line 1\ntrace line 2"));
        Map<String, String> crashed = SqliteFiles.session(file, id);
        assertEquals("failure", crashed.get("status"));
        assertEquals("WebsocketAuthError", crashed.get("error_type"));
        assertEquals("token rejected by Home Assistant", crashed.get("error_message"));
        assertEquals("trace line 1\ntrace line 2", crashed.get("error_trace"));
        assertNull(crashed.get("stopped_at"), "a crash does not finalize");

        // a normal stop of the platform finalizes: the crash wins over the clean stop
        Components.disable(scr, Components.SESSION_TRACKER);
        Await.until("session " + id + " finalized", WAIT, () -> rowNow(id).get("stopped_at") != null);
        Map<String, String> stopped = SqliteFiles.session(file, id);
        assertEquals("failure", stopped.get("status"));
        assertNotNull(stopped.get("stopped_at"));
        assertEquals("WebsocketAuthError", stopped.get("error_type"));
    }

    @Test
    void finalizeWritesSuccessOnceAndLaterCallsChangeNothing() throws Exception {
        SessionTracker t = tracker();
        long id = t.currentSessionId();
        assertTrue(t.finalizeSession());
        Map<String, String> row = SqliteFiles.session(file, id);
        assertEquals("success", row.get("status"));
        assertNotNull(row.get("stopped_at"));
        assertFalse(t.finalizeSession());
        Components.disable(scr, Components.SESSION_TRACKER);
        Components.awaitState(scr, Components.SESSION_TRACKER, Components.DISABLED, WAIT);
        assertEquals(row, SqliteFiles.session(file, id), "deactivation does not finalize again");
    }

    @Test
    void concurrentCrashAndFinalizeFromEightThreadsFinalizeOnceAndTheCrashWins() throws Exception {
        SessionTracker t = tracker();
        long id = t.currentSessionId();
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<Boolean>> crashes = new ArrayList<>();
        List<Future<Boolean>> finals = new ArrayList<>();
        try {
            CyclicBarrier start = new CyclicBarrier(threads);
            for (int i = 0; i < threads; i++) {
                int n = i;
                Future<Boolean> f = pool.submit(() -> {
                    start.await(20, TimeUnit.SECONDS);
                    return n % 2 == 0 ? t.recordCrash("Crash" + n, "crash " + n, "trace " + n) : t.finalizeSession();
                });
                (n % 2 == 0 ? crashes : finals).add(f);
            }
            assertEquals(1, trueCount(crashes), "exactly one crash recorded");
            assertEquals(1, trueCount(finals), "exactly one finalization");
        } finally {
            pool.shutdownNow();
        }
        Map<String, String> row = SqliteFiles.session(file, id);
        assertEquals("failure", row.get("status"), row.toString());
        assertNotNull(row.get("stopped_at"));
        assertEquals("Crash" + row.get("error_message").substring("crash ".length()), row.get("error_type"));
        assertFalse(t.finalizeSession());
        assertEquals("ok", SqliteFiles.text(file, "PRAGMA integrity_check"));
    }

    @Test
    void heartbeatIntervalChangesWithoutStartingANewSession() throws Exception {
        SessionTracker t = tracker();
        long id = t.currentSessionId();
        Configuration config = configAdmin.getConfiguration(Components.SESSION_TRACKER, "?");
        config.update(new Hashtable<>(Map.of("heartbeat.interval.seconds", 1)));
        // Config Admin hands the change to the component on its own thread: wait until it was applied. (A
        // heartbeat after the session's start proves nothing here: at the default 10 s one may have come already.)
        Await.until("the new interval applied", WAIT, () -> {
            StatusRecord now = Platform.status(context, "session");
            return now != null && now.reason().contains("heartbeat every 1 s");
        });
        String applied = rowNow(id).get("last_heartbeat_at");
        Await.until("a heartbeat after " + applied, WAIT,
                () -> rowNow(id).get("last_heartbeat_at").compareTo(applied) > 0);
        assertEquals(id, tracker().currentSessionId(), "same session: the interval is applied in place");
        assertEquals("running", SqliteFiles.session(file, id).get("status"));
    }

    @Test
    void recentSessionsAreNewestFirst() {
        SessionTracker t = tracker();
        List<SessionRecord> recent = t.recentSessions(3);
        assertFalse(recent.isEmpty());
        assertEquals(t.currentSessionId(), recent.get(0).id());
        assertEquals(SessionStatus.RUNNING, recent.get(0).status());
        for (int i = 1; i < recent.size(); i++) {
            assertTrue(recent.get(i - 1).id() > recent.get(i).id());
        }
        assertThrows(IllegalArgumentException.class, () -> t.recentSessions(0));
    }

    private SessionTracker tracker() {
        SessionTracker t = Platform.sessionTracker(context);
        assertNotNull(t, "SessionTracker registered");
        return t;
    }

    private void restartTracker() {
        Components.disable(scr, Components.SESSION_TRACKER);
        Components.enable(scr, Components.SESSION_TRACKER);
        Await.until("session tracker ready", WAIT, () -> Platform.isReady(context, "session") && Platform.sessionTracker(context) != null);
    }

    /**
     * Restarts the tracker and checks, inside the registration of SessionTracker, that its row already
     * exists and that the status said "not ready" until then.
     *
     * @return the id of the session before the restart
     */
    private long restartTrackerWatchingRegistration() throws Exception {
        long before = tracker().currentSessionId();
        Components.disable(scr, Components.SESSION_TRACKER);
        AtomicReference<String> atRegistration = new AtomicReference<>("not registered");
        List<String> statusBefore = new ArrayList<>();
        ServiceListener listener = event -> {
            if (event.getType() != ServiceEvent.REGISTERED) {
                return;
            }
            try {
                SessionTracker t = (SessionTracker) context.getService(event.getServiceReference());
                long id = t.currentSessionId();
                statusBefore.add(String.valueOf(Platform.status(context, "session")));
                atRegistration.set(id + ":" + SqliteFiles.session(file, id).get("status"));
                context.ungetService(event.getServiceReference());
            } catch (Exception e) {
                atRegistration.set("failed: " + e);
            }
        };
        context.addServiceListener(listener, "(objectClass=" + SessionTracker.class.getName() + ")");
        try {
            Components.enable(scr, Components.SESSION_TRACKER);
            Await.until("session tracker ready", WAIT, () -> Platform.isReady(context, "session"));
        } finally {
            context.removeServiceListener(listener);
        }
        long now = tracker().currentSessionId();
        assertEquals(now + ":running", atRegistration.get());
        assertTrue(now > before);
        // the registration happens before the status says ready: at that moment it is RUNNING, not yet ready
        assertEquals(1, statusBefore.size(), statusBefore.toString());
        assertTrue(statusBefore.get(0).contains("status=" + ResourceStatus.RUNNING) && statusBefore.get(0).contains("ready=false"),
                statusBefore.toString());
        return before;
    }

    /** The row as it is now, for await conditions. */
    private Map<String, String> rowNow(long id) {
        try {
            return SqliteFiles.session(file, id);
        } catch (java.sql.SQLException e) {
            throw new AssertionError("cannot read session " + id + " from " + file, e);
        }
    }

    private static int trueCount(List<Future<Boolean>> futures) throws Exception {
        int n = 0;
        for (Future<Boolean> f : futures) {
            if (f.get(20, TimeUnit.SECONDS)) {
                n++;
            }
        }
        return n;
    }
}
