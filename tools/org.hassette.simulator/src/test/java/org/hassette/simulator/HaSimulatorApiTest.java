package org.hassette.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Java API tests use: lifecycle, faults, recorder, restart and the bench hook. */
class HaSimulatorApiTest {

    @Test
    void twoSimulatorsAreIndependentAndStopCleanly() throws Exception {
        HaSimulator a = HaSimulator.builder().token("a").entities(5).build().start();
        HaSimulator b = HaSimulator.builder().token("b").entities(100).build().start();
        try (TestWsClient ca = TestWsClient.ready(a); TestWsClient cb = TestWsClient.ready(b)) {
            assertNotEquals(a.port(), b.port());
            assertEquals(a.states().size() + 95, b.states().size());
            a.setState("light.only_a", "on", Map.of());
            assertTrue(b.state("light.only_a").isEmpty());
            for (Thread t : a.liveThreads()) {
                assertTrue(t.getName().startsWith("ha-sim-"), t.getName());
                assertTrue(t.isDaemon());
            }
        } finally {
            a.stop();
            b.stop();
        }
        assertTrue(a.liveThreads().isEmpty(), "threads left: " + a.liveThreads());
        assertTrue(b.liveThreads().isEmpty(), "threads left: " + b.liveThreads());
        assertThrows(IOException.class, () -> TestWsClient.connect(a.port()));
    }

    @Test
    void builderRejectsBadValues() {
        assertThrows(IllegalArgumentException.class, () -> HaSimulator.builder().port(70000));
        assertThrows(IllegalArgumentException.class, () -> HaSimulator.builder().token(""));
        assertThrows(IllegalArgumentException.class, () -> HaSimulator.builder().entities(-1));
        assertThrows(IllegalArgumentException.class, () -> HaSimulator.builder().scenarioJson("{\"entities\":[{\"state\":1}]}"));
        try (HaSimulator sim = HaSimulator.builder().build().start()) {
            assertThrows(IllegalArgumentException.class, () -> sim.setState("Bad Id", "x", Map.of()));
            assertThrows(IllegalArgumentException.class, () -> sim.setState("sensor.long", "x".repeat(256), Map.of()));
        }
    }

    @Test
    void recorderSeesCommandsAndRestCalls() throws Exception {
        try (HaSimulator sim = HaSimulator.builder().token("r").build().start(); TestWsClient c = TestWsClient.ready(sim)) {
            c.call("call_service", "{\"domain\":\"switch\",\"service\":\"turn_on\",\"target\":{\"entity_id\":\"switch.x\"}}");
            RecordedCommand call = sim.recorder().awaitCommand(r -> r.type().equals("call_service"), Duration.ofSeconds(5))
                    .orElseThrow();
            assertEquals("switch", call.field("domain"));
            assertEquals("ws", call.transport());
            assertTrue(call.json().contains("\"turn_on\""));
            RestApiTest.sim = sim;
            RestApiTest.send("GET", "/api/config", null, "r");
            assertEquals(1, sim.recorder().commands("GET /api/config").size());
            sim.recorder().clear();
            assertTrue(sim.recorder().commands().isEmpty());
        }
    }

    @Test
    void rejectAuthDelayAndDrop() throws Exception {
        try (HaSimulator sim = HaSimulator.builder().token("f").build().start()) {
            sim.rejectAuth(true);
            try (TestWsClient c = TestWsClient.connect(sim.port()).startReading()) {
                assertEquals("auth_invalid", c.auth("f").get("type").asText());
            }
            sim.rejectAuth(false);
            try (TestWsClient c = TestWsClient.ready(sim)) {
                sim.delayResponses(Duration.ofMillis(300));
                long t0 = System.nanoTime();
                long id = c.sendCommand("ping", "{}");
                c.await(id, "pong");
                assertTrue(System.nanoTime() - t0 >= 300_000_000L, "response delayed");
                sim.delayResponses(Duration.ZERO);
                assertEquals(1, sim.dropAllConnections());
                assertTrue(c.awaitClosed(TestWsClient.WAIT));
            }
        }
    }

    @Test
    void restartDropsConnectionsRestampsStatesAndCanRefuseConnections() throws Exception {
        try (HaSimulator sim = HaSimulator.builder().token("x").entities(3).build().start()) {
            EntityState before = sim.state("zone.home").orElseThrow();
            try (TestWsClient c = TestWsClient.ready(sim)) {
                sim.restart(Duration.ofSeconds(2)); // the refused connect below must come within it, even on a busy machine
                assertTrue(c.awaitClosed(TestWsClient.WAIT));
                assertThrows(IOException.class, () -> TestWsClient.connect(sim.port()), "refused while restarting");
            }
            EntityState after = sim.state("zone.home").orElseThrow();
            assertTrue(after.lastChanged().isAfter(before.lastChanged()));
            assertNotEquals(before.contextId(), after.contextId());
            Await.until("accepting again", Duration.ofSeconds(10), () -> {
                try (TestWsClient c = TestWsClient.ready(sim)) {
                    return true;
                } catch (Exception e) {
                    return false;
                }
            });
        }
    }

    @Test
    void authTimeoutHeartbeatAndMessageLimit() throws Exception {
        // the live client must authenticate within the auth timeout and answer each ping within half the
        // heartbeat: on a loaded machine its threads can wait far longer than 100 ms for a core
        try (HaSimulator sim = HaSimulator.builder().token("h").authTimeout(Duration.ofSeconds(1))
                .heartbeat(Duration.ofSeconds(1)).maxIncomingMessage(1024).build().start()) {
            try (TestWsClient silent = TestWsClient.connect(sim.port()).startReading()) {
                assertEquals("auth_required", silent.next().get("type").asText());
                assertTrue(silent.awaitClosed(TestWsClient.WAIT), "no auth within the timeout");
            }
            try (RawStuckClient deaf = RawStuckClient.open(sim); TestWsClient alive = TestWsClient.ready(sim)) {
                assertTrue(deaf.awaitEnd(Duration.ofSeconds(10)), "no pong: dropped by the heartbeat");
                // the live client answered the pings and is still there
                long id = alive.sendCommand("ping", "{}");
                alive.await(id, "pong");
                assertEquals(1, sim.connectionCount());
            }
        }
        // a simulator of its own, without the fast heartbeat that could end the connection first
        try (HaSimulator sim = HaSimulator.builder().token("h").maxIncomingMessage(1024).build().start()) {
            try (TestWsClient big = TestWsClient.ready(sim)) {
                big.send("{\"id\":5,\"type\":\"ping\",\"pad\":\"" + "x".repeat(2000) + "\"}");
                TestWsClient.Frame f;
                do {
                    f = big.nextFrame(TestWsClient.WAIT);
                } while (f != null && (f.opcode() == 0x1 || f.opcode() == 0x9)); // text and heartbeat pings may come first
                assertTrue(f != null && f.opcode() == 0x8, "closed for a too-big message");
            }
        }
    }

    @Test
    void benchStreamsEveryEventOnceInOrder() throws Exception {
        try (HaSimulator sim = HaSimulator.builder().token("b").build().start();
                TestWsClient c = TestWsClient.ready(sim);
                TestWsClient other = TestWsClient.ready(sim)) {
            long sub = c.sendCommand("subscribe_events", "{\"event_type\":\"state_changed\"}");
            c.await(sub, "result");
            long all = other.sendCommand("subscribe_events", "{}");
            other.await(all, "result");
            var future = sim.startBench(5000, 0);
            for (TestWsClient client : List.of(c, other)) {
                for (long seq = 0; seq < 5000; seq++) {
                    JsonNode ev = client.next();
                    assertEquals(seq, ev.at("/event/data/new_state/attributes/bench_seq").asLong());
                }
            }
            BenchResult r = future.get();
            assertEquals(2, r.subscriptions());
            assertEquals(10_000, r.delivered());
            assertTrue(r.eventsPerSecond() > 0);

            long t0 = System.nanoTime();
            BenchResult limited = sim.bench(400, 2000);
            assertTrue(System.nanoTime() - t0 >= 150_000_000L, "400 events at 2000/s take about 0.2 s");
            assertEquals(800, limited.delivered());
        }
    }

    @Test
    void scenarioTimelineAppliesTimedChanges() throws Exception {
        String scenario = "{\"location\":{\"latitude\":52.37,\"longitude\":4.89,\"time_zone\":\"Europe/Amsterdam\","
                + "\"location_name\":\"Canal House\"},"
                + "\"entities\":[{\"entity_id\":\"binary_sensor.hall_motion\",\"state\":\"off\","
                + "\"attributes\":{\"device_class\":\"motion\"}}],"
                + "\"services\":[{\"domain\":\"script\",\"service\":\"good_night\",\"response\":\"optional\","
                + "\"response_data\":{\"ok\":true}}],"
                + "\"timeline\":[{\"at\":0.2,\"entity_id\":\"binary_sensor.hall_motion\",\"state\":\"on\"},"
                + "{\"at\":\"PT0.3S\",\"event_type\":\"scenario_step\",\"event_data\":{\"n\":1}}]}";
        try (HaSimulator sim = HaSimulator.builder().token("s").scenarioJson(scenario).build().start();
                TestWsClient c = TestWsClient.ready(sim)) {
            assertEquals("Canal House", c.call("get_config", "{}").at("/result/location_name").asText());
            Await.until("timeline step", Duration.ofSeconds(5),
                    () -> "on".equals(sim.state("binary_sensor.hall_motion").orElseThrow().state()));
            assertEquals("motion", sim.state("binary_sensor.hall_motion").orElseThrow().attributes().get("device_class"));
            JsonNode r = c.call("call_service", "{\"domain\":\"script\",\"service\":\"good_night\",\"return_response\":true}");
            assertTrue(r.at("/result/response/ok").asBoolean());
        }
    }
}
