package org.hassette.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Recorded Home Assistant 2025.11 event frames (Hassette's MIT test data, see
 * src/test/resources/ha-frames/README.md) against what the simulator emits for the same kind of
 * event: same keys in the same order, same value types, same timestamp and id formats.
 */
class GoldenFramesTest {

    private static final Pattern ISO_MICROS = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}\\+00:00");
    private static final Pattern ISO = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{6})?\\+00:00");
    private static final Pattern ULID = Pattern.compile("[0-9A-HJKMNP-TV-Z]{26}");
    private static final Pattern HEX32 = Pattern.compile("[0-9a-f]{32}");

    static List<JsonNode> frames(String name) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                GoldenFramesTest.class.getResourceAsStream("/ha-frames/" + name), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.isBlank()) {
                    out.add(TestWsClient.JSON.readTree(line));
                }
            }
        }
        return out;
    }

    /** The shape of a frame: ordered keys and value kinds; free-form maps (attributes, data) collapse to {…}. */
    static String shape(JsonNode n, String path) {
        if (n.isObject()) {
            if (path.endsWith("/attributes") || path.endsWith("/service_data")
                    || (path.equals("/event/data") && !n.has("new_state") && !n.has("domain"))) {
                return "{…}";
            }
            StringBuilder sb = new StringBuilder("{");
            Iterator<Map.Entry<String, JsonNode>> it = n.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                sb.append(e.getKey()).append(':').append(shape(e.getValue(), path + "/" + e.getKey()));
                if (it.hasNext()) {
                    sb.append(',');
                }
            }
            return sb.append('}').toString();
        }
        if (n.isArray()) {
            return "[" + (n.isEmpty() ? "" : shape(n.get(0), path + "/0")) + "]";
        }
        if (n.isTextual()) {
            if (path.endsWith("/state") || path.endsWith("/event_type") || path.endsWith("/entity_id")) {
                return "str";
            }
            String s = n.asText();
            if (ISO.matcher(s).matches()) {
                return "iso";
            }
            if (ULID.matcher(s).matches()) {
                return "ulid";
            }
            if (HEX32.matcher(s).matches()) {
                return "hex32";
            }
            return "str";
        }
        if (n.isNumber()) {
            return "num";
        }
        if (n.isBoolean()) {
            return "bool";
        }
        return "null";
    }

    @Test
    void recordedFramesUseMicrosecondTimestampsAndUlids() throws Exception {
        for (String file : List.of("state_change_events.jsonl", "other_events.jsonl")) {
            for (JsonNode f : frames(file)) {
                assertTrue(ISO_MICROS.matcher(f.at("/event/time_fired").asText()).matches());
                assertTrue(ULID.matcher(f.at("/event/context/id").asText()).matches());
            }
        }
    }

    /** Python isoformat: 6 fraction digits, or none when the fraction is 0 (never ".000000"); UTC as +00:00. */
    private static void assertPyIso(String ts, String where) {
        assertTrue(ISO.matcher(ts).matches() && !ts.contains(".000000+"), ts + " in " + where);
    }

    /**
     * The simulator's own frames follow the same formats as the recorded ones. Its clock is fixed
     * here (the simulator moves each new stamp on by at least a microsecond, as time passes in HA).
     */
    @Test
    void simulatorFramesUseMicrosecondTimestampsAndUlidsToo() throws Exception {
        for (String at : List.of("2025-11-16T21:58:12.444020Z", "2025-11-16T21:58:12Z")) {
            java.time.Clock clock = java.time.Clock.fixed(java.time.Instant.parse(at), java.time.ZoneOffset.UTC);
            try (HaSimulator sim = HaSimulator.builder().token("g").clock(clock).build().start(); TestWsClient c = TestWsClient.ready(sim)) {
                long sub = c.sendCommand("subscribe_events", "{}");
                c.await(sub, "result");
                sim.setState("light.golden_fmt", "on", Map.of());
                sim.setState("light.golden_fmt", "off", Map.of());
                sim.fireEvent("golden_event", Map.of("x", 1));
                for (int i = 0; i < 3; i++) {
                    JsonNode ev = c.await(sub, "event").get("event");
                    String fired = ev.get("time_fired").asText();
                    assertPyIso(fired, ev.toString());
                    assertTrue(fired.startsWith("2025-11-16T21:58:12"), fired);
                    assertTrue(ULID.matcher(ev.at("/context/id").asText()).matches(), ev.toString());
                    JsonNode ns = ev.at("/data/new_state");
                    if (!ns.isMissingNode()) {
                        for (String k : List.of("last_changed", "last_updated", "last_reported")) {
                            assertPyIso(ns.get(k).asText(), k + " of " + ev);
                        }
                        assertTrue(ULID.matcher(ns.at("/context/id").asText()).matches(), ev.toString());
                    }
                }
                JsonNode states = c.call("get_states", "{}").get("result");
                for (JsonNode st : states) {
                    for (String k : List.of("last_changed", "last_updated", "last_reported")) {
                        assertPyIso(st.get(k).asText(), st.toString());
                    }
                    assertTrue(ULID.matcher(st.at("/context/id").asText()).matches(), st.toString());
                }
            }
        }
    }

    @Test
    void stateChangedFramesMatchTheRecordedShapes() throws Exception {
        List<JsonNode> recorded = frames("state_change_events.jsonl");
        assertEquals(125, recorded.size());
        Set<String> simulated = new LinkedHashSet<>();
        try (HaSimulator sim = HaSimulator.builder().token("g").build().start(); TestWsClient c = TestWsClient.ready(sim)) {
            long sub = c.sendCommand("subscribe_events", "{\"event_type\":\"state_changed\"}");
            c.await(sub, "result");
            sim.setState("light.golden", "off", Map.of("friendly_name", "Golden")); // added, no user
            sim.setState("light.golden", "on", Map.of("friendly_name", "Golden")); // changed, no user
            c.call("call_service", "{\"domain\":\"light\",\"service\":\"turn_off\",\"target\":{\"entity_id\":\"light.golden\"}}");
            RestApiTest.sim = sim;
            RestApiTest.send("POST", "/api/states/sensor.golden_rest", "{\"state\":\"1\"}", "g"); // added by a user
            RestApiTest.send("DELETE", "/api/states/sensor.golden_rest", null, "g"); // removed by a user
            for (int i = 0; i < 5; i++) {
                JsonNode ev = c.await(sub, "event");
                simulated.add(shape(ev, ""));
                if (ev.at("/event/data/new_state").isNull()) {
                    continue;
                }
                assertTrue(ISO_MICROS.matcher(ev.at("/event/time_fired").asText()).matches()
                        || ISO.matcher(ev.at("/event/time_fired").asText()).matches());
                JsonNode ns = ev.at("/event/data/new_state");
                assertEquals(ns.get("last_updated").asText(), ns.get("last_reported").asText());
                assertEquals(ev.at("/event/context/id").asText(), ns.at("/context/id").asText());
                assertEquals(ev.at("/event/time_fired").asText(), ns.get("last_updated").asText(),
                        "time_fired is the state's timestamp");
                if (ev.at("/event/context/user_id").isNull()) {
                    // core: a write without a context gets Context(id=ulid_at_time(timestamp)); a service
                    // call's context is created earlier, when the call arrives
                    assertEquals(ev.at("/event/context/id").asText().substring(0, 10),
                            org.hassette.simulator.internal.Ulid.atMicros(micros(ns.get("last_updated").asText())).substring(0, 10),
                            "context ULID carries the state's time");
                }
            }
        }
        Set<String> recordedShapes = new LinkedHashSet<>();
        for (JsonNode f : recorded) {
            recordedShapes.add(shape(f, ""));
        }
        assertFalse(recordedShapes.isEmpty());
        for (String r : recordedShapes) {
            assertTrue(simulated.contains(r), "no simulated frame has the recorded shape\n  recorded: " + r
                    + "\n  simulated: " + String.join("\n             ", simulated));
        }
    }

    @Test
    void otherEventFramesMatchTheRecordedShapes() throws Exception {
        Set<String> recorded = new LinkedHashSet<>();
        for (JsonNode f : frames("other_events.jsonl")) {
            recorded.add(shape(f, ""));
        }
        Set<String> simulated = new LinkedHashSet<>();
        try (HaSimulator sim = HaSimulator.builder().token("g").build().start(); TestWsClient c = TestWsClient.ready(sim)) {
            long sub = c.sendCommand("subscribe_events", "{}");
            c.await(sub, "result");
            c.call("call_service", "{\"domain\":\"input_boolean\",\"service\":\"reload\"}");
            simulated.add(shape(c.await(sub, "event"), ""));
            sim.fireEvent("image_processing.detect_face", Map.of("name", "Hans", "age", 16.0));
            simulated.add(shape(c.await(sub, "event"), ""));
            c.call("fire_event", "{\"event_type\":\"automation_reloaded\"}");
            simulated.add(shape(c.await(sub, "event"), ""));
        }
        for (String r : recorded) {
            assertTrue(simulated.contains(r), "no simulated frame has the recorded shape\n  recorded: " + r
                    + "\n  simulated: " + String.join("\n             ", simulated));
        }
    }

    @Test
    void recordedUlidTimePrefixIsReproduced() {
        // 01KA7ASYPWZCHB1PKX3V8EJ9BT was created at 2025-11-16T21:58:12.444020+00:00
        assertEquals("01KA7ASYPW", org.hassette.simulator.internal.Ulid.atMicros(
                micros("2025-11-16T21:58:12.444020+00:00")).substring(0, 10));
    }

    static long micros(String iso) {
        java.time.Instant i = java.time.OffsetDateTime.parse(iso).toInstant();
        return i.getEpochSecond() * 1_000_000L + i.getNano() / 1000;
    }
}
