package org.hassette.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The WebSocket API over real sockets, checked against core's websocket_api behaviour. */
class WebSocketProtocolTest {

    static final Pattern ISO = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{6})?\\+00:00");
    static final Pattern ULID = Pattern.compile("[0-9A-HJKMNP-TV-Z]{26}");

    static HaSimulator sim;

    @BeforeAll
    static void start() {
        sim = HaSimulator.builder().token("secret").entities(40).build().start();
    }

    @AfterAll
    static void stop() {
        sim.stop();
        assertTrue(sim.liveThreads().isEmpty(), "threads left: " + sim.liveThreads());
    }

    @Test
    void authOkAnnouncesVersion() throws Exception {
        try (TestWsClient c = TestWsClient.connect(sim.port()).startReading()) {
            JsonNode req = c.next();
            assertEquals("auth_required", req.get("type").asText());
            assertEquals("2025.11.1", req.get("ha_version").asText());
            c.send("{\"type\":\"auth\",\"access_token\":\"secret\"}");
            JsonNode ok = c.next();
            assertEquals("auth_ok", ok.get("type").asText());
            assertEquals("2025.11.1", ok.get("ha_version").asText());
        }
    }

    @Test
    void wrongTokenGetsAuthInvalidAndClose() throws Exception {
        try (TestWsClient c = TestWsClient.connect(sim.port()).startReading()) {
            JsonNode r = c.auth("wrong");
            assertEquals("auth_invalid", r.get("type").asText());
            assertEquals("Invalid access token or password", r.get("message").asText());
            assertTrue(c.awaitClosed(TestWsClient.WAIT));
        }
    }

    @Test
    void malformedAuthMessageIsReported() throws Exception {
        try (TestWsClient c = TestWsClient.connect(sim.port()).startReading()) {
            c.next();
            c.send("{\"type\":\"auth\",\"token\":\"secret\"}");
            JsonNode r = c.next();
            assertEquals("auth_invalid", r.get("type").asText());
            assertTrue(r.get("message").asText().startsWith("Auth message incorrectly formatted: extra keys not allowed"),
                    r.toString());
            assertTrue(c.awaitClosed(TestWsClient.WAIT));
        }
    }

    @Test
    void idsMustIncrease() throws Exception {
        try (TestWsClient c = TestWsClient.ready(sim)) {
            c.send("{\"id\":10,\"type\":\"ping\"}");
            assertEquals("pong", c.await(10, "pong").get("type").asText());
            c.send("{\"id\":10,\"type\":\"ping\"}");
            JsonNode err = c.await(10, "result");
            assertFalse(err.get("success").asBoolean());
            assertEquals("id_reuse", err.at("/error/code").asText());
            assertEquals("Identifier values have to increase.", err.at("/error/message").asText());
            c.send("{\"id\":7,\"type\":\"ping\"}");
            assertEquals("id_reuse", c.await(7, "result").at("/error/code").asText());
            // gaps are fine
            c.send("{\"id\":25,\"type\":\"ping\"}");
            c.await(25, "pong");
        }
    }

    @Test
    void malformedEnvelopesGetInvalidFormatAndUnknownCommand() throws Exception {
        try (TestWsClient c = TestWsClient.ready(sim)) {
            c.send("{\"type\":\"ping\"}");
            JsonNode noId = c.next();
            assertTrue(noId.get("id").isNull());
            assertEquals("invalid_format", noId.at("/error/code").asText());
            assertEquals("Message incorrectly formatted.", noId.at("/error/message").asText());

            c.send("{\"id\":true,\"type\":\"ping\"}");
            JsonNode boolId = c.next();
            assertEquals("invalid_format", boolId.at("/error/code").asText());

            c.send("{\"id\":5}");
            assertEquals("invalid_format", c.next().at("/error/code").asText());

            c.send("[42]");
            JsonNode notObject = c.next();
            assertEquals(0, notObject.get("id").asInt());
            assertEquals("invalid_format", notObject.at("/error/code").asText());

            c.send("{\"id\":6,\"type\":\"no_such_command\"}");
            JsonNode unknown = c.await(6, "result");
            assertEquals("unknown_command", unknown.at("/error/code").asText());
            assertEquals("Unknown command.", unknown.at("/error/message").asText());

            // last_id is not advanced by rejected messages: 6 is still usable
            c.send("{\"id\":6,\"type\":\"ping\"}");
            c.await(6, "pong");

            c.send("{\"id\":8,\"type\":\"call_service\",\"service\":\"turn_on\"}");
            JsonNode schema = c.await(8, "result");
            assertEquals("invalid_format", schema.at("/error/code").asText());
            assertEquals("required key not provided @ data['domain']. Got None", schema.at("/error/message").asText());

            c.send("{\"id\":9,\"type\":\"get_states\",\"extra\":1}");
            assertEquals("extra keys not allowed @ data['extra']. Got 1", c.await(9, "result").at("/error/message").asText());
            // a failed handler still advances last_id
            c.send("{\"id\":9,\"type\":\"ping\"}");
            assertEquals("id_reuse", c.await(9, "result").at("/error/code").asText());
        }
    }

    @Test
    void invalidJsonEndsOnlyThatConnection() throws Exception {
        try (TestWsClient bad = TestWsClient.ready(sim); TestWsClient good = TestWsClient.ready(sim)) {
            bad.send("{not json");
            assertTrue(bad.awaitClosed(TestWsClient.WAIT), "core closes a connection that sends invalid JSON");
            JsonNode r = good.call("get_config", "{}");
            assertTrue(r.get("success").asBoolean());
        }
    }

    @Test
    void commandArraysAreHandledInOrder() throws Exception {
        try (TestWsClient c = TestWsClient.ready(sim)) {
            c.send("[{\"id\":5,\"type\":\"ping\"},{\"id\":6,\"type\":\"ping\"},{\"id\":6,\"type\":\"ping\"}]");
            assertEquals(5, c.next().get("id").asInt());
            assertEquals(6, c.next().get("id").asInt());
            assertEquals("id_reuse", c.next().at("/error/code").asText());
        }
    }

    @Test
    void pingIsAnsweredWithPong() throws Exception {
        try (TestWsClient c = TestWsClient.ready(sim)) {
            long id = c.sendCommand("ping", "{}");
            JsonNode pong = c.next();
            assertEquals(id, pong.get("id").asLong());
            assertEquals("pong", pong.get("type").asText());
            assertEquals(2, pong.size(), "a pong is not a result: " + pong);
        }
    }

    @Test
    void coalescedFramesAreArraysOfAtMost256() throws Exception {
        try (TestWsClient c = TestWsClient.connect(sim.port())) {
            // read nothing until the burst is queued, so the writer has many messages at once
            c.startReading();
            c.auth("secret");
            c.call("supported_features", "{\"features\":{\"coalesce_messages\":1}}");
            StringBuilder burst = new StringBuilder("[");
            for (int i = 0; i < 600; i++) {
                burst.append(i == 0 ? "" : ",").append("{\"id\":").append(100 + i).append(",\"type\":\"ping\"}");
            }
            c.send(burst.append("]").toString());
            int pongs = 0;
            int arrays = 0;
            while (pongs < 600) {
                TestWsClient.Frame f = c.nextFrame(TestWsClient.WAIT);
                assertNotNull(f, "pongs missing after " + pongs);
                JsonNode n = TestWsClient.JSON.readTree(f.text());
                if (n.isArray()) {
                    arrays++;
                    assertTrue(n.size() >= 2 && n.size() <= 256, "array of " + n.size());
                    for (JsonNode m : n) {
                        assertFalse(m.isArray(), "arrays are never nested");
                        assertEquals(100 + pongs++, m.get("id").asInt());
                    }
                } else {
                    assertEquals(100 + pongs++, n.get("id").asInt());
                }
            }
            assertTrue(arrays > 0, "a 600-message burst must coalesce");
        }
    }

    @Test
    void withoutCoalescingEveryMessageIsItsOwnFrame() throws Exception {
        try (TestWsClient c = TestWsClient.connect(sim.port()).startReading()) {
            c.auth("secret");
            StringBuilder burst = new StringBuilder("[");
            for (int i = 0; i < 50; i++) {
                burst.append(i == 0 ? "" : ",").append("{\"id\":").append(1 + i).append(",\"type\":\"ping\"}");
            }
            c.send(burst.append("]").toString());
            for (int i = 0; i < 50; i++) {
                JsonNode n = TestWsClient.JSON.readTree(c.nextFrame(TestWsClient.WAIT).text());
                assertTrue(n.isObject());
            }
        }
    }

    @Test
    void callServiceChangesStateAndFiresEventsWithTheCallsContext() throws Exception {
        try (TestWsClient c = TestWsClient.ready(sim)) {
            String light = "light.kitchen_light";
            sim.setState(light, "off", Map.of("supported_color_modes", List.of("brightness"), "color_mode",
                    "brightness", "brightness", 10, "friendly_name", "Kitchen Light", "supported_features", 32));
            long sub = c.sendCommand("subscribe_events", "{}");
            assertTrue(c.await(sub, "result").get("success").asBoolean());
            long call = c.sendCommand("call_service", "{\"domain\":\"light\",\"service\":\"turn_on\","
                    + "\"target\":{\"entity_id\":\"" + light + "\"},\"service_data\":{\"brightness\":200}}");
            JsonNode callEvent = c.await(sub, "event").get("event");
            assertEquals("call_service", callEvent.get("event_type").asText());
            assertEquals("light", callEvent.at("/data/domain").asText());
            assertEquals(light, callEvent.at("/data/service_data/entity_id/0").asText(), "target merged as a list");
            JsonNode changed = c.await(sub, "event").get("event");
            assertEquals("state_changed", changed.get("event_type").asText());
            assertEquals("off", changed.at("/data/old_state/state").asText());
            assertEquals("on", changed.at("/data/new_state/state").asText());
            assertEquals(200, changed.at("/data/new_state/attributes/brightness").asInt());
            JsonNode result = c.await(call, "result");
            assertTrue(result.get("success").asBoolean());
            String ctx = result.at("/result/context/id").asText();
            assertTrue(ULID.matcher(ctx).matches(), ctx);
            assertEquals(sim.userId(), result.at("/result/context/user_id").asText());
            assertEquals(ctx, changed.at("/context/id").asText(), "state_changed carries the call's context");
            assertEquals(ctx, changed.at("/data/new_state/context/id").asText());
            assertEquals(ctx, callEvent.at("/context/id").asText());
            assertEquals("on", sim.state(light).orElseThrow().state());

            long toggle = c.sendCommand("call_service", "{\"domain\":\"light\",\"service\":\"toggle\","
                    + "\"service_data\":{\"entity_id\":\"" + light + "\"}}");
            c.await(toggle, "result");
            assertEquals("off", sim.state(light).orElseThrow().state());
            assertTrue(sim.state(light).orElseThrow().attributes().get("brightness") == null);

            JsonNode missing = c.call("call_service", "{\"domain\":\"nope\",\"service\":\"nope\"}");
            assertEquals("not_found", missing.at("/error/code").asText());
            assertEquals("Service nope.nope not found.", missing.at("/error/message").asText());
            assertEquals("service_not_found", missing.at("/error/translation_key").asText());

            JsonNode tmpl = c.call("call_service", "{\"domain\":\"light\",\"service\":\"turn_on\","
                    + "\"target\":{\"entity_id\":\"{{ states('x') }}\"}}");
            assertEquals("invalid_format", tmpl.at("/error/code").asText());
        }
    }

    @Test
    void switchAndInputBooleanFollowServices() throws Exception {
        try (TestWsClient c = TestWsClient.ready(sim)) {
            sim.setState("switch.sim_plug", "off", Map.of("friendly_name", "Plug"));
            sim.setState("input_boolean.sim_guest", "on", Map.of("editable", true, "friendly_name", "Guest"));
            c.call("call_service", "{\"domain\":\"switch\",\"service\":\"turn_on\",\"target\":{\"entity_id\":[\"switch.sim_plug\"]}}");
            c.call("call_service", "{\"domain\":\"input_boolean\",\"service\":\"toggle\",\"target\":{\"entity_id\":\"input_boolean.sim_guest\"}}");
            assertEquals("on", sim.state("switch.sim_plug").orElseThrow().state());
            assertEquals("off", sim.state("input_boolean.sim_guest").orElseThrow().state());
            c.call("call_service", "{\"domain\":\"homeassistant\",\"service\":\"turn_off\",\"target\":{\"entity_id\":\"switch.sim_plug\"}}");
            assertEquals("off", sim.state("switch.sim_plug").orElseThrow().state());
        }
    }

    @Test
    void returnResponseRules() throws Exception {
        try (TestWsClient c = TestWsClient.ready(sim)) {
            JsonNode ok = c.call("call_service", "{\"domain\":\"weather\",\"service\":\"get_forecasts\","
                    + "\"target\":{\"entity_id\":\"weather.home\"},\"service_data\":{\"type\":\"daily\"},\"return_response\":true}");
            assertTrue(ok.get("success").asBoolean(), ok.toString());
            assertTrue(ok.at("/result/response/weather.home/forecast").isArray());
            assertTrue(ok.at("/result/context/id").isTextual());

            JsonNode lacks = c.call("call_service", "{\"domain\":\"weather\",\"service\":\"get_forecasts\","
                    + "\"target\":{\"entity_id\":\"weather.home\"}}");
            assertEquals("service_validation_error", lacks.at("/error/code").asText());
            assertEquals("service_lacks_response_request", lacks.at("/error/translation_key").asText());

            JsonNode none = c.call("call_service", "{\"domain\":\"light\",\"service\":\"turn_on\",\"return_response\":true}");
            assertEquals("service_validation_error", none.at("/error/code").asText());
            assertEquals("service_does_not_support_response", none.at("/error/translation_key").asText());
            assertTrue(none.at("/error/message").asText().startsWith("Validation error: "));
        }
    }

    @Test
    void subscribeWithEventTypeAndUnsubscribe() throws Exception {
        try (TestWsClient c = TestWsClient.ready(sim)) {
            long sub = c.sendCommand("subscribe_events", "{\"event_type\":\"sim_test_event\"}");
            c.await(sub, "result");
            sim.fireEvent("other_event", Map.of("x", 1));
            sim.fireEvent("sim_test_event", Map.of("x", 2));
            JsonNode ev = c.await(sub, "event");
            assertEquals("sim_test_event", ev.at("/event/event_type").asText());
            assertEquals(2, ev.at("/event/data/x").asInt());
            assertEquals("LOCAL", ev.at("/event/origin").asText());
            assertTrue(ISO.matcher(ev.at("/event/time_fired").asText()).matches());

            JsonNode un = c.call("unsubscribe_events", "{\"subscription\":" + sub + "}");
            assertTrue(un.get("success").asBoolean());
            assertTrue(un.get("result").isNull());
            sim.fireEvent("sim_test_event", Map.of("x", 3));
            long ping = c.sendCommand("ping", "{}");
            JsonNode next = c.next();
            assertEquals(ping, next.get("id").asLong(), "no event after unsubscribe: " + next);

            JsonNode again = c.call("unsubscribe_events", "{\"subscription\":" + sub + "}");
            assertEquals("not_found", again.at("/error/code").asText());
            assertEquals("Subscription not found.", again.at("/error/message").asText());
        }
    }

    @Test
    void fireEventReturnsContextAndReachesSubscribers() throws Exception {
        try (TestWsClient c = TestWsClient.ready(sim)) {
            long sub = c.sendCommand("subscribe_events", "{\"event_type\":\"sim_fired\"}");
            c.await(sub, "result");
            long fire = c.sendCommand("fire_event", "{\"event_type\":\"sim_fired\",\"event_data\":{\"a\":\"b\"}}");
            JsonNode ev = c.await(sub, "event");
            JsonNode res = c.await(fire, "result");
            assertEquals(res.at("/result/context/id").asText(), ev.at("/event/context/id").asText());
            assertEquals("b", ev.at("/event/data/a").asText());
        }
    }

    @Test
    void stateReportedIsNotDeliveredToMatchAllButLastReportedMoves() throws Exception {
        try (TestWsClient c = TestWsClient.ready(sim)) {
            sim.setState("sensor.sim_same", "5", Map.of("unit_of_measurement", "W"));
            EntityState before = sim.state("sensor.sim_same").orElseThrow();
            long all = c.sendCommand("subscribe_events", "{}");
            c.await(all, "result");
            long reported = c.sendCommand("subscribe_events", "{\"event_type\":\"state_reported\"}");
            c.await(reported, "result");
            sim.setState("sensor.sim_same", "5", Map.of("unit_of_measurement", "W"));
            // barrier: a ping sent after the write is answered after every message the write caused, so
            // everything before the pong is all it sent; a stray state_changed (or state_reported to "all") shows up here
            long barrier = c.sendCommand("ping", "{}");
            List<JsonNode> beforePong = new java.util.ArrayList<>();
            for (JsonNode m = c.next(); !(m.get("id").asLong() == barrier && "pong".equals(m.get("type").asText())); m = c.next()) {
                beforePong.add(m);
            }
            assertEquals(1, beforePong.size(), "exactly one message for a same-state write: " + beforePong);
            JsonNode ev = beforePong.get(0);
            assertEquals(reported, ev.get("id").asLong(), "only the explicit state_reported subscription: " + ev);
            assertEquals("state_reported", ev.at("/event/event_type").asText());
            assertTrue(ev.at("/event/data/old_last_reported").isTextual());
            EntityState after = sim.state("sensor.sim_same").orElseThrow();
            assertEquals(before.lastChanged(), after.lastChanged());
            assertEquals(before.lastUpdated(), after.lastUpdated());
            assertTrue(after.lastReported().isAfter(before.lastReported()));

            // same state, new attributes: last_changed kept, last_updated moves
            sim.setState("sensor.sim_same", "5", Map.of("unit_of_measurement", "kW"));
            JsonNode attrOnly = c.await(all, "event");
            assertEquals("state_changed", attrOnly.at("/event/event_type").asText());
            EntityState third = sim.state("sensor.sim_same").orElseThrow();
            assertEquals(before.lastChanged(), third.lastChanged());
            assertTrue(third.lastUpdated().isAfter(before.lastUpdated()));
            assertEquals(third.lastUpdated(), third.lastReported());
        }
    }

    @Test
    void subscribeEntitiesSendsCompressedSnapshotThenDiffs() throws Exception {
        try (TestWsClient c = TestWsClient.ready(sim)) {
            sim.setState("light.sim_diff", "off", Map.of("friendly_name", "Diff", "brightness", 1));
            long sub = c.sendCommand("subscribe_entities", "{\"entity_ids\":[\"light.sim_diff\",\"sensor.sim_new\"]}");
            assertTrue(c.await(sub, "result").get("success").asBoolean());
            JsonNode snap = c.await(sub, "event").get("event");
            JsonNode comp = snap.at("/a/light.sim_diff");
            assertEquals("off", comp.get("s").asText());
            assertEquals(1, comp.at("/a/brightness").asInt());
            assertTrue(comp.get("c").isTextual(), "context as bare id when parent and user are null");
            assertTrue(comp.get("lc").isDouble());
            assertFalse(comp.has("lu"), "lu omitted when equal to lc");
            assertEquals(1, snap.get("a").size(), "filtered by entity_ids");

            long call = c.sendCommand("call_service", "{\"domain\":\"light\",\"service\":\"turn_on\","
                    + "\"target\":{\"entity_id\":\"light.sim_diff\"},\"service_data\":{\"brightness\":9}}");
            JsonNode diff = c.await(sub, "event").get("event");
            c.await(call, "result");
            JsonNode plus = diff.at("/c/light.sim_diff/+");
            assertEquals("on", plus.get("s").asText());
            assertTrue(plus.has("lc"));
            assertFalse(plus.has("lu"), "lu not sent when lc changed");
            assertEquals(sim.userId(), plus.at("/c/user_id").asText(), "user changed: context as object");
            assertTrue(plus.at("/c/id").isTextual());
            assertEquals(9, plus.at("/a/brightness").asInt());

            // attribute removed, same state: lu, and "-"
            sim.setState("light.sim_diff", "on", Map.of("friendly_name", "Diff"));
            JsonNode removal = c.await(sub, "event").get("event").at("/c/light.sim_diff");
            assertTrue(removal.at("/+/lu").isDouble());
            assertFalse(removal.at("/+").has("s"));
            assertEquals("brightness", removal.at("/-/a/0").asText());

            sim.setState("sensor.sim_new", "1", Map.of());
            JsonNode added = c.await(sub, "event").get("event");
            assertEquals("1", added.at("/a/sensor.sim_new/s").asText());
            assertTrue(sim.removeEntity("sensor.sim_new"));
            JsonNode removed = c.await(sub, "event").get("event");
            assertEquals("sensor.sim_new", removed.at("/r/0").asText());
        }
    }

    @Test
    void subscribeTriggerFiresOnMatchingStateChange() throws Exception {
        try (TestWsClient c = TestWsClient.ready(sim)) {
            sim.setState("binary_sensor.sim_motion", "off", Map.of("device_class", "motion"));
            long sub = c.sendCommand("subscribe_trigger", "{\"trigger\":{\"platform\":\"state\","
                    + "\"entity_id\":\"binary_sensor.sim_motion\",\"to\":\"on\"},\"variables\":{\"who\":\"test\"}}");
            assertTrue(c.await(sub, "result").get("success").asBoolean());
            sim.setState("binary_sensor.sim_motion", "off", Map.of("device_class", "motion", "x", 1));
            sim.setState("binary_sensor.sim_motion", "on", Map.of("device_class", "motion"));
            JsonNode ev = c.await(sub, "event").get("event");
            JsonNode trig = ev.at("/variables/trigger");
            assertEquals("state", trig.get("platform").asText());
            assertEquals("0", trig.get("idx").asText());
            assertEquals("binary_sensor.sim_motion", trig.get("entity_id").asText());
            assertEquals("off", trig.at("/from_state/state").asText());
            assertEquals("on", trig.at("/to_state/state").asText());
            assertEquals("state of binary_sensor.sim_motion", trig.get("description").asText());
            assertEquals("test", ev.at("/variables/who").asText());
            assertEquals(trig.at("/to_state/context/id").asText(), ev.at("/context/id").asText());

            JsonNode bad = c.call("subscribe_trigger", "{\"trigger\":{\"platform\":\"nope\"}}");
            assertEquals("invalid_format", bad.at("/error/code").asText());
        }
    }

    @Test
    void renderTemplateStreamsResultsOnChange() throws Exception {
        try (TestWsClient c = TestWsClient.ready(sim)) {
            sim.setState("sensor.sim_temp", "20.5", Map.of("unit_of_measurement", "°C"));
            long sub = c.sendCommand("render_template", "{\"template\":\"{{ states('sensor.sim_temp') | float + 1 }}\"}");
            assertTrue(c.await(sub, "result").get("success").asBoolean());
            JsonNode first = c.await(sub, "event").get("event");
            assertEquals(21.5, first.get("result").asDouble());
            assertTrue(first.get("result").isDouble(), "native type, not a string");
            assertEquals("sensor.sim_temp", first.at("/listeners/entities/0").asText());
            assertFalse(first.at("/listeners/all").asBoolean());
            sim.setState("sensor.sim_temp", "21.5", Map.of("unit_of_measurement", "°C"));
            assertEquals(22.5, c.await(sub, "event").at("/event/result").asDouble());

            long text = c.sendCommand("render_template", "{\"template\":\"Hello {{ state_attr('sensor.sim_temp','unit_of_measurement') }}"
                    + " {{ is_state('sensor.sim_temp','21.5') }}\"}");
            c.await(text, "result");
            assertEquals("Hello °C True", c.await(text, "event").at("/event/result").asText());

            JsonNode err = c.call("render_template", "{\"template\":\"{{ states('x') \"}");
            assertEquals("template_error", err.at("/error/code").asText());
        }
    }

    @Test
    void undefinedVariableIsAWarningEventFollowedByTheResultOnlyWithReportErrors() throws Exception {
        try (TestWsClient c = TestWsClient.ready(sim)) {
            long sub = c.sendCommand("render_template", "{\"template\":\"a{{ nope }}b\",\"report_errors\":true}");
            assertTrue(c.await(sub, "result").get("success").asBoolean());
            JsonNode warning = c.await(sub, "event").get("event");
            assertEquals("WARNING", warning.get("level").asText(), warning.toString());
            assertEquals("Template variable warning: 'nope' is undefined when rendering 'a{{ nope }}b'", warning.get("error").asText());
            assertEquals(List.of("error", "level"), fieldNames(warning));
            assertEquals("ab", c.await(sub, "event").at("/event/result").asText(), "the result still comes, rendered with Undefined");

            long quiet = c.sendCommand("render_template", "{\"template\":\"a{{ nope }}b\"}");
            c.await(quiet, "result");
            JsonNode only = c.await(quiet, "event").get("event");
            assertEquals("ab", only.get("result").asText(), "without report_errors no warning event: " + only);
        }
    }

    @Test
    void getStatesConfigAndServicesHaveHaShapes() throws Exception {
        try (TestWsClient c = TestWsClient.ready(sim)) {
            JsonNode states = c.call("get_states", "{}").get("result");
            assertTrue(states.size() >= 42, "40 generated + sun.sun + zone.home");
            for (JsonNode s : states) {
                assertEquals(List.of("entity_id", "state", "attributes", "last_changed", "last_reported", "last_updated",
                        "context"), fieldNames(s));
                assertTrue(ISO.matcher(s.get("last_changed").asText()).matches(), s.toString());
                assertTrue(ULID.matcher(s.at("/context/id").asText()).matches());
            }
            JsonNode config = c.call("get_config", "{}").get("result");
            for (String k : List.of("latitude", "longitude", "elevation", "unit_system", "location_name", "time_zone",
                    "components", "version", "state", "config_dir")) {
                assertTrue(config.has(k), k);
            }
            assertEquals("RUNNING", config.get("state").asText());
            JsonNode services = c.call("get_services", "{}").get("result");
            assertTrue(services.at("/light/turn_on/fields").isObject());
            assertEquals("light", services.at("/light/turn_on/target/entity/0/domain/0").asText());
            assertFalse(services.at("/weather/get_forecasts/response/optional").asBoolean());
            assertTrue(sim.state("sun.sun").orElseThrow().attributes().containsKey("next_rising"));
        }
    }

    static List<String> fieldNames(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    @Test
    void jdkWebSocketClientInteroperates() throws Exception {
        LinkedBlockingQueue<String> messages = new LinkedBlockingQueue<>();
        WebSocket.Listener listener = new WebSocket.Listener() {
            private final StringBuilder buf = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                buf.append(data);
                if (last) {
                    messages.add(buf.toString());
                    buf.setLength(0);
                }
                ws.request(1);
                return null;
            }
        };
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create(sim.websocketUrl()), listener).get(5, TimeUnit.SECONDS);
        try {
            assertTrue(messages.poll(5, TimeUnit.SECONDS).contains("auth_required"));
            ws.sendText("{\"type\":\"auth\",\"access_token\":\"secret\"}", true).get(5, TimeUnit.SECONDS);
            assertTrue(messages.poll(5, TimeUnit.SECONDS).contains("auth_ok"));
            ws.sendText("{\"id\":1,\"type\":\"get_states\"}", true).get(5, TimeUnit.SECONDS);
            JsonNode r = TestWsClient.JSON.readTree(messages.poll(5, TimeUnit.SECONDS));
            assertTrue(r.get("success").asBoolean());
            CompletableFuture<WebSocket> closed = ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
            closed.get(5, TimeUnit.SECONDS);
        } finally {
            ws.abort();
        }
        assertNull(messages.poll(100, TimeUnit.MILLISECONDS));
    }
}
