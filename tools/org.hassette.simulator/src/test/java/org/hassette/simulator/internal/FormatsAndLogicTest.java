package org.hassette.simulator.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;

/** Python formats, the template subset, the sun, scenarios and the generated home. */
class FormatsAndLogicTest {

    @Test
    void floatsAreWrittenAsPythonRepr() {
        assertEquals("16.0", PyFloat.repr(16.0));
        assertEquals("98.34", PyFloat.repr(98.34));
        assertEquals("1763330292.44402", PyFloat.repr(1763330292.44402));
        assertEquals("10000000.0", PyFloat.repr(1e7));
        assertEquals("1e-05", PyFloat.repr(0.00001));
        assertEquals("1e+16", PyFloat.repr(1e16));
        assertEquals("-2.5", PyFloat.repr(-2.5));
        assertEquals("{\"a\":[1,2.0,null,true,\"é\\n\"]}", JsonOut.toJsonString(
                Map.of("a", java.util.Arrays.asList(1, 2.0, null, true, "é\n"))), "orjson: compact, UTF-8, escaped controls");
    }

    @Test
    void timestampsAreIsoformatWithMicros() {
        long t = OffsetDateTime.parse("2025-11-16T21:58:12.444020+00:00").toInstant().toEpochMilli() * 1000 + 20;
        assertEquals("2025-11-16T21:58:12.444020+00:00", PyTime.iso(t));
        assertEquals("2025-11-16T21:58:12+00:00", PyTime.iso(t - 444_020), "fraction dropped when zero");
        assertEquals(t, PyTime.parse("2025-11-16 21:58:12.444020 00:00", ZoneOffset.UTC), "'+' decoded to a space");
        assertEquals(t - 444_020, PyTime.parse("2025-11-16T22:58:12", ZoneOffset.ofHours(1)));
        assertEquals(null, PyTime.parse("yesterday", ZoneOffset.UTC));
    }

    @Test
    void ulidsAreCrockfordWithTimePrefix() {
        String u = Ulid.atMillis(0);
        assertTrue(u.startsWith("0000000000"));
        assertEquals(26, u.length());
        assertTrue(u.matches("[0-9A-HJKMNP-TV-Z]{26}"));
        assertTrue(Ulid.hexId().matches("[0-9a-f]{32}"));
    }

    private static Home home() {
        ScheduledExecutorService ses = Executors.newSingleThreadScheduledExecutor();
        ses.shutdown();
        return new Home(Clock.systemUTC(), new HomeConfig(), ses);
    }

    private static Object render(Home h, String template) {
        return Template.parseResult(Template.parse(template).render(h, Map.of("who", "Ann", "n", 3), new Template.Info()));
    }

    @Test
    void templateSubset() {
        Home h = home();
        h.setState("light.kitchen", "on", Map.of("brightness", 200, "friendly_name", "Kitchen"), false, null);
        h.setState("sensor.temp", "21.5", Map.of("unit_of_measurement", "°C"), false, null);
        assertEquals("on", render(h, "{{ states('light.kitchen') }}"));
        assertEquals("unknown", render(h, "{{ states('light.none') }}"));
        assertEquals(200L, render(h, "{{ state_attr('light.kitchen', 'brightness') }}"));
        assertEquals(true, render(h, "{{ is_state('light.kitchen', 'on') }}"));
        assertEquals(false, render(h, "{{ is_state('light.kitchen', ['off', 'unavailable']) }}"));
        assertEquals("plain text", render(h, "plain text"));
        assertEquals(22.5, render(h, "{{ states('sensor.temp') | float + 1 }}"));
        assertEquals(22L, render(h, "{{ (states('sensor.temp') | float) | round | int }}"));
        assertEquals("Kitchen is on", render(h, "{{ states.light.kitchen.name }} is {{ states.light.kitchen.state }}"));
        assertEquals("Hi Ann", render(h, "Hi {{ who }}"));
        assertEquals(6L, render(h, "{{ n * 2 }}"));
        assertEquals("yes", render(h, "{{ 'yes' if is_state('light.kitchen','on') and n > 2 else 'no' }}"));
        assertEquals(List.of(1L, 2L), render(h, "{{ [1, 2] }}"));
        assertEquals("0123", render(h, "{{ '0123' }}"), "leading zeros stay a string");
        assertEquals(5L, render(h, "{{ 'abc' | int(5) }}"));
        assertEquals("", render(h, "{{ undefined_name }}"));
        Template.Info info = new Template.Info();
        Template.parse("{{ states('sensor.temp') }}{{ now().hour }}").render(h, null, info);
        assertEquals(List.of("sensor.temp"), List.copyOf(info.entities));
        assertTrue(info.time);
        assertThrows(Template.TemplateError.class, () -> Template.parse("{% if x %}y{% endif %}"));
        assertThrows(Template.TemplateError.class, () -> Template.parse("{{ 1 | nofilter }}"));
        assertThrows(Template.TemplateError.class, () -> render(h, "{{ 'abc' | int }}"));
    }

    @Test
    void sunRisesAndSetsAtPlausibleTimes() {
        Sun amsterdam = new Sun(52.37, 4.89);
        long midnight = PyTime.toMicros(Instant.parse("2025-06-21T00:00:00Z"));
        Sun.Snapshot s = amsterdam.at(midnight);
        long rising = PyTime.toMicros(OffsetDateTime.parse((String) s.attributes.get("next_rising")).toInstant());
        long setting = PyTime.toMicros(OffsetDateTime.parse((String) s.attributes.get("next_setting")).toInstant());
        // published: sunrise 03:18 UTC, sunset 20:06 UTC on the solstice
        assertTrue(Math.abs(rising - PyTime.toMicros(Instant.parse("2025-06-21T03:18:00Z"))) < 5 * 60_000_000L,
                PyTime.iso(rising));
        assertTrue(Math.abs(setting - PyTime.toMicros(Instant.parse("2025-06-21T20:06:00Z"))) < 5 * 60_000_000L,
                PyTime.iso(setting));
        assertEquals("below_horizon", s.state);
        assertEquals("above_horizon", amsterdam.at(PyTime.toMicros(Instant.parse("2025-06-21T12:00:00Z"))).state);
        assertTrue(s.nextChange > midnight);
    }

    @Test
    void scenarioErrorsNameTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Scenario.parse(
                "{\"entities\":[{\"entity_id\":\"Light.X\",\"state\":\"on\"}]}".getBytes(StandardCharsets.UTF_8), "f.json"));
        assertTrue(e.getMessage().contains("entities[0].entity_id"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Scenario.parse(
                "{\"timeline\":[{\"at\":\"soon\",\"entity_id\":\"light.x\",\"state\":\"on\"}]}".getBytes(StandardCharsets.UTF_8), "f.json"));
        assertTrue(e.getMessage().contains("timeline[0].at"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Scenario.parse("{\"bogus\":1}".getBytes(StandardCharsets.UTF_8), "f.json"));
        assertTrue(e.getMessage().contains("unknown key 'bogus'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Scenario.parse("[".getBytes(StandardCharsets.UTF_8), "f.json"));
    }

    @Test
    void generatedHomeIsDeterministicAndValid() {
        List<HomeGenerator.Spec> a = HomeGenerator.generate(500);
        List<HomeGenerator.Spec> b = HomeGenerator.generate(500);
        assertEquals(500, a.size());
        assertEquals(500, a.stream().map(s -> s.entityId).distinct().count());
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).entityId, b.get(i).entityId);
            assertEquals(a.get(i).state, b.get(i).state);
            assertTrue(Values.isValidEntityId(a.get(i).entityId), a.get(i).entityId);
        }
        assertEquals("weather.home", a.get(0).entityId);
        assertFalse(HomeGenerator.generate(5).stream().anyMatch(s -> s.entityId.equals("weather.home")));
    }

    @Test
    void stateDiffFollowsCore() {
        Context c1 = new Context("01AAAAAAAAAAAAAAAAAAAAAAAA", null, null);
        Context c2 = new Context("01BBBBBBBBBBBBBBBBBBBBBBBB", null, "u");
        State old = new State("light.x", "on", Map.of("a", 1, "b", 2), 1_000_000, 1_000_000, 1_000_000, c1);
        State sameStateNewAttr = new State("light.x", "on", Map.of("a", 1.0, "c", 3), 1_000_000, 2_000_000, 2_000_000, c1);
        JsonOut o = new JsonOut();
        StateDiff.write(o, "light.x", old, sameStateNewAttr);
        assertEquals("{\"c\":{\"light.x\":{\"+\":{\"lu\":2.0,\"a\":{\"c\":3}},\"-\":{\"a\":[\"b\"]}}}}",
                new String(o.toBytes(), StandardCharsets.UTF_8), "1 == 1.0 is no change; b removed");
        State newUser = new State("light.x", "off", Map.of("a", 1), 3_000_000, 3_000_000, 3_000_000, c2);
        o = new JsonOut();
        StateDiff.write(o, "light.x", old, newUser);
        String diff = new String(o.toBytes(), StandardCharsets.UTF_8);
        assertTrue(diff.contains("\"s\":\"off\""), diff);
        assertTrue(diff.contains("\"lc\":3.0"), diff);
        assertFalse(diff.contains("\"lu\""), diff);
        assertTrue(diff.contains("\"c\":{\"user_id\":\"u\",\"id\":\"01BBBBBBBBBBBBBBBBBBBBBBBB\"}"), diff);
    }
}
