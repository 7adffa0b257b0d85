package org.hassette.bus.internal;

import static org.hassette.api.bus.Conditions.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Map;
import org.hassette.api.bus.Condition;
import org.hassette.api.bus.StateChange;
import org.hassette.api.ha.EntityState;
import org.junit.jupiter.api.Test;

class ConditionsTest {

    private static StateChange sc(String from, String to) {
        return new StateChange("sensor.t", new EntityState("sensor.t", from, Map.of(), null, null, null),
                new EntityState("sensor.t", to, Map.of(), null, null, null));
    }

    @Test
    void numericComparisonsCoerceNumericStringsAndRejectTheRest() throws Exception {
        assertTrue(greaterThan(20).test("21.5"));
        assertFalse(greaterThan(20).test("20"));
        assertTrue(atLeast(20).test(20L));
        assertTrue(lessThan(0).test(" -3 "));
        assertFalse(lessThan(100).test("unavailable"));
        assertFalse(atMost(100).test(null));
        assertTrue(between(1, 3).test("3"));
        assertTrue(equalTo(20).test("20.0"));
        assertTrue(equalTo("on").test("on"));
        assertFalse(equalTo("on").test("off"));
    }

    @Test
    void textConditions() throws Exception {
        assertTrue(glob("light.*kitchen*").test("light.big_kitchen_lamp"));
        assertFalse(glob("light.?").test("light.ab"));
        assertTrue(literalOrGlob("a.b").test("a.b"));
        assertFalse(literalOrGlob("a.b").test("aXb"));
        assertTrue(regex("^\\d+$").test("42"));
        assertTrue(contains("kitchen").test("light.kitchen"));
        assertTrue(contains("x").test(List.of("x", "y")));
        assertTrue(isIn("on", "off").test("off"));
        assertTrue(isNull().test(null));
        assertTrue(notNull().test(""));
    }

    @Test
    void compositionShortCircuitsAndNegates() throws Exception {
        Condition<Object> boom = v -> {
            throw new IllegalStateException("must not be evaluated");
        };
        assertFalse(greaterThan(5).and(boom).test("1"));
        assertTrue(greaterThan(5).or(boom).test("6"));
        assertTrue(not(equalTo("on")).test("off"));
        assertTrue(Conditions_allOf());
        assertThrows(IllegalStateException.class, () -> boom.test(1));
    }

    private static boolean Conditions_allOf() throws Exception {
        return allOf(greaterThan(1), lessThan(3)).test("2") && anyOf(equalTo("a"), equalTo("b")).test("b")
                && !allOf(greaterThan(1), lessThan(3)).test("5");
    }

    @Test
    void increasedAndDecreasedCompareOldAndNewNumbers() throws Exception {
        assertTrue(increased().test(sc("1", "2")));
        assertFalse(increased().test(sc("2", "2")));
        assertTrue(decreased().test(sc("2", "1.5")));
        assertFalse(decreased().test(sc("unknown", "1")));
        assertTrue(newValue(equalTo("2")).and(oldValue(equalTo("1"))).test(sc("1", "2")));
    }

    @Test
    void pathDescendsIntoMaps() {
        Map<String, Object> data = Map.of("service_data", Map.of("entity_id", "light.a"));
        assertEquals("light.a", path(data, "service_data.entity_id"));
        assertNull(path(data, "service_data.missing.deeper"));
    }
}
