package org.hassette.lifecycle.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The outage in the "ready again after …" line is in an operator's units. */
class OutageDurationTest {
    @Test
    void outagesAreShownInTheUnitsThatFitThem() {
        assertEquals("0 ms", CoreReadiness.human(Duration.ZERO));
        assertEquals("850 ms", CoreReadiness.human(Duration.ofMillis(850)));
        assertEquals("1.0 s", CoreReadiness.human(Duration.ofMillis(1000)));
        assertEquals("4.2 s", CoreReadiness.human(Duration.ofMillis(4230)));
        assertEquals("1 min 0 s", CoreReadiness.human(Duration.ofSeconds(60)));
        assertEquals("3 min 5 s", CoreReadiness.human(Duration.ofSeconds(185)));
        assertEquals("2 h 10 min", CoreReadiness.human(Duration.ofMinutes(130)));
    }
}
