package org.hassette.api.scheduler;

/** Where a job is in its life. */
public enum JobStatus {
    /** Waiting for its next run. */
    SCHEDULED,
    /** No run left (a one-shot that ran, or a schedule with no further occurrence); still listed. */
    COMPLETED,
    /** Cancelled; never runs again and is no longer listed. */
    CANCELLED
}
