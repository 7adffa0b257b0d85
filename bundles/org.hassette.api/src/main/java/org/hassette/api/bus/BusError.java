package org.hassette.api.bus;

/**
 * A failure of one listener.
 *
 * @param listener the listener's name
 * @param phase    where it failed
 * @param event    the event being handled
 * @param error    what was thrown ({@link java.util.concurrent.TimeoutException} for {@link Phase#TIMEOUT})
 */
public record BusError(String listener, Phase phase, Object event, Throwable error) {

    /** Where a listener failed. */
    public enum Phase {
        /** A {@code where}/{@code from}/{@code to} predicate threw; the event counted as not matching. */
        PREDICATE,
        /** The handler threw. */
        HANDLER,
        /** The handler ran past its timeout and was interrupted. */
        TIMEOUT
    }
}
