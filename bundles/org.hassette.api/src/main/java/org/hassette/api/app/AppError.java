package org.hassette.api.app;

import java.util.Objects;
import org.hassette.api.bus.BusError;
import org.hassette.api.scheduler.JobInfo;

/**
 * A failure of one of an app's listeners or jobs, as {@link AppContext#onError} receives it.
 *
 * @param appId         the app instance
 * @param source        a listener or a job
 * @param name          the listener's or the job's name
 * @param error         what was thrown ({@link java.util.concurrent.TimeoutException} for a timeout)
 * @param listenerError for {@link Source#LISTENER}: the bus's report (phase, event); otherwise null
 * @param job           for {@link Source#JOB}: the job after the failed run was recorded; otherwise null
 */
public record AppError(String appId, Source source, String name, Throwable error, BusError listenerError, JobInfo job) {

    /** Where the failure happened. */
    public enum Source {
        /** An event bus listener: a handler threw or timed out, or a predicate or constraint threw. */
        LISTENER,
        /** A scheduled job: a run threw or timed out. */
        JOB
    }

    public AppError {
        Objects.requireNonNull(appId, "appId");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(name, "name");
    }

    /** A listener failure of {@code appId}. */
    public static AppError of(String appId, BusError error) {
        return new AppError(appId, Source.LISTENER, error.listener(), error.error(), error, null);
    }

    /** A job failure of {@code appId}. */
    public static AppError of(String appId, JobInfo job, Throwable error) {
        return new AppError(appId, Source.JOB, job.name(), error, null, job);
    }

    @Override
    public String toString() {
        String where = source == Source.LISTENER ? "listener '" + name + "' (" + listenerError.phase() + ")" : "job '" + name + "'";
        return appId + ": " + where + " failed: " + error;
    }
}
