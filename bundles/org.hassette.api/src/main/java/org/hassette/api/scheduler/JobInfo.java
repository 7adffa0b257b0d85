package org.hassette.api.scheduler;

import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;

/**
 * A snapshot of a job for listings.
 *
 * @param name     unique name
 * @param group    group, or empty
 * @param schedule what the schedule is, for humans ({@code cron '0 7 * * 1-5'})
 * @param status   where the job is in its life
 * @param nextRun  when it runs next (jitter included), empty when it will not
 * @param lastRun  the last run, empty before the first
 * @param running  whether a run is going on now
 * @param history  the most recent runs, oldest first (bounded)
 */
public record JobInfo(String name, String group, String schedule, JobStatus status, Optional<ZonedDateTime> nextRun,
        Optional<RunRecord> lastRun, boolean running, List<RunRecord> history) {

    /** The outcome of the last run, empty before the first. */
    public Optional<RunOutcome> lastOutcome() {
        return lastRun.map(RunRecord::outcome);
    }
}
