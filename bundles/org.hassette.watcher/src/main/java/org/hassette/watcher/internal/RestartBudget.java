package org.hassette.watcher.internal;

import java.util.ArrayDeque;
import java.util.Deque;

/** Restarts charged within a sliding window (monotonic milliseconds). Not thread-safe: the watcher thread owns it. */
final class RestartBudget {
    private final Deque<Long> charges = new ArrayDeque<>();

    /** Drops charges older than the window. */
    void evict(long nowMs, long windowMs) {
        while (!charges.isEmpty() && nowMs - charges.peekFirst() >= windowMs) {
            charges.removeFirst();
        }
    }

    boolean isExhausted(long nowMs, long windowMs, int budget) {
        evict(nowMs, windowMs);
        return charges.size() >= budget;
    }

    void charge(long nowMs) {
        charges.addLast(nowMs);
    }

    int used() {
        return charges.size();
    }

    /** A restart succeeded (the resource became ready): start afresh. */
    void reset() {
        charges.clear();
    }
}
