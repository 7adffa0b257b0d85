package org.hassette.bus.internal;

import java.time.Duration;
import java.time.Instant;

/**
 * Time as the bus sees it: now, a monotonic nano counter, and delayed tasks. Injectable so that
 * debounce, throttle, hold and timeout are tested without waiting on the wall clock.
 */
interface TimeSource {

    Instant now();

    /** Monotonic nanoseconds, for durations. */
    long nanoTime();

    /** Runs {@code task} after {@code delay} on a timer thread; the task must be short (hand work over). */
    Timer schedule(Duration delay, Runnable task);

    /** A pending delayed task. */
    interface Timer {
        /** Cancels it if it has not run; harmless otherwise. */
        void cancel();
    }
}
