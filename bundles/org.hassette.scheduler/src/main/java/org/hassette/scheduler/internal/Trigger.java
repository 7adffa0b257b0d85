package org.hassette.scheduler.internal;

import java.time.ZonedDateTime;

/** When a job runs. Implementations are immutable and never search without bound. */
interface Trigger {

    /** The first run at or after {@code now}, or {@code null} if there is none. */
    ZonedDateTime first(ZonedDateTime now);

    /** The first run strictly after {@code after}, or {@code null} if there is none. */
    ZonedDateTime next(ZonedDateTime after);

    /** The schedule for humans. */
    String describe();

    /**
     * Whether a missing run means the job waits for input (a location, an entity value) rather than
     * being done: such a job is {@link org.hassette.api.scheduler.JobStatus#WAITING} instead of COMPLETED.
     */
    default boolean waitsForInput() {
        return false;
    }
}
