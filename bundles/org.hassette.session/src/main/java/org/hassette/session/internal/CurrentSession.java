package org.hassette.session.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.hassette.api.database.Database;
import org.hassette.api.database.SqlWork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The row of this run once it exists: records the first crash and finalizes exactly once, whatever
 * the number of threads calling in.
 *
 * <p>The decisions (first crash wins, finalize once, crash beats success) are taken under one lock,
 * and each decision's write is queued under that lock too. The database runs writes in queue order
 * on one thread, so the row always ends as the decisions say: a crash recorded after a clean finalize
 * still turns the row into {@code failure}. Waiting for a write happens outside the lock, bounded by
 * the write timeout; a write that fails or times out is logged, never thrown at the caller.
 */
final class CurrentSession {
    private static final Logger LOG = LoggerFactory.getLogger(CurrentSession.class);

    private final Database database;
    private final long id;
    private final Duration writeTimeout;
    private final Clock clock;
    private final Object lock = new Object();
    private SessionTable.Crash crash;
    private boolean finalized;

    CurrentSession(Database database, long id, Duration writeTimeout, Clock clock) {
        this.database = database;
        this.id = id;
        this.writeTimeout = writeTimeout;
        this.clock = clock;
    }

    long id() {
        return id;
    }

    /**
     * Records the crash unless one was recorded already. Waits (bounded) until it is written.
     *
     * @return true when this call recorded it
     */
    boolean recordCrash(String errorType, String errorMessage, String errorTrace) {
        CompletableFuture<Integer> written;
        synchronized (lock) {
            if (crash != null) {
                return false;
            }
            SessionTable.Crash recorded = new SessionTable.Crash(errorType, errorMessage, errorTrace);
            crash = recorded;
            written = submit(c -> SessionTable.recordCrash(c, id, recorded));
        }
        await(written, "the crash record (" + errorType + ")");
        return true;
    }

    /**
     * Finalizes the row once: {@code failure} when a crash was recorded, else {@code success}. Waits
     * (bounded) until it is written.
     *
     * @return true when this call finalized it
     */
    boolean finalizeSession() {
        CompletableFuture<Integer> written;
        boolean failure;
        synchronized (lock) {
            if (finalized) {
                return false;
            }
            finalized = true;
            SessionTable.Crash recorded = crash;
            failure = recorded != null;
            Instant now = clock.instant();
            written = submit(c -> SessionTable.finish(c, id, now, recorded));
        }
        if (await(written, "finalizing as " + (failure ? "failure" : "success"))) {
            LOG.info("Session {} finalized: {}", id, failure ? "failure" : "success");
        }
        return true;
    }

    boolean isFinalized() {
        synchronized (lock) {
            return finalized;
        }
    }

    boolean crashRecorded() {
        synchronized (lock) {
            return crash != null;
        }
    }

    private CompletableFuture<Integer> submit(SqlWork<Integer> work) {
        try {
            return database.write(work);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private boolean await(CompletableFuture<Integer> written, String what) {
        try {
            Integer rows = written.get(writeTimeout.toMillis(), TimeUnit.MILLISECONDS);
            if (rows == null || rows != 1) {
                LOG.error("Session {}: {} changed {} rows instead of 1; was the row deleted?", id, what, rows);
                return false;
            }
            return true;
        } catch (TimeoutException e) {
            LOG.error("Session {}: {} was not confirmed within {} ms; if it is lost, the next start marks this session"
                    + " 'unknown'", id, what, writeTimeout.toMillis());
        } catch (ExecutionException e) {
            LOG.error("Session {}: could not write {}: {}", id, what, e.getCause().toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.error("Session {}: interrupted while waiting for {}", id, what);
        }
        return false;
    }
}
