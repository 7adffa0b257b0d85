package org.hassette.web.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Admits at most {@code perSecond} successes per listener and second (0: all). Errors never go
 * through it. Windows of listeners that went quiet are dropped by {@link #forgetOlderThan}.
 */
final class SuccessSampler {
    private final int perSecond;
    private final LongSupplier seconds;
    /** Per listener: the second being counted and how many were admitted in it. */
    private final ConcurrentHashMap<String, long[]> windows = new ConcurrentHashMap<>();

    SuccessSampler(int perSecond, LongSupplier seconds) {
        this.perSecond = Math.max(0, perSecond);
        this.seconds = seconds;
    }

    static SuccessSampler monotonic(int perSecond) {
        return new SuccessSampler(perSecond, () -> System.nanoTime() / 1_000_000_000L);
    }

    boolean admit(String listener) {
        if (perSecond == 0) {
            return true;
        }
        long second = seconds.getAsLong();
        long[] w = windows.computeIfAbsent(listener, k -> new long[] { second, 0 });
        synchronized (w) {
            if (w[0] != second) {
                w[0] = second;
                w[1] = 0;
            }
            return ++w[1] <= perSecond;
        }
    }

    void forgetOlderThan(long ageSeconds) {
        long stale = seconds.getAsLong() - ageSeconds;
        windows.values().removeIf(w -> {
            synchronized (w) {
                return w[0] < stale;
            }
        });
    }

    int tracked() {
        return windows.size();
    }
}
