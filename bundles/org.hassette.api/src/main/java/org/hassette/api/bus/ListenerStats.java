package org.hassette.api.bus;

/**
 * Counters of one listener since it was registered.
 *
 * @param received        events routed to it
 * @param matched         events that passed its filters
 * @param invoked         handler calls started
 * @param failed          handler calls that threw or timed out
 * @param suppressed      matching events not run because of throttle, debounce, single mode or a cancelled hold
 * @param dropped         events dropped because its queue was full (backpressure)
 * @param predicateErrors predicates (and constraints) that threw
 * @param skipped         calls not made because a constraint said no
 */
public record ListenerStats(long received, long matched, long invoked, long failed, long suppressed, long dropped,
        long predicateErrors, long skipped) {

    /** Stats without constraint skips. */
    public ListenerStats(long received, long matched, long invoked, long failed, long suppressed, long dropped, long predicateErrors) {
        this(received, matched, invoked, failed, suppressed, dropped, predicateErrors, 0);
    }
}
