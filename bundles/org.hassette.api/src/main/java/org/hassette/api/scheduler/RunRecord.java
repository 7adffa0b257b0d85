package org.hassette.api.scheduler;

import java.time.Instant;
import java.util.Objects;

/**
 * One run of a job.
 *
 * @param at      when the run started (or was skipped), by the scheduler's clock
 * @param outcome how it ended
 * @param detail  why it was skipped, what was thrown, or empty
 * @param manual  whether it was started by {@link JobHandle#runNow()}
 */
public record RunRecord(Instant at, RunOutcome outcome, String detail, boolean manual) {
    public RunRecord {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(outcome, "outcome");
        detail = detail == null ? "" : detail;
    }
}
