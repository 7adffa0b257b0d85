package org.hassette.scheduler.internal;

import java.time.ZonedDateTime;
import org.hassette.api.scheduler.JobStatus;

/** When a job runs. Implementations are immutable and never search without bound. */
interface Trigger {

    /** The first run at or after {@code now}, or {@code null} if there is none. */
    ZonedDateTime first(ZonedDateTime now);

    /** The first run strictly after {@code after}, or {@code null} if there is none. */
    ZonedDateTime next(ZonedDateTime after);

    /** The schedule for humans. */
    String describe();

    /**
     * What a job is when this trigger has no next run: COMPLETED by default; a trigger that waits for
     * input (a location, an entity value) says WAITING, a manual one MANUAL.
     */
    default JobStatus statusWithoutNextRun() {
        return JobStatus.COMPLETED;
    }
}
