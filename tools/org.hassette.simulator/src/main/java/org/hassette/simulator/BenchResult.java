package org.hassette.simulator;

/**
 * Outcome of a bench run.
 *
 * @param events        events per subscription in the run (sequence numbers 0 .. events-1)
 * @param subscriptions subscriptions (connection, subscribe_events id) that received the stream
 * @param delivered     events handed to sockets, summed over subscriptions (less than
 *                      {@code events * subscriptions} if a connection dropped)
 * @param nanos         from the first event queued to the last one written to every socket
 * @param eventBytes    size of one event message in bytes (they vary by a few digits)
 */
public record BenchResult(long events, int subscriptions, long delivered, long nanos, int eventBytes) {

    /** Events per second per subscription. */
    public double eventsPerSecond() {
        return nanos <= 0 ? 0 : events * 1e9 / nanos;
    }
}
