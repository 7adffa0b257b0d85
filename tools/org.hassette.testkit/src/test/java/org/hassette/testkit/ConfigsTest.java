package org.hassette.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.DayOfWeek;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigsTest {
    @interface Config {
        String sensor();

        String[] lights();

        int off_after_seconds() default 120;

        double target__temp() default 20.5;

        boolean enabled() default true;

        DayOfWeek day() default DayOfWeek.MONDAY;

        long[] delays() default {1, 2};

        String with$_$dash() default "d";
    }

    @Test
    void propertiesAreNamedAsDeclarativeServicesNamesThem() {
        Config c = Configs.of(Config.class, Map.of("sensor", "binary_sensor.a", "lights", List.of("light.a", "light.b"),
                "off.after.seconds", "60", "target_temp", 21, "enabled", "false", "day", "FRIDAY", "delays", 5, "with-dash", "x"));
        assertEquals("binary_sensor.a", c.sensor());
        assertArrayEquals(new String[] {"light.a", "light.b"}, c.lights());
        assertEquals(60, c.off_after_seconds());
        assertEquals(21.0, c.target__temp());
        assertEquals(false, c.enabled());
        assertEquals(DayOfWeek.FRIDAY, c.day());
        assertArrayEquals(new long[] {5}, c.delays());
        assertEquals("x", c.with$_$dash());
        assertEquals(Config.class, ((java.lang.annotation.Annotation) c).annotationType());
    }

    @Test
    void missingPropertiesTakeTheDefaultsAndMethodNamesWorkAsKeys() {
        Config c = Configs.of(Config.class, Map.of("off_after_seconds", 30));
        assertEquals(30, c.off_after_seconds());
        assertNull(c.sensor());
        assertEquals(0, c.lights().length);
        assertEquals(20.5, c.target__temp());
        assertArrayEquals(new long[] {1, 2}, c.delays());
        assertTrue(c.toString().contains("off.after.seconds=30"), c.toString());
    }

    @Test
    void unknownKeysAndBadValuesAreRefusedWithTheirName() {
        IllegalArgumentException typo = assertThrows(IllegalArgumentException.class,
                () -> Configs.of(Config.class, Map.of("sensr", "x")));
        assertTrue(typo.getMessage().contains("'sensr'") && typo.getMessage().contains("sensor"), typo.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> Configs.of(Config.class, Map.of("off.after.seconds", "soon")));
        assertTrue(bad.getMessage().contains("off.after.seconds"), bad.getMessage());
    }
}
