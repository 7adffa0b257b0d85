package org.hassette.websocket.internal;

import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with jitter and a cap: base * 2^(attempt-1), capped, then spread by ±jitter. */
record Backoff(long baseMs, long maxMs, double jitter) {

    long delayMs(int attempt) {
        double d = baseMs * Math.pow(2, Math.max(0, Math.min(attempt - 1, 30)));
        d = Math.min(d, maxMs);
        if (jitter > 0) {
            d = d * (1 + jitter * (2 * ThreadLocalRandom.current().nextDouble() - 1));
        }
        return Math.max(1, Math.min(Math.round(d), maxMs));
    }

    /** "4 s", "1.5 s", "250 ms". */
    static String format(long ms) {
        if (ms < 1000) {
            return ms + " ms";
        }
        if (ms < 10_000 && ms % 1000 != 0) {
            return String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        return Math.round(ms / 1000.0) + " s";
    }
}
