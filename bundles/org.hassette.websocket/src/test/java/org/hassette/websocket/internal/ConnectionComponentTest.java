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
                // the status service is updated right after the new connection is registered, not with it
                Await.until("the status says ready again", () -> Boolean.TRUE.equals(status.properties.get(ResourceProperties.READY)));

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

    /**
     * A command without an answer is a sign of a stalled connection: it pings at once, so the stall is
     * found within the ping timeout and the connection comes back, instead of only at the next heartbeat
     * (here ten minutes away).
     */
    @Test
    void aCommandThatTimesOutPingsAtOnceAndAStalledConnectionIsReplaced() throws Exception {
        FakeContext fake = new FakeContext();
        try (HaSimulator sim = HaSimulator.builder().token(TOKEN).entities(3).build().start()) {
            HomeAssistantWebsocket ws = start(fake, sim, Map.of("heartbeat_interval_seconds", 600, "heartbeat_timeout_seconds", 1));
            try {
                Await.until("connected", () -> fake.live(HomeAssistantConnection.class).size() == 1);
                FakeContext.Registered first = fake.live(HomeAssistantConnection.class).get(0);
                HomeAssistantConnection c = (HomeAssistantConnection) first.service;
                sim.stall(true);
                java.util.concurrent.ExecutionException timedOut = assertThrows(java.util.concurrent.ExecutionException.class,
                        () -> c.send("get_config", Map.of(), java.time.Duration.ofMillis(300)).get(10, java.util.concurrent.TimeUnit.SECONDS));
                assertTrue(timedOut.getCause() instanceof org.hassette.api.ha.HomeAssistantException, String.valueOf(timedOut.getCause()));
                Await.until("the stalled connection withdrawn by the probe ping", () -> first.unregistered);
                FakeContext.Registered status = fake.live(ResourceStatusService.class).get(0);
                assertTrue(status.history.stream().anyMatch(p -> String.valueOf(p.get(ResourceProperties.REASON)).contains("no pong within 1 s")),
                        "the reason names the heartbeat: " + status.history);
                sim.stall(false);
                Await.until("reconnected with generation 2", () -> fake.live(HomeAssistantConnection.class).stream()
                        .anyMatch(r -> generation(r) == 2));
            } finally {
                ws.deactivate();
            }
        }
    }

    /**
     * Events of subscribing commands go through the same bounded queue as the all-events batches:
     * while a listener blocks the dispatcher, both kinds are dropped and counted instead of piling up.
     */
    @Test
    void subscriptionEventsAreBoundedAndCountedLikeAllOtherEvents() throws Exception {
        FakeContext fake = new FakeContext();
        try (HaSimulator sim = HaSimulator.builder().token(TOKEN).build().start()) {
            HomeAssistantWebsocket ws = start(fake, sim, Map.of("dispatch_queue_events", 256));
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch blocked = new java.util.concurrent.CountDownLatch(1);
            try {
                Await.until("connected", () -> fake.live(HomeAssistantConnection.class).size() == 1);
                HomeAssistantConnection c = (HomeAssistantConnection) fake.live(HomeAssistantConnection.class).get(0).service;
                java.util.concurrent.atomic.AtomicLong typed = new java.util.concurrent.atomic.AtomicLong();
                c.subscribe("subscribe_events", Map.of("event_type", "typed"), e -> typed.incrementAndGet(), null)
                        .get(10, java.util.concurrent.TimeUnit.SECONDS);
                c.onEvent("block", e -> {
                    blocked.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException ignored) {
                        Thread.currentThread().interrupt();
                    }
                });
                java.util.concurrent.atomic.AtomicLong notices = new java.util.concurrent.atomic.AtomicLong();
                c.onEventsDropped(notices::incrementAndGet);
                sim.fireEvent("block", Map.of());
                assertTrue(blocked.await(30, java.util.concurrent.TimeUnit.SECONDS), "the dispatcher is blocked");
                int n = 2000;
                for (int i = 0; i < n; i++) {
                    sim.fireEvent("typed", Map.of("i", i));
                }
                // 2 × n events reached the reader (all-events and the typed subscription); at most 256 are queued
                Await.until("subscription events dropped too (dropped " + ws.dispatcher().dropped() + ")",
                        () -> ws.dispatcher().dropped() >= 2L * n - 256);
                assertTrue(ws.dispatcher().queuedTasks() <= 256, "queued tasks: " + ws.dispatcher().queuedTasks());
                // drop listeners (the state cache's resync) are told, on the timer thread, not once per event
                Await.until("the drop listener was told", () -> notices.get() >= 1);
                assertTrue(notices.get() < ws.dispatcher().dropped(), notices.get() + " notices for " + ws.dispatcher().dropped() + " drops");
            } finally {
                release.countDown();
                ws.deactivate();
            }
        }
    }

    /** A subscribing command is sent again on the new connection, so its subscriber keeps receiving. */
    @Test
    void subscriptionsAreRenewedAfterAReconnectAndCloseEndsThemOnTheCurrentConnection() throws Exception {
        FakeContext fake = new FakeContext();
        try (HaSimulator sim = HaSimulator.builder().token(TOKEN).build().start()) {
            sim.setState("sensor.renewed", "a", Map.of());
            HomeAssistantWebsocket ws = start(fake, sim, Map.of());
            try {
                Await.until("connected", () -> fake.live(HomeAssistantConnection.class).size() == 1);
                HomeAssistantConnection c = (HomeAssistantConnection) fake.live(HomeAssistantConnection.class).get(0).service;
                List<Object> results = new java.util.concurrent.CopyOnWriteArrayList<>();
                org.hassette.api.ha.Subscription sub = c.subscribe("render_template",
                        Map.of("template", "{{ states('sensor.renewed') }}"), e -> results.add(e.get("result")), null)
                        .get(10, java.util.concurrent.TimeUnit.SECONDS);
                Await.until("first result", () -> results.contains("a"));

                sim.dropAllConnections();
                Await.until("reconnected with generation 2", () -> fake.live(HomeAssistantConnection.class).stream()
                        .anyMatch(r -> generation(r) == 2));
                Await.until("render_template sent again on the new connection",
                        () -> sim.recorder().commands("render_template").size() == 2);
                sim.setState("sensor.renewed", "b", Map.of());
                Await.until("a change after the reconnect reaches the subscriber: " + results, () -> results.contains("b"));

                long renewedId = ((Number) sim.recorder().commands("render_template").get(1).field("id")).longValue();
                sub.close();
                Await.until("unsubscribe_events for the renewed id", () -> sim.recorder().commands("unsubscribe_events").stream()
                        .anyMatch(u -> ((Number) u.field("subscription")).longValue() == renewedId));
                sim.dropAllConnections();
                Await.until("reconnected with generation 3", () -> fake.live(HomeAssistantConnection.class).stream()
                        .anyMatch(r -> generation(r) == 3));
                assertEquals(2, sim.recorder().commands("render_template").size(), "a closed subscription is not renewed");
            } finally {
                ws.deactivate();
            }
        }
    }
}
