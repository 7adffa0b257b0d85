package org.hassette.api.scheduler;

/** Where a job is in its life. */
public enum JobStatus {
    /** Waiting for its next run. */
    SCHEDULED,
    /**
     * Has no run planned yet but will once its input is there: a sun job while no location is known
     * (Home Assistant's {@code get_config} has not answered and none is configured), an entity-timed
     * job while the entity is unknown, unavailable, unparsable or holds a past instant.
     */
    WAITING,
    /** Registered without a schedule ({@link Scheduler#register}): runs only on {@link JobHandle#runNow()}. */
    MANUAL,
    /** No run left (a one-shot that ran, or a schedule with no further occurrence); still listed. */
    COMPLETED,
    /** Cancelled; never runs again and is no longer listed. */
    CANCELLED
}
