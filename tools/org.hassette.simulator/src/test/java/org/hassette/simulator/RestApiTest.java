package org.hassette.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** HA's REST API (components/api, history) with Bearer auth. */
class RestApiTest {

    static HaSimulator sim;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        sim = HaSimulator.builder().token("rest-token").entities(25).build().start();
    }

    @AfterAll
    static void stop() {
        sim.stop();
    }

    static HttpResponse<String> send(String method, String path, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(sim.url() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> send(String method, String path, String body) throws Exception {
        return send(method, path, body, "rest-token");
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return TestWsClient.JSON.readTree(r.body());
    }

    @Test
    void tokenIsRequired() throws Exception {
        for (String path : new String[] {"/api/", "/api/states", "/api/config", "/sim/status"}) {
            HttpResponse<String> none = send("GET", path, null, null);
            assertEquals(401, none.statusCode(), path);
            assertEquals("401: Unauthorized", none.body());
            assertEquals(401, send("GET", path, null, "bad").statusCode(), path);
        }
        HttpResponse<String> ok = send("GET", "/api/", null);
        assertEquals(200, ok.statusCode());
        assertEquals("API running.", json(ok).get("message").asText());
        assertTrue(ok.headers().firstValue("content-type").orElse("").startsWith("application/json"));
    }

    @Test
    void configAndStates() throws Exception {
        JsonNode config = json(send("GET", "/api/config", null));
        assertEquals("2025.11.1", config.get("version").asText());
        JsonNode states = json(send("GET", "/api/states", null));
        assertEquals(sim.states().size(), states.size());
        HttpResponse<String> one = send("GET", "/api/states/sun.sun", null);
        assertEquals(200, one.statusCode());
        assertEquals("sun.sun", json(one).get("entity_id").asText());
        HttpResponse<String> missing = send("GET", "/api/states/light.nope", null);
        assertEquals(404, missing.statusCode());
        assertEquals("Entity not found.", json(missing).get("message").asText());
    }

    @Test
    void postStateCreatesThenUpdatesAndReplacesAttributes() throws Exception {
        HttpResponse<String> created = send("POST", "/api/states/sensor.rest_made", "{\"state\":\"1\",\"attributes\":{\"a\":1}}");
        assertEquals(201, created.statusCode());
        assertEquals("/api/states/sensor.rest_made", created.headers().firstValue("location").orElse(""));
        HttpResponse<String> updated = send("POST", "/api/states/sensor.rest_made", "{\"state\":\"2\",\"attributes\":{\"b\":2}}");
        assertEquals(200, updated.statusCode());
        JsonNode s = json(updated);
        assertEquals("2", s.get("state").asText());
        assertTrue(s.at("/attributes/a").isMissingNode(), "attributes are replaced, not merged");
        assertEquals(sim.userId(), s.at("/context/user_id").asText());
        assertEquals(400, send("POST", "/api/states/sensor.rest_made", "{\"attributes\":{}}").statusCode());
        assertEquals("No state specified.", json(send("POST", "/api/states/sensor.rest_made", "{}")).get("message").asText());
        assertEquals(400, send("POST", "/api/states/Not_Valid", "{\"state\":\"1\"}").statusCode());
        assertEquals(200, send("DELETE", "/api/states/sensor.rest_made", null).statusCode());
        assertTrue(sim.state("sensor.rest_made").isEmpty());
    }

    @Test
    void servicesListAndCall() throws Exception {
        JsonNode list = json(send("GET", "/api/services", null));
        boolean light = false;
        for (JsonNode d : list) {
            if (d.get("domain").asText().equals("light")) {
                light = d.at("/services/turn_on").isObject();
            }
        }
        assertTrue(light);
        sim.setState("switch.rest_plug", "off", Map.of("friendly_name", "Plug"));
        HttpResponse<String> call = send("POST", "/api/services/switch/turn_on", "{\"entity_id\":\"switch.rest_plug\"}");
        assertEquals(200, call.statusCode());
        JsonNode changed = json(call);
        assertEquals(1, changed.size());
        assertEquals("on", changed.get(0).get("state").asText());
        assertEquals("on", sim.state("switch.rest_plug").orElseThrow().state());

        HttpResponse<String> resp = send("POST", "/api/services/weather/get_forecasts?return_response",
                "{\"entity_id\":\"weather.home\",\"type\":\"daily\"}");
        assertEquals(200, resp.statusCode());
        assertTrue(json(resp).at("/service_response/weather.home/forecast").isArray());
        assertTrue(json(resp).get("changed_states").isArray());
        assertEquals(400, send("POST", "/api/services/weather/get_forecasts", "{\"entity_id\":\"weather.home\"}").statusCode());
        assertEquals(400, send("POST", "/api/services/switch/turn_on?return_response", "{}").statusCode());
        assertEquals(400, send("POST", "/api/services/nope/nope", "{}").statusCode());
    }

    @Test
    void eventsTemplateAndHistory() throws Exception {
        HttpResponse<String> fired = send("POST", "/api/events/rest_event", "{\"k\":1}");
        assertEquals(200, fired.statusCode());
        assertEquals("Event rest_event fired.", json(fired).get("message").asText());
        assertEquals(400, send("POST", "/api/events/rest_event", "[1]").statusCode());
        assertTrue(json(send("GET", "/api/events", null)).isArray());

        sim.setState("sensor.rest_temp", "19.5", Map.of("unit_of_measurement", "°C"));
        HttpResponse<String> t = send("POST", "/api/template", "{\"template\":\"{{ states('sensor.rest_temp') }} {{ 2 * 3 }}\"}");
        assertEquals(200, t.statusCode());
        assertEquals("19.5 6", t.body());
        assertTrue(t.headers().firstValue("content-type").orElse("").startsWith("text/plain"));
        HttpResponse<String> bad = send("POST", "/api/template", "{\"template\":\"{{ nope(\"}");
        assertEquals(400, bad.statusCode());
        assertTrue(json(bad).get("message").asText().startsWith("Error rendering template: "));

        sim.setState("sensor.rest_temp", "20.0", Map.of("unit_of_measurement", "°C"));
        sim.setState("sensor.rest_temp", "20.0", Map.of("unit_of_measurement", "°F"));
        sim.setState("sensor.rest_temp", "21.0", Map.of("unit_of_measurement", "°F"));
        HttpResponse<String> h = send("GET", "/api/history/period?filter_entity_id=sensor.rest_temp", null);
        assertEquals(200, h.statusCode(), h.body());
        JsonNode rows = json(h).get(0);
        assertEquals(3, rows.size(), "attribute-only change is not significant: " + rows);
        assertEquals("21.0", rows.get(2).get("state").asText());
        JsonNode all = json(send("GET", "/api/history/period?filter_entity_id=sensor.rest_temp&significant_changes_only=0", null)).get(0);
        assertEquals(4, all.size());
        JsonNode minimal = json(send("GET", "/api/history/period?filter_entity_id=sensor.rest_temp&minimal_response", null)).get(0);
        assertEquals(2, minimal.get(1).size(), "middle rows are {state, last_changed}");
        assertEquals(400, send("GET", "/api/history/period", null).statusCode());
        assertEquals(400, send("GET", "/api/history/period/not-a-date?filter_entity_id=sun.sun", null).statusCode());
        assertEquals("[]", send("GET", "/api/history/period/2999-01-01T00:00:00+00:00?filter_entity_id=sun.sun", null).body());
    }
}
