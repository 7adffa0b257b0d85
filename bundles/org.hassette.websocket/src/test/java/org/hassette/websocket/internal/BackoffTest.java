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
        for (int i = 0; i < 1000; i++) {
            long d = b.delayMs(1);
            assertTrue(d >= 800 && d <= 1200, "delay " + d);
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
