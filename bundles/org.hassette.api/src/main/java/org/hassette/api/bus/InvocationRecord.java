package org.hassette.api.bus;

import java.time.Duration;
import java.time.Instant;

/**
 * One handler call, for telemetry.
 *
 * @param listener the listener's name
 * @param event    the event handled
 * @param start    when the call started
 * @param duration how long it ran
 * @param outcome  how it ended
 * @param error    what it threw, or null
 * @param detail   why it was skipped (a constraint's verdict), or empty
 */
public record InvocationRecord(String listener, Object event, Instant start, Duration duration, Outcome outcome,
        Throwable error, String detail) {

    public InvocationRecord {
        detail = detail == null ? "" : detail;
    }

    /** A record without detail. */
    public InvocationRecord(String listener, Object event, Instant start, Duration duration, Outcome outcome, Throwable error) {
        this(listener, event, start, duration, outcome, error, "");
    }

    /** How a call ended. */
    public enum Outcome {
        SUCCESS, ERROR, TIMEOUT, CANCELLED,
        /** Not called: a constraint said no ({@link InvocationRecord#detail()} says which and why); duration zero. */
        SKIPPED
    }
}
