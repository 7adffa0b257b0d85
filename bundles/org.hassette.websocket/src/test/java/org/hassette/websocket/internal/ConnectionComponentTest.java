package org.hassette.websocket.internal;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.hassette.api.ha.HomeAssistantConnection;
import org.hassette.api.lifecycle.ResourceProperties;
import org.hassette.api.lifecycle.ResourceStatusService;
import org.hassette.simulator.HaSimulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The connection component itself (its connection thread and readiness), outside OSGi. */
class ConnectionComponentTest {
    private static final String TOKEN = "component-test-token-5b1d";

    @TempDir
    Path tmp;

    private HomeAssistantWebsocket start(FakeContext fake, HaSimulator sim, Map<String, Object> extra) throws Exception {
        Path token = Files.writeString(tmp.resolve("token"), TOKEN + "\n");
        Map<String, Object> c = new HashMap<>();
        c.put("url", sim.url());
        c.put("token_file", token.toString());
        c.put("reconnect_base_ms", 50L);
        c.put("reconnect_max_ms", 200L);
        c.putAll(extra);
        return new HomeAssistantWebsocket(fake.context, FakeContext.config(HomeAssistantWebsocket.Config.class, c));
    }

    private static long generation(FakeContext.Registered r) {
        return ((Number) r.properties.get("hassette.ha.generation")).longValue();
    }

    /**
     * An Error on the connection thread (here thrown on the reader while it hands a batch over; in
     * life an OutOfMemoryError or StackOverflowError while parsing) ends the session, withdraws the
     * connection with the reason, and the thread reconnects: the component does not stay registered
     * with a dead reader.
     */
    @Test
    void anErrorOnTheReaderWithdrawsTheConnectionWithItsReasonAndItReconnects() throws Exception {
        FakeContext fake = new FakeContext();
        try (HaSimulator sim = HaSimulator.builder().token(TOKEN).entities(3).build().start()) {
            HomeAssistantWebsocket ws = start(fake, sim, Map.of());
            try {
                Await.until("connected", () -> fake.live(HomeAssistantConnection.class).size() == 1);
                FakeContext.Registered first = fake.live(HomeAssistantConnection.class).get(0);
                assertEquals(1, generation(first));
                AtomicBoolean thrown = new AtomicBoolean();
                ws.readerHook = batch -> {
                    if (batch.stream().anyMatch(e -> e.eventType().equals("boom")) && thrown.compareAndSet(false, true)) {
                        throw new StackOverflowError("injected while parsing");
                    }
                };
                sim.fireEvent("boom", Map.of());
                Await.until("the first connection withdrawn", () -> first.unregistered);
                Await.until("reconnected with generation 2", () -> fake.live(HomeAssistantConnection.class).stream()
                        .anyMatch(r -> generation(r) == 2));
                FakeContext.Registered status = fake.live(ResourceStatusService.class).get(0);
                assertTrue(status.history.stream().anyMatch(p -> Boolean.FALSE.equals(p.get(ResourceProperties.READY))
                        && String.valueOf(p.get(ResourceProperties.REASON)).contains("StackOverflowError: injected while parsing")),
                        "not ready with the Error as reason: " + status.history);
                assertEquals(Boolean.TRUE, status.properties.get(ResourceProperties.READY));

                // the new session reads: events reach listeners again
                List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
                HomeAssistantConnection c = (HomeAssistantConnection) fake.live(HomeAssistantConnection.class).get(0).service;
                c.onEvent("after", e -> seen.add(e.eventType()));
                sim.fireEvent("after", Map.of());
                Await.until("an event after the recovery", () -> seen.contains("after"));
            } finally {
                ws.deactivate();
            }
        }
    }
}
