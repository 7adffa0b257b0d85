package org.hassette.example.motionlights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import org.hassette.testkit.AppTestKit;
import org.hassette.testkit.Configs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MotionLightsTest {
    /** Berlin, an evening in March: sunset about 18:00, sunrise about 06:40. */
    static final ZonedDateTime EVENING = ZonedDateTime.parse("2026-03-02T21:00+01:00[Europe/Berlin]");

    AppTestKit kit;

    @BeforeEach
    void home() {
        kit = AppTestKit.builder().startingAt(EVENING).location(52.52, 13.40).appId("app:motionlights~hall").haAppliesCalls().build();
        kit.setState("binary_sensor.hall_motion", "off");
        kit.setState("light.hall", "off");
        kit.setState("light.stairs", "off");
    }

    @AfterEach
    void close() {
        kit.close();
    }

    static MotionLights app(Map<String, ?> more) {
        Map<String, Object> config = new java.util.HashMap<>(Map.of("sensor", "binary_sensor.hall_motion",
                "lights", List.of("light.hall", "light.stairs"), "off.after.seconds", 120, "only.when.dark", true));
        config.putAll(more);
        return new MotionLights(Configs.of(MotionLights.Config.class, config));
    }

    @Test
    void motionAfterSunsetTurnsTheLightsOnAndQuietTurnsThemOff() {
        kit.start(app(Map.of()));
        kit.simulateStateChange("binary_sensor.hall_motion", "on");
        kit.ha().assertCalled("light", "turn_on", "light.hall");
        kit.ha().assertCalled("light", "turn_on", "light.stairs");

        kit.simulateStateChange("binary_sensor.hall_motion", "off");
        kit.advance(Duration.ofSeconds(119));
        kit.ha().assertNotCalled("light", "turn_off", null);
        kit.advance(Duration.ofSeconds(1));
        kit.ha().assertCalled("light", "turn_off", "light.hall");
        kit.ha().assertCalled("light", "turn_off", "light.stairs");
    }

    @Test
    void aRestartInTheQuietTimePlansTheRestOfIt() {
        kit.start(app(Map.of()));
        kit.simulateStateChange("binary_sensor.hall_motion", "on");
        kit.simulateStateChange("binary_sensor.hall_motion", "off");
        kit.advance(Duration.ofSeconds(30));
        // what the platform does while Home Assistant reconnects: the app stops, its pending off job goes with it
        kit.stop();
        kit.start(app(Map.of()));
        kit.advance(Duration.ofSeconds(89));
        kit.ha().assertNotCalled("light", "turn_off", null);
        kit.advance(Duration.ofSeconds(1));
        kit.ha().assertCalled("light", "turn_off", "light.hall");
        kit.ha().assertCalled("light", "turn_off", "light.stairs");
    }

    @Test
    void aRestartAfterTheQuietTimeTurnsTheLightsOffAtOnce() {
        kit.start(app(Map.of()));
        kit.simulateStateChange("binary_sensor.hall_motion", "on");
        kit.simulateStateChange("binary_sensor.hall_motion", "off");
        kit.advance(Duration.ofSeconds(10));
        kit.stop();
        kit.advance(Duration.ofMinutes(5)); // down longer than the quiet time
        kit.ha().assertNotCalled("light", "turn_off", null);
        kit.start(app(Map.of()));
        kit.advance(Duration.ZERO);
        kit.ha().assertCalled("light", "turn_off", "light.hall");
    }

    @Test
    void aStartWithTheLightsOffOrMotionOnPlansNothing() {
        kit.setState("binary_sensor.hall_motion", "on");
        kit.setState("light.hall", "on");
        kit.start(app(Map.of()));
        kit.advance(Duration.ofMinutes(10));
        kit.ha().assertNotCalled("light", "turn_off", null);
        assertEquals(List.of(), kit.scheduler().jobs(), "motion on: no off job");

        // the other half of the name: no motion, but every light already off
        kit.stop();
        kit.setState("binary_sensor.hall_motion", "off");
        kit.setState("light.hall", "off");
        kit.start(app(Map.of()));
        kit.advance(Duration.ofMinutes(10));
        kit.ha().assertNotCalled("light", "turn_off", null);
        assertEquals(List.of(), kit.scheduler().jobs(), "every light off: no off job");
    }

    @Test
    void motionComingBackCancelsTheOffJob() {
        kit.start(app(Map.of()));
        kit.simulateStateChange("binary_sensor.hall_motion", "on");
        kit.simulateStateChange("binary_sensor.hall_motion", "off");
        kit.advance(Duration.ofSeconds(90));
        kit.simulateStateChange("binary_sensor.hall_motion", "on");
        kit.advance(Duration.ofMinutes(10));
        kit.ha().assertNotCalled("light", "turn_off", null);
        kit.ha().assertCallCount("light", "turn_on", "light.hall", 2);
    }

    @Test
    void inDaylightMotionLeavesTheLightsAlone() {
        kit.start(app(Map.of()));
        kit.advanceTo(LocalTime.of(12, 0)); // next day, noon
        kit.simulateStateChange("binary_sensor.hall_motion", "on");
        kit.simulateStateChange("binary_sensor.hall_motion", "off");
        kit.advance(Duration.ofMinutes(5));
        kit.ha().assertNoCalls(); // not switched on, and lights that are off are not switched off again
        org.hassette.api.bus.InvocationRecord skipped = kit.invocations().stream()
                .filter(r -> r.listener().equals("app:motionlights~hall:motion-on")).reduce((a, b) -> b).orElseThrow();
        org.junit.jupiter.api.Assertions.assertEquals(org.hassette.api.bus.InvocationRecord.Outcome.SKIPPED, skipped.outcome());
        org.junit.jupiter.api.Assertions.assertTrue(skipped.detail().startsWith("dark: "), skipped.detail()); // the constraint that said no
        kit.advanceTo(LocalTime.of(19, 0)); // after sunset again
        kit.simulateStateChange("binary_sensor.hall_motion", "on");
        kit.ha().assertCalled("light", "turn_on", "light.hall");
    }

    @Test
    void withoutOnlyWhenDarkItWorksAllDay() {
        kit.start(new MotionLights(Configs.of(MotionLights.Config.class,
                Map.of("sensor", "binary_sensor.hall_motion", "lights", List.of("light.hall")))));
        kit.advanceTo(LocalTime.of(12, 0));
        kit.simulateStateChange("binary_sensor.hall_motion", "on");
        kit.ha().assertCalled("light", "turn_on", "light.hall");
    }

    @Test
    void aConfigurationWithoutLightsIsRefusedAtStart() {
        assertThrows(AssertionError.class, () -> kit.start(app(Map.of("lights", List.of()))));
    }
}
