package org.hassette.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The /sim/ control API that standalone users and other processes drive the simulator with. */
class ControlApiTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static JsonNode post(HaSimulator sim, String path, String body) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(sim.url() + path))
                .header("Authorization", "Bearer " + sim.token())
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(r.statusCode() == 200 || r.statusCode() == 202, path + " -> " + r.statusCode() + " " + r.body());
        return TestWsClient.JSON.readTree(r.body());
    }

    private static JsonNode get(HaSimulator sim, String path) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(sim.url() + path))
                .header("Authorization", "Bearer " + sim.token()).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return TestWsClient.JSON.readTree(r.body());
    }

    @Test
    void failNextAnswersTheNextCommandOfThatTypeWithHasErrorShape() throws Exception {
        try (HaSimulator sim = HaSimulator.builder().token("ctl").build().start(); TestWsClient c = TestWsClient.ready(sim)) {
            JsonNode pending = post(sim, "/sim/fail_next", "{\"type\":\"call_service\",\"code\":\"home_assistant_error\","
                    + "\"message\":\"Device offline\"}");
            assertEquals("call_service:home_assistant_error", pending.at("/pending/0").asText());
            sim.failNext("call_service", "unauthorized", null);
            sim.failNext("get_config", "timeout", null);
            String call = "{\"domain\":\"light\",\"service\":\"turn_on\",\"target\":{\"entity_id\":\"light.x\"}}";
            JsonNode first = c.call("call_service", call);
            assertEquals("{\"code\":\"home_assistant_error\",\"message\":\"Device offline\"}", first.get("error").toString());
            assertFalse(first.get("success").asBoolean());
            assertEquals("{\"code\":\"unauthorized\",\"message\":\"Unauthorized\"}", c.call("call_service", call).get("error").toString());
            assertEquals("{\"code\":\"timeout\",\"message\":\"Timeout\"}", c.call("get_config", "{}").get("error").toString());
            assertTrue(c.call("call_service", call).get("success").asBoolean(), "used up: the next call is handled");
            // unknown service: core's not_found with the translation keys of ServiceNotFound
            assertEquals("{\"code\":\"not_found\",\"message\":\"Service nope.nope not found.\",\"translation_key\":\"service_not_found\","
                    + "\"translation_placeholders\":{\"domain\":\"nope\",\"service\":\"nope\"},\"translation_domain\":\"homeassistant\"}",
                    c.call("call_service", "{\"domain\":\"nope\",\"service\":\"nope\"}").get("error").toString());
            HttpResponse<String> bad = HTTP.send(HttpRequest.newBuilder(URI.create(sim.url() + "/sim/fail_next"))
                    .header("Authorization", "Bearer ctl").POST(HttpRequest.BodyPublishers.ofString("{\"code\":\"made_up\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(400, bad.statusCode());
            assertTrue(bad.body().contains("code must be one of"), bad.body());
        }
    }

    @Test
    void controlEndpointsDriveTheSimulator() throws Exception {
        try (HaSimulator sim = HaSimulator.builder().token("ctl").build().start(); TestWsClient c = TestWsClient.ready(sim)) {
            long sub = c.sendCommand("subscribe_events", "{\"event_type\":\"state_changed\"}");
            c.await(sub, "result");
            JsonNode status = get(sim, "/sim/status");
            assertEquals(1, status.get("connections").size());
            assertTrue(status.at("/connections/0/authenticated").asBoolean());
            assertTrue(status.at("/connections/0/coalescing").asBoolean());

            JsonNode st = post(sim, "/sim/states/light.ctl", "{\"state\":\"on\",\"attributes\":{\"brightness\":3}}");
            assertEquals("on", st.get("state").asText());
            assertEquals("light.ctl", c.await(sub, "event").at("/event/data/entity_id").asText());
            post(sim, "/sim/states/light.ctl", "{\"state\":\"on\",\"attributes\":{\"friendly_name\":\"C\"},\"merge\":true}");
            assertEquals(3, ((Number) sim.state("light.ctl").orElseThrow().attributes().get("brightness")).intValue());
            assertEquals("C", c.await(sub, "event").at("/event/data/new_state/attributes/friendly_name").asText());

            JsonNode cmds = get(sim, "/sim/commands");
            assertTrue(cmds.size() >= 3);
            assertEquals("auth", cmds.get(0).get("type").asText());
            assertEquals("***", cmds.get(0).at("/message/access_token").asText(), "token never recorded");

            post(sim, "/sim/reject_auth", "{\"enabled\":true}");
            try (TestWsClient rejected = TestWsClient.connect(sim.port()).startReading()) {
                assertEquals("auth_invalid", rejected.auth("ctl").get("type").asText());
            }
            post(sim, "/sim/reject_auth", "{\"enabled\":false}");

            JsonNode big = post(sim, "/sim/oversized", "{\"bytes\":300000}");
            assertTrue(big.get("frame_bytes").asInt() >= 300000);
            int longest = 0;
            for (int i = 0; i < 3 && longest < 290000; i++) {
                JsonNode ev = c.await(sub, "event");
                longest = ev.at("/event/data/new_state/attributes/payload").asText().length();
            }
            assertTrue(longest > 290000, "the oversized state reaches subscribers");

            JsonNode dropped = post(sim, "/sim/drop", "{}");
            assertEquals(1, dropped.get("dropped").asInt());
            assertTrue(c.awaitClosed(TestWsClient.WAIT));
            Await.until("connection gone", Duration.ofSeconds(5), () -> sim.connectionCount() == 0);
        }
    }

    @Test
    void benchOverRestStreamsStampedEvents() throws Exception {
        try (HaSimulator sim = HaSimulator.builder().token("ctl").build().start(); TestWsClient c = TestWsClient.ready(sim)) {
            long sub = c.sendCommand("subscribe_events", "{\"event_type\":\"state_changed\"}");
            c.await(sub, "result");
            JsonNode started = post(sim, "/sim/bench", "{\"count\":3000,\"entities\":10}");
            assertFalse(started.get("error").isTextual());
            for (int seq = 0; seq < 3000; seq++) {
                JsonNode ev = c.await(sub, "event");
                JsonNode attrs = ev.at("/event/data/new_state/attributes");
                assertEquals(seq, attrs.get("bench_seq").asLong(), "in order, no loss, no duplicates");
                assertTrue(attrs.get("bench_sent_us").asLong() > 1_600_000_000_000_000L);
                assertTrue(attrs.has("bench_sent_ns"));
            }
            Await.until("bench done", Duration.ofSeconds(5), () -> {
                try {
                    return get(sim, "/sim/bench").get("done").asBoolean();
                } catch (Exception e) {
                    return false;
                }
            });
            JsonNode done = get(sim, "/sim/bench");
            assertEquals(3000, done.get("delivered").asLong());
            assertTrue(done.get("event_bytes").asInt() > 900, "about 1 KB per event: " + done);
        }
    }
}
