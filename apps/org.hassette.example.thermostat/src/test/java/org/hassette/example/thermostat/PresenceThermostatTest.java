package org.hassette.example.thermostat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.hassette.testkit.AppTestKit;
import org.hassette.testkit.Configs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PresenceThermostatTest {
    AppTestKit kit;

    @BeforeEach
    void home() {
        kit = AppTestKit.builder().haAppliesCalls().build();
        kit.setState("person.alice", "home", Map.of("friendly_name", "Alice"));
        kit.setState("person.bob", "home", Map.of("friendly_name", "Bob"));
        kit.setState("climate.living_room", "heat", Map.of("temperature", 21.0, "current_temperature", 20.5));
        kit.setState("sensor.living_room_temperature", "20.5");
    }

    @AfterEach
    void close() {
        kit.close();
    }

    static PresenceThermostat app(Map<String, ?> more) {
        Map<String, Object> config = new java.util.HashMap<>(Map.of("thermostat", "climate.living_room",
                "away.after.seconds", 600, "temperature.sensor", "sensor.living_room_temperature"));
        config.putAll(more);
        return new PresenceThermostat(Configs.of(PresenceThermostat.Config.class, config));
    }

    @Test
    void theLastOneLeavingTurnsTheHeatDownAfterTheGraceTime() {
        kit.start(app(Map.of()));
        kit.ha().assertNoCalls(); // already at 21
        kit.simulateStateChange("person.bob", "not_home");
        kit.simulateStateChange("person.alice", "not_home");
        kit.advance(Duration.ofSeconds(599));
        kit.ha().assertNoCalls();
        kit.advance(Duration.ofSeconds(1));
        kit.ha().assertCalled("climate", "set_temperature", "climate.living_room", Map.of("temperature", 16.0));
    }

    @Test
    void comingBackInTimeKeepsTheHeatAndArrivingRaisesIt() {
        kit.start(app(Map.of()));
        kit.simulateStateChange("person.bob", "not_home");
        kit.simulateStateChange("person.alice", "not_home");
        kit.advance(Duration.ofMinutes(5));
        kit.simulateStateChange("person.alice", "home");
        kit.advance(Duration.ofHours(1));
        kit.ha().assertNotCalled("climate", "set_temperature", null); // stayed at 21 the whole time

        kit.simulateStateChange("person.alice", "not_home");
        kit.advance(Duration.ofMinutes(10));
        kit.ha().assertCalled("climate", "set_temperature", "climate.living_room", Map.of("temperature", 16.0));
        kit.simulateStateChange("person.bob", "home");
        kit.ha().assertCalled("climate", "set_temperature", "climate.living_room", Map.of("temperature", 21.0));
        kit.ha().assertCallCount("climate", "set_temperature", null, 2);
    }

    @Test
    void onlyTheConfiguredPeopleCount() {
        kit.setState("person.guest", "home");
        kit.start(app(Map.of("people", List.of("person.alice"), "home.temperature", 22)));
        kit.ha().assertCalled("climate", "set_temperature", "climate.living_room", Map.of("temperature", 22));
        kit.simulateStateChange("person.alice", "not_home");
        kit.advance(Duration.ofMinutes(10));
        kit.ha().assertCalled("climate", "set_temperature", "climate.living_room", Map.of("temperature", 16.0));
    }

    @Test
    void anEmptyHomeAtStartGoesToAwayAfterTheGraceTime() {
        kit.setState("person.alice", "not_home");
        kit.setState("person.bob", "not_home");
        kit.start(app(Map.of("away.after.seconds", 60)));
        kit.advance(Duration.ofSeconds(60));
        kit.ha().assertCalled("climate", "set_temperature", "climate.living_room", Map.of("temperature", 16.0));
    }
}
