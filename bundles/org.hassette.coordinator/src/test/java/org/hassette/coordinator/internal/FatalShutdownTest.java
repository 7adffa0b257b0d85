package org.hassette.coordinator.internal;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.annotation.Annotation;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.hassette.api.session.SessionRecord;
import org.hassette.api.session.SessionTracker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/**
 * The coordinator's compare-and-set under real contention: many threads released together by one
 * latch request a fatal shutdown at the same instant; exactly one wins, the crash is recorded once
 * and the session finalized once.
 */
class FatalShutdownTest {
    private static final int THREADS = 16;

    private volatile int frameworkState = Bundle.ACTIVE;
    private final AtomicInteger frameworkStops = new AtomicInteger();

    @AfterEach
    void clearExitProperties() {
        System.clearProperty("hassette.exit.code");
        System.clearProperty("hassette.exit.reason");
    }

    @Test
    void concurrentRequestsShutDownOnceRecordOneCrashAndFinalizeOnce() throws Exception {
        for (int round = 0; round < 20; round++) {
            FatalShutdown coordinator = coordinator();
            CountingTracker tracker = new CountingTracker();
            coordinator.sessions = tracker;
            CountDownLatch ready = new CountDownLatch(THREADS);
            CountDownLatch go = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            try {
                List<Future<Boolean>> results = new ArrayList<>();
                for (int i = 0; i < THREADS; i++) {
                    String source = "resource-" + i;
                    results.add(pool.submit(() -> {
                        ready.countDown();
                        go.await();
                        return coordinator.shutdownFatal(source, "crashed: boom " + source, null);
                    }));
                }
                assertTrue(ready.await(10, TimeUnit.SECONDS));
                go.countDown();
                List<String> winners = new ArrayList<>();
                for (int i = 0; i < THREADS; i++) {
                    if (results.get(i).get(10, TimeUnit.SECONDS)) {
                        winners.add("resource-" + i);
                    }
                }
                assertEquals(1, winners.size(), "round " + round + ": exactly one request wins: " + winners);
                assertTrue(coordinator.isShuttingDown());
                assertEquals(THREADS, coordinator.requests(), "every request was seen");
                await("crash recorded and session finalized", () -> tracker.finalized.get() == 1);
                assertEquals(1, tracker.crashes.size(), "one crash record: " + tracker.crashes);
                assertEquals(winners.get(0) + ": crashed: boom " + winners.get(0), tracker.crashes.get(0), "the winner's reason is kept");
                assertEquals(List.of("crash", "finalize"), tracker.order, "crash before finalization");
                assertEquals(winners.get(0) + ": crashed: boom " + winners.get(0), System.getProperty("hassette.exit.reason"));
                assertEquals("1", System.getProperty("hassette.exit.code"));
                assertEquals(0, frameworkStops.get(), "stop_framework=false: the framework is left alone");
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void withoutASessionTrackerTheShutdownStillHappensOnce() throws Exception {
        FatalShutdown coordinator = coordinator(true);
        assertTrue(coordinator.shutdownFatal("database", "restart budget exhausted", new IllegalStateException("disk gone")));
        assertFalse(coordinator.shutdownFatal("session", "crashed: no database", null), "a second request only logs");
        assertTrue(coordinator.isShuttingDown());
        assertEquals(2, coordinator.requests());
        assertEquals("database: restart budget exhausted", System.getProperty("hassette.exit.reason"), "the first reason is kept");
        assertEquals("1", System.getProperty("hassette.exit.code"));
        await("framework stopped once", () -> frameworkStops.get() == 1);
    }

    @Test
    void aCrashDuringACleanStopIsRecordedButLeavesTheExitCodeAlone() {
        frameworkState = Bundle.STOPPING;
        FatalShutdown coordinator = coordinator(true);
        CountingTracker tracker = new CountingTracker();
        coordinator.sessions = tracker;
        assertTrue(coordinator.shutdownFatal("probe", "crashed: while stopping", null));
        // recorded synchronously: the framework is on its way down, the session tracker may be next
        assertEquals(List.of("probe: crashed: while stopping"), tracker.crashes);
        assertEquals(1, tracker.finalized.get());
        assertNull(System.getProperty("hassette.exit.code"), "the stop the operator asked for ends with exit 0");
        assertEquals(0, frameworkStops.get(), "the framework is already stopping");
        assertFalse(coordinator.shutdownFatal("other", "crashed too", null));
        assertEquals(1, tracker.crashes.size());
    }

    private FatalShutdown coordinator() {
        return coordinator(false);
    }

    private FatalShutdown coordinator(boolean stopFramework) {
        Bundle framework = (Bundle) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Bundle.class}, (p, m, a) -> {
            switch (m.getName()) {
                case "getState":
                    return frameworkState;
                case "stop":
                    frameworkStops.incrementAndGet();
                    return null;
                case "hashCode":
                    return 0;
                case "equals":
                    return p == a[0];
                default:
                    throw new UnsupportedOperationException(m.getName());
            }
        });
        BundleContext context = (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {BundleContext.class},
                (p, m, a) -> {
                    switch (m.getName()) {
                        case "getBundle":
                            return framework;
                        case "getProperty":
                            return null;
                        default:
                            throw new UnsupportedOperationException(m.getName());
                    }
                });
        FatalShutdown.Config config = new FatalShutdown.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return FatalShutdown.Config.class;
            }

            @Override
            public boolean stop_framework() {
                return stopFramework;
            }
        };
        return new FatalShutdown(context, config);
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            Thread.onSpinWait();
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
        }
    }

    /** Behaves like the real tracker's contract and counts every call. */
    static final class CountingTracker implements SessionTracker {
        final List<String> crashes = new CopyOnWriteArrayList<>();
        final AtomicInteger finalized = new AtomicInteger();
        final List<String> order = new CopyOnWriteArrayList<>();

        @Override
        public long currentSessionId() {
            return 1;
        }

        @Override
        public boolean recordCrash(String errorType, String errorMessage, String errorTrace) {
            crashes.add(errorMessage);
            order.add("crash");
            return crashes.size() == 1;
        }

        @Override
        public boolean finalizeSession() {
            order.add("finalize");
            return finalized.incrementAndGet() == 1;
        }

        @Override
        public List<SessionRecord> recentSessions(int limit) {
            return List.of();
        }
    }
}
