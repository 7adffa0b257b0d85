package org.hassette.session.internal;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.hassette.api.database.Database;
import org.hassette.api.database.DatabaseBusyException;
import org.hassette.api.database.SqlWork;
import org.hassette.api.lifecycle.HassetteResource;
import org.hassette.api.lifecycle.ResourceLifecycle;
import org.hassette.api.lifecycle.ResourceRole;
import org.hassette.api.lifecycle.RestartPolicy;
import org.hassette.api.session.SessionRecord;
import org.hassette.api.session.SessionTracker;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tracks this run of the platform in the {@code sessions} table.
 *
 * <p>Readiness rule: ready when the session row exists, orphans are marked unknown and the heartbeat
 * is scheduled. Only then is {@link SessionTracker} registered. Activation only queues the write that
 * closes the orphans and inserts this run's row; the rest happens when the database has done it.
 * Deactivation (a normal stop, or the database going away) finalizes the session unless that
 * happened already.
 */
@Component(immediate = true, service = {})
@Designate(ocd = DatabaseSessionTracker.Config.class)
@HassetteResource(resource = "session", provides = SessionTracker.class)
@RestartPolicy(type = "transient", budget = 3, window_seconds = 120)
public class DatabaseSessionTracker implements SessionTracker {
    private static final Logger LOG = LoggerFactory.getLogger(DatabaseSessionTracker.class);
    static final String RESOURCE = "session";
    /** Heartbeats that fail in a row before the tracker reports FAILED. */
    static final int HEARTBEAT_FAILURES_TOLERATED = 3;

    @ObjectClassDefinition(name = "Hassette session tracker", description = "One row per run of the platform in the sessions"
            + " table of the database.")
    public @interface Config {
        @AttributeDefinition(name = "Heartbeat interval (s)", description = "How often the session row's last_heartbeat_at is"
                + " updated. After a crash or kill -9 this is how precisely the end of the run is known.", min = "1")
        int heartbeat_interval_seconds() default 10;

        @AttributeDefinition(name = "Write timeout (ms)", description = "How long to wait for the database to confirm the"
                + " session row, a crash record or the finalization.", min = "1")
        int write_timeout_ms() default 5_000;
    }

    private final ResourceLifecycle lifecycle;
    private final Database database;
    private final Clock clock = Clock.systemUTC();
    private final ScheduledExecutorService executor;
    private final CompletableFuture<SessionTable.Opened> opening;
    private final Object stateLock = new Object();
    private volatile Config config;
    private volatile CurrentSession session;
    private boolean stopping;
    /** Only touched on the executor thread. */
    private ScheduledFuture<?> heartbeat;
    private int heartbeatFailures;

    @Activate
    public DatabaseSessionTracker(BundleContext context, Config config, @Reference Database database) {
        this.database = database;
        this.config = config;
        lifecycle = ResourceLifecycle.open(context, RESOURCE, ResourceRole.CORE, SessionTracker.class);
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "hassette-session");
            t.setDaemon(true);
            return t;
        });
        lifecycle.starting("closing orphaned sessions and creating this run's row in " + database.file());
        // Queued, not awaited: activation may run on the database's writer thread (inside its ready()).
        opening = submit(c -> SessionTable.open(c, clock.instant())).orTimeout(writeTimeout().toMillis(), TimeUnit.MILLISECONDS);
        opening.whenCompleteAsync(this::opened, executor);
    }

    @Modified
    void modified(Config changed) {
        boolean newInterval = changed.heartbeat_interval_seconds() != config.heartbeat_interval_seconds();
        config = changed;
        if (newInterval) {
            runOnExecutor(() -> {
                if (session != null && !isStopping() && lifecycle.isReady()) {
                    scheduleHeartbeat();
                    lifecycle.reason(readyReason(session.id(), -1));
                }
            });
        }
    }

    @Deactivate
    void deactivate() {
        synchronized (stateLock) {
            stopping = true;
        }
        lifecycle.stopping("finalizing the session");
        executor.shutdownNow();
        CurrentSession s = sessionToFinalize();
        if (s != null) {
            s.finalizeSession();
        }
        lifecycle.close();
    }

    @Override
    public long currentSessionId() {
        CurrentSession s = session;
        if (s == null) {
            throw new IllegalStateException("there is no session yet: the session tracker is not ready ("
                    + lifecycle.status().reason() + ")");
        }
        return s.id();
    }

    @Override
    public boolean recordCrash(String errorType, String errorMessage, String errorTrace) {
        CurrentSession s = session;
        if (s == null) {
            LOG.warn("Crash {} not recorded: there is no session yet ({})", errorType, lifecycle.status().reason());
            return false;
        }
        return s.recordCrash(errorType, errorMessage, errorTrace);
    }

    @Override
    public boolean finalizeSession() {
        CurrentSession s = session;
        if (s == null) {
            LOG.warn("Session not finalized: there is no session yet ({})", lifecycle.status().reason());
            return false;
        }
        return s.finalizeSession();
    }

    @Override
    public List<SessionRecord> recentSessions(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, not " + limit);
        }
        try {
            return database.read(c -> SessionTable.recent(c, limit));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the sessions from " + database.file() + ": " + e.getMessage(), e);
        }
    }

    /** Executor thread: the orphans are closed and this run's row exists (or that failed). */
    private void opened(SessionTable.Opened result, Throwable error) {
        synchronized (stateLock) {
            if (stopping) {
                return; // deactivate() finalizes the row, if it was created
            }
            if (error != null) {
                Throwable cause = unwrap(error);
                lifecycle.failed(openingFailure(cause), cause);
                return;
            }
            session = new CurrentSession(database, result.id(), writeTimeout(), clock);
            scheduleHeartbeat();
            lifecycle.ready(SessionTracker.class, this, Map.of("hassette.session.id", result.id()),
                    readyReason(result.id(), result.orphansClosed()));
        }
        LOG.info("Session {} started; {} orphaned sessions closed", result.id(), result.orphansClosed());
    }

    private String openingFailure(Throwable cause) {
        if (cause instanceof TimeoutException) {
            return "the database did not confirm the session row within " + writeTimeout().toMillis() + " ms (writer busy or stuck)";
        }
        if (cause instanceof DatabaseBusyException) {
            return "the database's write queue is full; the session row was not written: " + cause.getMessage();
        }
        return "cannot create the session row in " + database.file() + ": " + cause.getMessage();
    }

    private String readyReason(long id, int orphans) {
        return "session " + id + " running" + (orphans >= 0 ? ", " + orphans + " orphaned sessions closed" : "")
                + ", heartbeat every " + config.heartbeat_interval_seconds() + " s";
    }

    /** Executor thread only. */
    private void scheduleHeartbeat() {
        if (heartbeat != null) {
            heartbeat.cancel(false);
        }
        long interval = Math.max(1, config.heartbeat_interval_seconds());
        heartbeat = executor.scheduleAtFixedRate(this::beat, interval, interval, TimeUnit.SECONDS);
    }

    /** Executor thread: queue one heartbeat; its outcome is handled back on the executor. */
    private void beat() {
        CurrentSession s = session;
        if (s == null || s.isFinalized()) {
            return;
        }
        submit(c -> SessionTable.heartbeat(c, s.id(), clock.instant()))
                .orTimeout(writeTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((rows, error) -> runOnExecutor(() -> heartbeatDone(s, error)));
    }

    private void heartbeatDone(CurrentSession s, Throwable error) {
        if (error == null) {
            heartbeatFailures = 0;
            return;
        }
        heartbeatFailures++;
        Throwable cause = unwrap(error);
        LOG.warn("Heartbeat of session {} failed ({} in a row): {}", s.id(), heartbeatFailures, cause.toString());
        if (heartbeatFailures >= HEARTBEAT_FAILURES_TOLERATED) {
            heartbeat.cancel(false);
            synchronized (stateLock) {
                if (!stopping) {
                    lifecycle.failed("heartbeat of session " + s.id() + " failed " + heartbeatFailures + " times in a row: "
                            + cause.getMessage(), cause);
                }
            }
        }
    }

    /** The row to finalize at deactivation: the current session, or a row whose creation is still in flight. */
    private CurrentSession sessionToFinalize() {
        CurrentSession s = session;
        if (s != null) {
            return s;
        }
        try {
            SessionTable.Opened late = opening.get(writeTimeout().toMillis(), TimeUnit.MILLISECONDS);
            return new CurrentSession(database, late.id(), writeTimeout(), clock);
        } catch (ExecutionException | TimeoutException notCreated) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private <T> CompletableFuture<T> submit(SqlWork<T> work) {
        try {
            return database.write(work);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private void runOnExecutor(Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException stopped) {
            // deactivated meanwhile
        }
    }

    private boolean isStopping() {
        synchronized (stateLock) {
            return stopping;
        }
    }

    private Duration writeTimeout() {
        return Duration.ofMillis(Math.max(1, config.write_timeout_ms()));
    }

    private static Throwable unwrap(Throwable error) {
        Throwable t = error;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
