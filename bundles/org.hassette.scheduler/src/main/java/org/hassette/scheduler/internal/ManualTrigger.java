package org.hassette.scheduler.internal;

import java.time.ZonedDateTime;
import org.hassette.api.scheduler.JobStatus;

/** No schedule: the job runs only when asked ({@link org.hassette.api.scheduler.JobHandle#runNow()}). */
final class ManualTrigger implements Trigger {
    static final ManualTrigger INSTANCE = new ManualTrigger();

    private ManualTrigger() {
    }

    @Override
    public ZonedDateTime first(ZonedDateTime now) {
        return null;
    }

    @Override
    public ZonedDateTime next(ZonedDateTime after) {
        return null;
    }

    @Override
    public String describe() {
        return "manual (runs on runNow only)";
    }

    @Override
    public JobStatus statusWithoutNextRun() {
        return JobStatus.MANUAL;
    }
}
