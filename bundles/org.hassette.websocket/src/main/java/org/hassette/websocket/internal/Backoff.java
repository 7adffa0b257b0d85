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

    /** A connection that served at least this long is retried at once when it drops. */
    static final long RETRY_AT_ONCE_MIN_SESSION_MS = 1000;

    /**
     * Whether to reconnect without delay after a connection of {@code sessionMs} ended: yes after one
     * that served for a while (HA restarted, a network blip: the next attempt usually works, and every
     * second of delay is a second without events); no after a short one, so a server that accepts and
     * drops at once is retried with the backoff, never in a tight loop.
     */
    static boolean retryAtOnce(long sessionMs) {
        return sessionMs >= RETRY_AT_ONCE_MIN_SESSION_MS;
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
