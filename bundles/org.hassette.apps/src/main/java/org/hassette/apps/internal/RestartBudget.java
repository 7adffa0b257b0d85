package org.hassette.apps.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * When to restart an app whose start failed, and when to give up. Failures are counted in a sliding
 * window; the delay before the next attempt doubles with each failure in a row, up to a cap. A
 * successful start forgets the failures. Not thread-safe: used from one app's control chain.
 */
final class RestartBudget {
    private final Duration initialDelay;
    private final Duration maxDelay;
    private final int budget;
    private final Duration window;
    private final Deque<Instant> failures = new ArrayDeque<>();
    private int inARow;

    RestartBudget(Duration initialDelay, Duration maxDelay, int budget, Duration window) {
        if (initialDelay.isNegative() || maxDelay.compareTo(initialDelay) < 0) {
            throw new IllegalArgumentException("need 0 <= initial delay <= max delay, got " + initialDelay + " and " + maxDelay);
        }
        if (budget < 0) {
            throw new IllegalArgumentException("restart budget must be >= 0, got " + budget);
        }
        this.initialDelay = initialDelay;
        this.maxDelay = maxDelay;
        this.budget = budget;
        this.window = window;
    }

    /** What to do after a failure at {@code now}. */
    Decision failed(Instant now) {
        failures.addLast(now);
        while (!failures.isEmpty() && failures.peekFirst().isBefore(now.minus(window))) {
            failures.removeFirst();
        }
        inARow++;
        int restartsUsed = failures.size();
        if (restartsUsed > budget) {
            return new Decision(true, Duration.ZERO, restartsUsed - 1);
        }
        long factor = 1L << Math.min(30, inARow - 1);
        Duration delay = initialDelay.multipliedBy(factor);
        if (delay.compareTo(maxDelay) > 0 || delay.isNegative()) {
            delay = maxDelay;
        }
        return new Decision(false, delay, restartsUsed);
    }

    /** A start succeeded: the next failure starts from the initial delay with a full budget. */
    void succeeded() {
        failures.clear();
        inARow = 0;
    }

    /** Failures counted in the window now. */
    int failuresInWindow() {
        return failures.size();
    }

    int budget() {
        return budget;
    }

    Duration window() {
        return window;
    }

    /**
     * @param giveUp  true when the budget is spent: quarantine instead of restarting
     * @param delay   wait this long before restart number {@code attempt}
     * @param attempt the restart this decision schedules (1-based), or the restarts spent when giving up
     */
    record Decision(boolean giveUp, Duration delay, int attempt) {
    }
}
