package org.hassette.watcher.internal;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class RestartBudgetTest {
    private static final long WINDOW = 1000;

    @Test
    void emptyBudgetIsNotExhausted() {
        assertFalse(new RestartBudget().isExhausted(0, WINDOW, 1));
    }

    @Test
    void exhaustedExactlyAtTheIntensity() {
        RestartBudget b = new RestartBudget();
        b.charge(10);
        b.charge(20);
        assertFalse(b.isExhausted(30, WINDOW, 3), "below intensity");
        b.charge(30);
        assertTrue(b.isExhausted(40, WINDOW, 3), "at intensity");
    }

    @Test
    void chargesLeaveTheWindowAtItsBoundary() {
        RestartBudget b = new RestartBudget();
        b.charge(0);
        b.charge(500);
        assertTrue(b.isExhausted(999, WINDOW, 2), "both still inside");
        assertFalse(b.isExhausted(1000, WINDOW, 2), "the first is exactly one window old: evicted");
        assertEquals(1, b.used());
    }

    @Test
    void mixOfExpiredAndCurrentChargesKeepsOnlyCurrentOnes() {
        RestartBudget b = new RestartBudget();
        for (long t = 0; t < 5; t++) {
            b.charge(t * 400);
        }
        b.evict(2000, WINDOW);
        assertEquals(2, b.used(), "charges at 1200 and 1600 remain");
    }

    @Test
    void resetEmptiesTheBudget() {
        RestartBudget b = new RestartBudget();
        b.charge(1);
        b.charge(2);
        b.reset();
        assertEquals(0, b.used());
        assertFalse(b.isExhausted(3, WINDOW, 1));
    }
}
