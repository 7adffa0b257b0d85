package org.hassette.websocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void delayDoublesPerAttemptUpToTheCap() {
        Backoff b = new Backoff(1000, 60_000, 0);
        assertEquals(1000, b.delayMs(1));
        assertEquals(2000, b.delayMs(2));
        assertEquals(4000, b.delayMs(3));
        assertEquals(60_000, b.delayMs(20));
    }

    @Test
    void jitterStaysWithinItsSpread() {
        Backoff b = new Backoff(1000, 60_000, 0.2);
        java.util.Set<Long> distinct = new java.util.HashSet<>();
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (int i = 0; i < 1000; i++) {
            long d = b.delayMs(1);
            assertTrue(d >= 800 && d <= 1200, "delay " + d);
            distinct.add(d);
            min = Math.min(min, d);
            max = Math.max(max, d);
        }
        // the delays really vary (zero jitter would give 1000 every time) and cover both sides of the base;
        // 1000 uniform draws over 401 values: fewer than 100 distinct or no draw beyond ±10 % is practically impossible
        assertTrue(distinct.size() > 100, "distinct delays: " + distinct.size());
        assertTrue(min < 900 && max > 1100, "spread " + min + ".." + max);
    }

    @Test
    void zeroJitterGivesTheSameDelayEveryTime() {
        Backoff b = new Backoff(1000, 60_000, 0);
        for (int i = 0; i < 100; i++) {
            assertEquals(1000, b.delayMs(1));
        }
    }

    @Test
    void aConnectionThatServedAWhileIsRetriedAtOnceAFlappingOneIsNot() {
        assertTrue(Backoff.retryAtOnce(Backoff.RETRY_AT_ONCE_MIN_SESSION_MS));
        assertTrue(Backoff.retryAtOnce(3_600_000));
        assertFalse(Backoff.retryAtOnce(Backoff.RETRY_AT_ONCE_MIN_SESSION_MS - 1));
        assertFalse(Backoff.retryAtOnce(0));
    }
}
