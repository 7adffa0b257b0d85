package org.hassette.apps.internal;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RestartBudgetTest {
    private static final Instant T0 = Instant.parse("2026-11-28T12:00:00Z");

    @Test
    void delaysDoubleUpToTheCapAndTheFailureAfterTheBudgetGivesUp() {
        RestartBudget b = new RestartBudget(Duration.ofSeconds(1), Duration.ofSeconds(5), 4, Duration.ofMinutes(10));
        assertEquals(new RestartBudget.Decision(false, Duration.ofSeconds(1), 1), b.failed(T0));
        assertEquals(new RestartBudget.Decision(false, Duration.ofSeconds(2), 2), b.failed(T0.plusSeconds(1)));
        assertEquals(new RestartBudget.Decision(false, Duration.ofSeconds(4), 3), b.failed(T0.plusSeconds(3)));
        assertEquals(new RestartBudget.Decision(false, Duration.ofSeconds(5), 4), b.failed(T0.plusSeconds(7)));
        RestartBudget.Decision last = b.failed(T0.plusSeconds(12));
        assertTrue(last.giveUp(), last.toString());
        assertEquals(4, last.attempt());
    }

    @Test
    void failuresOutsideTheWindowNoLongerCount() {
        RestartBudget b = new RestartBudget(Duration.ofMillis(10), Duration.ofMillis(10), 1, Duration.ofMinutes(1));
        assertFalse(b.failed(T0).giveUp());
        // the second failure a minute and more later: the first one has left the window
        RestartBudget.Decision d = b.failed(T0.plusSeconds(61));
        assertFalse(d.giveUp(), d.toString());
        assertEquals(1, b.failuresInWindow());
        assertTrue(b.failed(T0.plusSeconds(62)).giveUp());
    }

    @Test
    void successForgetsFailuresAndResetsTheDelay() {
        RestartBudget b = new RestartBudget(Duration.ofSeconds(1), Duration.ofMinutes(1), 2, Duration.ofMinutes(10));
        b.failed(T0);
        b.failed(T0.plusSeconds(1));
        b.succeeded();
        assertEquals(0, b.failuresInWindow());
        assertEquals(new RestartBudget.Decision(false, Duration.ofSeconds(1), 1), b.failed(T0.plusSeconds(2)));
    }

    @Test
    void zeroBudgetQuarantinesOnTheFirstFailure() {
        RestartBudget b = new RestartBudget(Duration.ofSeconds(1), Duration.ofSeconds(1), 0, Duration.ofMinutes(10));
        assertTrue(b.failed(T0).giveUp());
    }

    @Test
    void nonsenseSettingsAreRefusedWithTheValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RestartBudget(Duration.ofSeconds(5), Duration.ofSeconds(1), 3, Duration.ofMinutes(1)));
        assertTrue(e.getMessage().contains("PT5S"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new RestartBudget(Duration.ofSeconds(1), Duration.ofSeconds(1), -1, Duration.ofMinutes(1)));
    }
}
