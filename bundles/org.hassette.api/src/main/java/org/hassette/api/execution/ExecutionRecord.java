package org.hassette.api.execution;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One handler call or job run.
 *
 * @param id       the store's id, increasing with insertion order ({@code 0} before it is stored)
 * @param kind     what ran
 * @param name     the listener's or job's name
 * @param app      the app instance it belongs to, or {@code null} for platform listeners and jobs
 * @param start    when it started
 * @param duration how long it ran ({@link Duration#ZERO} for a skipped call), or {@code null} when not known
 *                 (the scheduler's run records carry no duration)
 * @param outcome  how it ended, lower case: {@code success}, {@code error}, {@code timeout},
 *                 {@code cancelled}, {@code skipped}
 * @param error    the exception's type and message for an error or timeout, else {@code null}
 * @param detail   more about the outcome (a skip's reason), may be empty
 */
public record ExecutionRecord(long id, Kind kind, String name, String app, Instant start, Duration duration, String outcome,
        String error, String detail) {

    /** What kind of thing ran. */
    public enum Kind {
        /** a bus listener's handler */
        LISTENER,
        /** a scheduled job */
        JOB;

        /** Lower-case label, as in the API and the database. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public ExecutionRecord {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(outcome, "outcome");
        detail = detail == null ? "" : detail;
    }

    /** Whether it ended in an error or a timeout. */
    public boolean failed() {
        return "error".equals(outcome) || "timeout".equals(outcome);
    }
}
