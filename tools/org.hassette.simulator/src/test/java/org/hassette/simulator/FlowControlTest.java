package org.hassette.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** core's back-pressure rule: drop a client at MAX_PENDING_MSG, or after PENDING_MSG_PEAK_TIME above PENDING_MSG_PEAK. */
class FlowControlTest {

    private static final String BIG = "x".repeat(8_000);

    private static long onlyConnection(HaSimulator sim) throws InterruptedException {
        Await.until("one authenticated connection", Duration.ofSeconds(5),
                () -> sim.connections().size() == 1 && sim.connections().get(0).authenticated());
        return sim.connections().get(0).id();
    }

    @Test
    void clientThatNeverReadsIsDroppedAtMaxPending() throws Exception {
        try (HaSimulator sim = HaSimulator.builder().token("t").sendBufferSize(8192).build().start()) {
            try (RawStuckClient stuck = RawStuckClient.open(sim)) {
                long stuckId = onlyConnection(sim);
                int written = 0;
                while (sim.pending(stuckId) >= 0 && written < 20_000) {
                    sim.setState("sensor.flood", Integer.toString(written++), Map.of("pad", BIG));
                }
                assertEquals(-1, sim.pending(stuckId), "connection dropped");
                assertTrue(written >= 4096, "dropped only after 4096 pending, not at " + written);
                assertTrue(written < 20_000, "dropped before 20000 writes");
                assertTrue(stuck.awaitEnd(Duration.ofSeconds(5)), "socket closed by the server");
            }
        }
    }

    @Test
    void clientAbovePeakForPeakTimeIsDropped() throws Exception {
        try (HaSimulator sim = HaSimulator.builder().token("t").sendBufferSize(8192)
                .flowControl(4096, 100, Duration.ofMillis(300)).build().start();
                RawStuckClient stuck = RawStuckClient.open(sim)) {
            long id = onlyConnection(sim);
            for (int i = 0; sim.pending(id) >= 0 && sim.pending(id) <= 150; i++) {
                sim.setState("sensor.flood", Integer.toString(i), Map.of("pad", BIG));
            }
            assertTrue(sim.pending(id) > 100, "above the peak");
            assertTrue(sim.pending(id) < 4096);
            Await.until("drop after the peak time", Duration.ofSeconds(5), () -> sim.pending(id) == -1);
            assertTrue(stuck.awaitEnd(Duration.ofSeconds(5)));
        }
    }

    @Test
    void readingClientKeepsUpWithoutBeingDropped() throws Exception {
        try (HaSimulator sim = HaSimulator.builder().token("t").build().start();
                TestWsClient c = TestWsClient.ready(sim)) {
            long sub = c.sendCommand("subscribe_events", "{\"event_type\":\"state_changed\"}");
            c.await(sub, "result");
            for (int i = 0; i < 6000; i++) {
                sim.setState("sensor.fast", Integer.toString(i), Map.of());
            }
            int seen = 0;
            JsonNode n;
            while (seen < 6000 && (n = c.next(Duration.ofSeconds(5))) != null) {
                assertEquals(Integer.toString(seen), n.at("/event/data/new_state/state").asText());
                seen++;
            }
            assertEquals(6000, seen);
            assertEquals(1, sim.connectionCount());
        }
    }

    @Test
    void stalledServerQueuesButDoesNotDropAndThenFlushes() throws Exception {
        try (HaSimulator sim = HaSimulator.builder().token("t").flowControl(50, 20, Duration.ofMillis(100)).build().start();
                TestWsClient c = TestWsClient.ready(sim)) {
            long sub = c.sendCommand("subscribe_events", "{\"event_type\":\"state_changed\"}");
            c.await(sub, "result");
            long id = onlyConnection(sim);
            sim.stall(true);
            for (int i = 0; i < 80; i++) {
                sim.setState("sensor.stall", Integer.toString(i), Map.of());
            }
            long ping = c.sendCommand("ping", "{}");
            assertEquals(null, c.next(Duration.ofMillis(300)), "nothing is written while stalled");
            assertEquals(80, sim.pending(id));
            sim.stall(false);
            for (int i = 0; i < 80; i++) {
                assertEquals(Integer.toString(i), c.next().at("/event/data/new_state/state").asText());
            }
            c.await(ping, "pong");
        }
    }
}
