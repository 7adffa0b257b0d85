package org.hassette.websocket.internal;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.hassette.api.ha.HomeAssistantException;
import org.hassette.simulator.BenchResult;
import org.hassette.simulator.HaSimulator;
import org.hassette.simulator.RecordedCommand;
import org.junit.jupiter.api.Test;

/** The session against the HA simulator over real sockets. */
class HaSessionTest {
    private static final String TOKEN = "unit-secret-token-0123456789";

    @Test
    void idsStrictlyIncreaseUnderConcurrentSenders() throws Exception {
        try (HaSimulator sim = HaSimulator.builder().token(TOKEN).build().start();
                SessionHarness h = new SessionHarness(sim.url(), 1024).open(TOKEN)) {
            int threads = 8;
            int perThread = 250;
            List<CompletableFuture<Object>> all = new ArrayList<>();
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> senders = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Thread th = new Thread(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = 0; i < perThread; i++) {
                        CompletableFuture<Object> f = h.session.send("ping", Map.of(), Duration.ofSeconds(30));
                        synchronized (all) {
                            all.add(f);
                        }
                    }
                });
                th.start();
                senders.add(th);
            }
            start.countDown();
            for (Thread th : senders) {
                th.join();
            }
            // HA answers id_reuse to any id not above the last one: every ping must succeed
            CompletableFuture.allOf(all.toArray(new CompletableFuture[0])).get(30, TimeUnit.SECONDS);
            List<Long> ids = sim.recorder().commands().stream().filter(c -> c.type().equals("ping"))
                    .map(c -> ((Number) c.field("id")).longValue()).toList();
            assertEquals(threads * perThread, ids.size());
            for (int i = 1; i < ids.size(); i++) {
                assertTrue(ids.get(i) > ids.get(i - 1), "ids on the wire increase: " + ids.get(i - 1) + " then " + ids.get(i));
            }
            assertEquals(1L, ((Number) sim.recorder().commands("supported_features").get(0).field("id")).longValue());
        }
    }

    @Test
    void errorsCarryHaCodeAndTimeoutsAreClientSide() throws Exception {
        try (HaSimulator sim = HaSimulator.builder().token(TOKEN).build().start();
                SessionHarness h = new SessionHarness(sim.url(), 1024).open(TOKEN)) {
            HomeAssistantException e = cause(h.session.send("call_service", Map.of("domain", "x", "service", "y"), Duration.ofSeconds(10)));
            assertEquals("not_found", e.code());
            assertEquals("unknown_command", cause(h.session.send("no_such_command", Map.of(), Duration.ofSeconds(10))).code());
            sim.delayResponses(Duration.ofSeconds(2));
            assertEquals(HomeAssistantException.CLIENT_TIMEOUT, cause(h.session.send("get_config", Map.of(), Duration.ofMillis(100))).code());
            sim.delayResponses(Duration.ZERO);
            // after a timeout the late result is ignored and the connection still works
            assertNotNull(h.session.send("get_config", Map.of(), Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void pendingCommandsFailWithConnectionLostWhenHaDrops() throws Exception {
        try (HaSimulator sim = HaSimulator.builder().token(TOKEN).build().start();
                SessionHarness h = new SessionHarness(sim.url(), 1024).open(TOKEN)) {
            sim.stall(true);
            CompletableFuture<Object> f = h.session.send("get_states", Map.of(), Duration.ofSeconds(30));
            sim.dropAllConnections();
            sim.stall(false);
            assertEquals(HomeAssistantException.CONNECTION_LOST, cause(f).code());
            assertEquals(HomeAssistantException.NOT_CONNECTED, cause(h.session.send("ping", Map.of(), Duration.ofSeconds(1))).code());
        }
    }

    @Test
    void authInvalidIsReportedWithHasMessage() throws Exception {
        try (HaSimulator sim = HaSimulator.builder().token(TOKEN).build().start();
                SessionHarness h = new SessionHarness(sim.url(), 1024)) {
            AuthInvalidException e = assertThrows(AuthInvalidException.class, () -> h.session.open("wrong-" + TOKEN, Duration.ofSeconds(5)));
            assertEquals("auth_invalid: Invalid access token or password", HaSession.describe(e));
        }
    }

    @Test
    void connectionRefusedIsNamed() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (SessionHarness h = new SessionHarness("http://127.0.0.1:" + port, 1024)) {
            java.io.IOException e = assertThrows(java.io.IOException.class, () -> h.session.open(TOKEN, Duration.ofSeconds(5)));
            assertEquals("connection refused", HaSession.describe(e));
        }
    }

    @Test
    void tokenNeverReachesTheLogAtAnyLevel() throws Exception {
        RecordingLog all = new RecordingLog();
        try (HaSimulator sim = HaSimulator.builder().token(TOKEN).entities(10).build().start()) {
            try (SessionHarness h = new SessionHarness(sim.url(), 1024).open(TOKEN)) {
                h.session.send("get_states", Map.of(), Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS);
                sim.setState("light.kitchen_light", "on", Map.of());
                sim.dropAllConnections();
                h.close();
                all.lines.addAll(h.log.lines);
            }
            sim.rejectAuth(true);
            try (SessionHarness h = new SessionHarness(sim.url(), 1024)) {
                assertThrows(AuthInvalidException.class, () -> h.session.open(TOKEN, Duration.ofSeconds(5)));
                all.lines.addAll(h.log.lines);
            }
            // the simulator's own record of the auth message is masked too
            RecordedCommand auth = sim.recorder().commands("auth").get(0);
            assertFalse(auth.json().contains(TOKEN));
        }
        for (String line : all.lines) {
            assertFalse(line.contains(TOKEN), "token in log line: " + line);
        }
    }

    @Test
    void benchStreamIsIngestedCompletelyAndInOrder() throws Exception {
        long events = 100_000;
        try (HaSimulator sim = HaSimulator.builder().token(TOKEN).build().start();
                SessionHarness h = new SessionHarness(sim.url(), 65_536).open(TOKEN)) {
            AtomicLong seen = new AtomicLong();
            AtomicLong outOfOrder = new AtomicLong();
            long[] last = {-1};
            h.on("state_changed", e -> {
                Object ns = e.data().get("new_state");
                Object seq = ((Map<?, ?>) ((Map<?, ?>) ns).get("attributes")).get("bench_seq");
                long s = ((Number) seq).longValue();
                if (s != 0 && s != last[0] + 1) { // each bench run starts again at 0
                    outOfOrder.incrementAndGet();
                }
                last[0] = s;
                seen.incrementAndGet();
            });
            // warm-up run (JIT), then the measured one
            sim.bench(20_000, 0);
            awaitCount(h, 20_000);
            long base = h.received.get();
            long cpu0 = processCpuNanos();
            long t0 = System.nanoTime();
            BenchResult r = sim.bench(events, 0);
            awaitCount(h, base + events);
            long wall = System.nanoTime() - t0;
            long cpu = processCpuNanos() - cpu0;
            assertEquals(events, r.events());
            Await.until("listener saw every event or counted it as dropped", () -> seen.get() + h.dispatcher.dropped() == 20_000 + events);
            assertEquals(0, outOfOrder.get(), "events reach listeners in order");
            System.out.printf("[measure] ingest %,d state_changed (%d B each, coalesced): %,.0f events/s wall, %.1f µs process CPU/event "
                    + "(includes the simulator in the same JVM), dropped %d%n",
                    events, r.eventBytes(), events * 1e9 / wall, cpu / 1000.0 / events, h.dispatcher.dropped());
        }
    }

    @Test
    void aBlockedListenerNeverBlocksTheReaderEventsAreDroppedAndCounted() throws Exception {
        try (HaSimulator sim = HaSimulator.builder().token(TOKEN).build().start();
                SessionHarness h = new SessionHarness(sim.url(), 1000).open(TOKEN)) {
            CountDownLatch release = new CountDownLatch(1);
            AtomicLong handled = new AtomicLong();
            h.on("state_changed", e -> {
                try {
                    release.await(); // an app that blocks its callback
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
                handled.incrementAndGet();
            });
            sim.bench(20_000, 0);
            // the reader took every event off the socket although the listener is stuck
            awaitCount(h, 20_000);
            assertTrue(h.dispatcher.dropped() > 0, "overflow is counted");
            assertTrue(h.dispatcher.queuedEvents() <= 1000, "queue stays bounded: " + h.dispatcher.queuedEvents());
            assertTrue(h.log.contains("Event listeners are too slow: dispatch queue full (1000 events)"), h.log.lines.toString());
            assertEquals(0, sim.connections().stream().filter(c -> sim.pending(c.id()) > 1024).count(), "HA has nothing pending for us");
            release.countDown();
            Await.until("listener drained the queue", () -> handled.get() + h.dispatcher.dropped() == 20_000);
            assertFalse(h.session.isClosed(), "HA never disconnected us");
            assertNull(h.session.send("ping", Map.of(), Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS));
        }
    }

    private static void awaitCount(SessionHarness h, long n) {
        Await.until(n + " events received", () -> h.received.get() >= n);
    }

    private static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean ? ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime() : 0;
    }

    static HomeAssistantException cause(CompletableFuture<?> f) throws Exception {
        try {
            f.get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof HomeAssistantException) {
                return (HomeAssistantException) e.getCause();
            }
            throw e;
        }
        throw new AssertionError("the command succeeded");
    }
}
