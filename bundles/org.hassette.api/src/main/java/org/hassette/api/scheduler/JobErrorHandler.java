package org.hassette.api.scheduler;

import org.osgi.annotation.versioning.ConsumerType;

/** Told when a run of a job failed or timed out; runs on a scheduler worker thread. */
@ConsumerType
@FunctionalInterface
public interface JobErrorHandler {
    /**
     * @param job   the job, as it is after the failed run was recorded
     * @param error what the task threw (a {@link java.util.concurrent.TimeoutException} for a timeout)
     */
    void onError(JobInfo job, Throwable error);
}
