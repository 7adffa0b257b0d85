package org.hassette.bus.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class EntityMatcherTest {

    @Test
    void prefixGlobsMatchLikeTheirPatternWithoutARegex() {
        EntityMatcher m = new EntityMatcher(List.of("sensor.bench_*"));
        assertTrue(m.test("sensor.bench_0001"));
        assertTrue(m.test("sensor.bench_"));
        assertFalse(m.test("sensor.bench"));
        assertFalse(m.test("light.bench_1"));
        assertTrue(new EntityMatcher(List.of("*")).test("anything.at_all"));
    }

    @Test
    void otherGlobsIdsAndDomainsStillMatch() {
        EntityMatcher m = new EntityMatcher(List.of("light.*_lamp", "binary_sensor.door?", "switch", "fan.attic"));
        assertTrue(m.test("light.desk_lamp"));
        assertFalse(m.test("light.desk_lamps"));
        assertTrue(m.test("binary_sensor.door1"));
        assertFalse(m.test("binary_sensor.door12"));
        assertTrue(m.test("switch.kettle"));
        assertTrue(m.test("fan.attic"));
        assertFalse(m.test("fan.cellar"));
        assertFalse(new EntityMatcher(List.of("sensor.a?c*")).test("sensor.abd"));
        assertTrue(new EntityMatcher(List.of("sensor.a?c*")).test("sensor.abcd"));
    }
}
