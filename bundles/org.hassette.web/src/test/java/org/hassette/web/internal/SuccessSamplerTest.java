package org.hassette.web.internal;

import static org.junit.jupiter.api.Assertions.*;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SuccessSamplerTest {
    private final AtomicLong now = new AtomicLong(100);

    @Test
    void admitsTheShareOfEachListenerPerSecondAndAFreshShareNextSecond() {
        SuccessSampler s = new SuccessSampler(3, now::get);
        int a = 0;
        int b = 0;
        for (int i = 0; i < 10; i++) {
            a += s.admit("a") ? 1 : 0;
            b += s.admit("b") ? 1 : 0;
        }
        assertEquals(3, a);
        assertEquals(3, b, "listeners have separate shares");
        now.incrementAndGet();
        assertTrue(s.admit("a"), "a new second, a new share");
    }

    @Test
    void zeroMeansEverythingAndQuietListenersAreForgotten() {
        SuccessSampler all = new SuccessSampler(0, now::get);
        for (int i = 0; i < 1000; i++) {
            assertTrue(all.admit("x"));
        }
        SuccessSampler s = new SuccessSampler(1, now::get);
        s.admit("old");
        now.addAndGet(120);
        s.admit("new");
        s.forgetOlderThan(60);
        assertEquals(1, s.tracked());
    }
}
