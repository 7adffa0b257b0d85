package org.hassette.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.hassette.api.app.App;
import org.hassette.api.app.AppContext;
import org.hassette.api.bus.ExecutionMode;
import org.hassette.api.bus.InvocationRecord;
import org.hassette.api.constraints.Constraints;
import org.hassette.api.scheduler.JobOptions;
import org.hassette.api.scheduler.SunEvent;
import org.junit.jupiter.api.Test;

class AppTestKitTest {
    static final ZonedDateTime MONDAY_NOON = ZonedDateTime.parse("2026-03-02T12:00+01:00[Europe/Berlin]");

    /** An app made of a lambda, for tests of the kit itself. */
    static App app(Consumer<AppContext> body) {
        return ctx -> body.accept(ctx);
    }

    @Test
    void simulateReturnsOnlyAfterSlowHandlersFinished() {
        List<String> done = new CopyOnWriteArrayList<>();
        try (AppTestKit kit = AppTestKit.builder().startingAt(MONDAY_NOON).build()) {
            kit.setState("binary_sensor.door", "off");
            kit.start(app(ctx -> ctx.bus().onStateChange("binary_sensor.door").to("on").subscribe("slow", c -> {
                Thread.sleep(200); // a slow handler: the simulate call must wait for it
                done.add(c.newValue().toString());
            })));
            kit.simulateStateChange("binary_sensor.door", "on");
            assertEquals(List.of("on"), done);
        }
    }

    @Test
    void handlersTriggeredByHandlersAreWaitedForToo() {
        List<String> seen = new CopyOnWriteArrayList<>();
        try (AppTestKit kit = AppTestKit.builder().haAppliesCalls().build()) {
            kit.setState("binary_sensor.motion", "off");
            kit.setState("light.hall", "off");
            kit.start(app(ctx -> {
                ctx.bus().onStateChange("binary_sensor.motion").to("on").subscribe("motion", c -> ctx.ha().turnOn("light.hall"));
                ctx.bus().onStateChange("light.hall").to("on").subscribe("light-on", c -> seen.add("light on"));
                ctx.bus().onEvent("state_changed").subscribe("raw", e -> seen.add("event " + e.data().get("entity_id")));
            }));
            kit.simulateStateChange("binary_sensor.motion", "on");
            assertEquals("on", kit.stateOf("light.hall"));
            assertTrue(seen.contains("light on"), seen.toString());
            assertTrue(seen.contains("event light.hall"), seen.toString());
            kit.ha().assertCalled("light", "turn_on", "light.hall");
        }
    }

    @Test
    void holdForFiresOnlyWhenTheStateHeldLongEnough() {
        try (AppTestKit kit = AppTestKit.create()) {
            java.time.Instant t0 = kit.clock().now();
            kit.setState("binary_sensor.door", "off");
            kit.start(app(ctx -> ctx.bus().onStateChange("binary_sensor.door").to("on").holdFor(Duration.ofMinutes(5))
                    .subscribe("open-long", c -> ctx.ha().callService("notify", "notify", null, Map.of("message", "open"), false))));
            kit.simulateStateChange("binary_sensor.door", "on");
            kit.advance(Duration.ofMinutes(4));
            kit.simulateStateChange("binary_sensor.door", "off");
            kit.advance(Duration.ofMinutes(10));
            kit.ha().assertNoCalls();
            kit.simulateStateChange("binary_sensor.door", "on");
            kit.advance(Duration.ofSeconds(299));
            kit.ha().assertNoCalls();
            kit.advance(Duration.ofSeconds(1));
            ServiceCall call = kit.ha().assertCalled("notify", "notify", null, Map.of("message", "open"));
            assertEquals(t0.plus(Duration.ofMinutes(19)), call.at());
        }
    }

    @Test
    void debounceAndThrottleBehaveAsOnThePlatform() {
        List<String> debounced = new CopyOnWriteArrayList<>();
        List<String> throttled = new CopyOnWriteArrayList<>();
        try (AppTestKit kit = AppTestKit.create()) {
            kit.setState("sensor.power", "0");
            kit.start(app(ctx -> {
                ctx.bus().onStateChange("sensor.power").debounce(Duration.ofSeconds(10))
                        .subscribe("debounced", c -> debounced.add(c.newValue().toString()));
                ctx.bus().onStateChange("sensor.power").throttle(Duration.ofSeconds(10))
                        .subscribe("throttled", c -> throttled.add(c.newValue().toString()));
            }));
            for (int i = 1; i <= 5; i++) {
                kit.simulateStateChange("sensor.power", Integer.toString(i));
                kit.advance(Duration.ofSeconds(3));
            }
            assertEquals(List.of(), debounced);
            assertEquals(List.of("1", "5"), throttled);
            kit.advance(Duration.ofSeconds(7));
            assertEquals(List.of("5"), debounced);
        }
    }

    @Test
    void onceRemovesTheListenerAfterTheFirstCall() {
        try (AppTestKit kit = AppTestKit.create()) {
            kit.setState("input_boolean.x", "off");
            kit.start(app(ctx -> ctx.bus().onStateChange("input_boolean.x").to("on").once()
                    .subscribe("once", c -> ctx.ha().turnOn("light.a"))));
            kit.simulateStateChange("input_boolean.x", "on");
            kit.simulateStateChange("input_boolean.x", "off");
            kit.simulateStateChange("input_boolean.x", "on");
            kit.ha().assertCallCount("light", "turn_on", "light.a", 1);
            assertTrue(kit.bus().listeners().isEmpty());
        }
    }

    @Test
    void singleModeSkipsCallsWhileOneRuns() throws Exception {
        java.util.concurrent.CountDownLatch firstStarted = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        try (AppTestKit kit = AppTestKit.create()) {
            kit.start(app(ctx -> ctx.bus().onEvent("doorbell").mode(ExecutionMode.single()).subscribe("bell", e -> {
                calls.incrementAndGet();
                firstStarted.countDown();
                assertTrue(release.await(10, java.util.concurrent.TimeUnit.SECONDS), "released");
                ctx.ha().turnOn("switch.chime");
            })));
            kit.publishEvent("doorbell", Map.of()); // not settling: the first call stays inside the handler
            assertTrue(await(firstStarted), "first call started");
            kit.publishEvent("doorbell", Map.of()); // arrives while the first call runs: single skips it
            org.hassette.api.bus.Subscription bell = kit.bus().listeners().get(0);
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
            while (bell.stats().suppressed() == 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertEquals(1, bell.stats().suppressed(), "the second event was skipped while the first call ran");
            release.countDown();
            kit.settle();
            assertEquals(1, calls.get(), "the handler was never entered a second time");
            kit.ha().assertCallCount("switch", "turn_on", "switch.chime", 1);
            kit.simulateEvent("doorbell", Map.of()); // once the call finished the next one runs
            kit.ha().assertCallCount("switch", "turn_on", "switch.chime", 2);
        }
    }

    @Test
    void theAppsErrorHandlerGetsFailuresOfListenersAndJobsWithoutTheirOwn() {
        List<org.hassette.api.app.AppError> appErrors = new CopyOnWriteArrayList<>();
        List<org.hassette.api.bus.BusError> ownErrors = new CopyOnWriteArrayList<>();
        try (AppTestKit kit = AppTestKit.builder().appId("app:errors").allowHandlerErrors().build()) {
            kit.start(app(ctx -> {
                ctx.bus().onEvent("boom").subscribe("thrower", e -> {
                    throw new IllegalStateException("listener broke");
                });
                ctx.bus().onEvent("boom").onError(ownErrors::add).subscribe("own-handler", e -> {
                    throw new IllegalStateException("handled by its own");
                });
                ctx.scheduler().runIn(Duration.ofMinutes(1), () -> {
                    throw new IllegalStateException("job broke");
                });
                ctx.onError(appErrors::add); // after the registrations: still applies to them
            }));
            kit.simulateEvent("boom", Map.of());
            kit.advance(Duration.ofMinutes(1));
            assertEquals(2, appErrors.size(), appErrors.toString());
            org.hassette.api.app.AppError listener = appErrors.stream()
                    .filter(e -> e.source() == org.hassette.api.app.AppError.Source.LISTENER).findFirst().orElseThrow();
            assertEquals("app:errors", listener.appId());
            assertEquals("app:errors:thrower", listener.name(), "the name as registered: scoped to the app instance");
            assertEquals(org.hassette.api.bus.BusError.Phase.HANDLER, listener.listenerError().phase());
            assertEquals("listener broke", listener.error().getMessage());
            org.hassette.api.app.AppError job = appErrors.stream()
                    .filter(e -> e.source() == org.hassette.api.app.AppError.Source.JOB).findFirst().orElseThrow();
            assertEquals("job broke", job.error().getMessage());
            assertEquals(job.name(), job.job().name());
            assertEquals(1, ownErrors.size(), "a listener's own handler wins");
            assertEquals("handled by its own", ownErrors.get(0).error().getMessage());
        }
    }

    @Test
    void constrainAllGatesEveryListenerAndJobAndNamesTheAppConstraint() {
        try (AppTestKit kit = AppTestKit.create()) {
            kit.setState("input_boolean.vacation", "on");
            kit.setState("binary_sensor.motion", "off");
            kit.start(app(ctx -> {
                ctx.bus().onStateChange("binary_sensor.motion").to("on").subscribe("motion", c -> ctx.ha().turnOn("light.hall"));
                ctx.scheduler().runEvery(Duration.ofMinutes(10), () -> ctx.ha().turnOn("switch.pump"),
                        JobOptions.builder().name("pump").build());
                ctx.constrainAll(Constraints.entityIs("input_boolean.vacation", "off").named("vacation")); // applies to both above
            }));
            kit.simulateStateChange("binary_sensor.motion", "on");
            kit.advance(Duration.ofMinutes(10));
            kit.ha().assertNoCalls();
            InvocationRecord skipped = kit.invocations().get(0);
            assertEquals(InvocationRecord.Outcome.SKIPPED, skipped.outcome());
            assertEquals("vacation (app-wide): input_boolean.vacation is on, not off", skipped.detail());
            org.hassette.api.scheduler.RunRecord run = kit.scheduler().jobs().get(0).lastRun().orElseThrow();
            assertEquals(org.hassette.api.scheduler.RunOutcome.SKIPPED, run.outcome());
            assertEquals("constraint: vacation (app-wide): input_boolean.vacation is on, not off", run.detail());

            kit.simulateStateChange("input_boolean.vacation", "off");
            kit.simulateStateChange("binary_sensor.motion", "off");
            kit.simulateStateChange("binary_sensor.motion", "on");
            kit.advance(Duration.ofMinutes(10));
            kit.ha().assertCalled("light", "turn_on", "light.hall");
            kit.ha().assertCalled("switch", "turn_on", "switch.pump");
        }
    }

    @Test
    void settlingWaitsForParallelHandlersThatRunTogether() {
        java.util.concurrent.CyclicBarrier both = new java.util.concurrent.CyclicBarrier(2);
        List<String> done = new CopyOnWriteArrayList<>();
        try (AppTestKit kit = AppTestKit.create()) {
            kit.start(app(ctx -> ctx.bus().onTopic("work").mode(ExecutionMode.parallel()).subscribe("parallel", m -> {
                both.await(5, java.util.concurrent.TimeUnit.SECONDS); // only passes when two calls run at once
                done.add((String) m.payload());
            })));
            kit.bus().emit("work", "a");
            kit.bus().emit("work", "b");
            kit.settle();
            assertEquals(List.of("a", "b"), done.stream().sorted().toList());
        }
    }

    @Test
    void restartModeCancelsTheRunningCallAsOnThePlatform() {
        try (AppTestKit kit = AppTestKit.builder().allowHandlerErrors().build()) {
            java.util.concurrent.CountDownLatch firstStarted = new java.util.concurrent.CountDownLatch(1);
            kit.start(app(ctx -> ctx.bus().onTopic("job").mode(ExecutionMode.restart()).subscribe("restarting", m -> {
                if ("first".equals(m.payload())) {
                    firstStarted.countDown();
                    new java.util.concurrent.CountDownLatch(1).await(); // until interrupted by the restart
                }
            })));
            kit.bus().emit("job", "first");
            assertTrue(await(firstStarted));
            kit.emit("job", "second");
            Map<Object, InvocationRecord.Outcome> outcomes = new java.util.HashMap<>();
            for (InvocationRecord r : kit.invocations()) {
                outcomes.put(((org.hassette.api.bus.BusMessage) r.event()).payload(), r.outcome());
            }
            assertEquals(Map.of("first", InvocationRecord.Outcome.CANCELLED, "second", InvocationRecord.Outcome.SUCCESS), outcomes);
        }
    }

    private static boolean await(java.util.concurrent.CountDownLatch latch) {
        try {
            return latch.await(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void serviceCallsAndTopicsReachTheirListeners() {
        List<Object> got = new CopyOnWriteArrayList<>();
        try (AppTestKit kit = AppTestKit.create()) {
            kit.start(app(ctx -> {
                ctx.bus().onServiceCall("light", "turn_*").subscribe("calls", e -> got.add(e.data().get("service")));
                ctx.bus().onTopic("app/*").subscribe("topic", m -> got.add(m.payload()));
            }));
            kit.simulateServiceCall("light", "turn_on", Map.of("entity_id", "light.x"));
            kit.simulateServiceCall("switch", "turn_on", Map.of());
            kit.emit("app/hello", "hi");
            assertEquals(List.of("turn_on", "hi"), got);
        }
    }

    @Test
    void jobsRunInVirtualTimeAndDailyJobsRepeat() {
        try (AppTestKit kit = AppTestKit.builder().startingAt(MONDAY_NOON).build()) {
            kit.start(app(ctx -> {
                ctx.scheduler().runDaily(LocalTime.of(7, 0), () -> ctx.ha().turnOn("switch.coffee"),
                        JobOptions.builder().name("coffee").build());
                ctx.scheduler().runIn(Duration.ofMinutes(30), () -> ctx.ha().turnOff("light.porch"));
            }));
            kit.advance(Duration.ofMinutes(29));
            kit.ha().assertNoCalls();
            kit.advance(Duration.ofMinutes(1));
            kit.ha().assertCalled("light", "turn_off", "light.porch");
            kit.advanceTo(LocalTime.of(7, 0));
            kit.advance(Duration.ofDays(2));
            kit.ha().assertCallCount("switch", "turn_on", "switch.coffee", 3);
            assertEquals(ZonedDateTime.parse("2026-03-03T07:00+01:00[Europe/Berlin]").toInstant(),
                    kit.ha().calls("switch", "turn_on").get(0).at());
        }
    }

    @Test
    void sunConstraintsUseTheKitsLocation() {
        try (AppTestKit kit = AppTestKit.builder().startingAt(MONDAY_NOON).location(52.52, 13.40).build()) {
            kit.setState("binary_sensor.m", "off");
            kit.start(app(ctx -> ctx.bus().onStateChange("binary_sensor.m").to("on")
                    .constrainedBy(Constraints.between(SunEvent.SUNSET, SunEvent.SUNRISE))
                    .subscribe("dark", c -> ctx.ha().turnOn("light.m"))));
            kit.simulateStateChange("binary_sensor.m", "on");
            kit.ha().assertNoCalls();
            assertEquals(InvocationRecord.Outcome.SKIPPED, kit.invocations().get(0).outcome());
            kit.simulateStateChange("binary_sensor.m", "off");
            kit.advanceTo(LocalTime.of(22, 0));
            kit.simulateStateChange("binary_sensor.m", "on");
            kit.ha().assertCalled("light", "turn_on", "light.m");
        }
    }

    @Test
    void aThrowingHandlerFailsTheSimulateCallUnlessAllowed() {
        try (AppTestKit kit = AppTestKit.create()) {
            kit.start(app(ctx -> ctx.bus().onEvent("boom").subscribe("thrower", e -> {
                throw new IllegalStateException("bad handler");
            })));
            AssertionError e = assertThrows(AssertionError.class, () -> kit.simulateEvent("boom", Map.of()));
            assertTrue(e.getMessage().contains("thrower"), e.getMessage());
            assertEquals("bad handler", e.getCause().getMessage());
        }
        try (AppTestKit kit = AppTestKit.builder().allowHandlerErrors().build()) {
            kit.start(app(ctx -> ctx.bus().onEvent("boom").subscribe("thrower", e -> {
                throw new IllegalStateException("bad handler");
            })));
            kit.simulateEvent("boom", Map.of());
            assertEquals(1, kit.handlerErrors().size());
        }
    }

    @Test
    void aFailingJobFailsTheAdvance() {
        try (AppTestKit kit = AppTestKit.create()) {
            kit.start(app(ctx -> ctx.scheduler().runIn(Duration.ofSeconds(5), () -> {
                throw new IllegalStateException("job broke");
            }, JobOptions.builder().name("broken").build())));
            AssertionError e = assertThrows(AssertionError.class, () -> kit.advance(Duration.ofSeconds(5)));
            assertTrue(e.getMessage().contains("broken") && e.getMessage().contains("job broke"), e.getMessage());
        }
    }

    @Test
    void aBlockedHandlerIsReportedAfterTheSettleTimeout() {
        try (AppTestKit kit = AppTestKit.builder().settleTimeout(Duration.ofMillis(300)).build()) {
            kit.start(app(ctx -> ctx.bus().onEvent("hang").subscribe("hanger", e -> new java.util.concurrent.CountDownLatch(1).await())));
            AssertionError e = assertThrows(AssertionError.class, () -> kit.simulateEvent("hang", Map.of()));
            assertTrue(e.getMessage().contains("still running") && e.getMessage().contains("hassette-kit-"), e.getMessage());
        }
    }

    @Test
    void stopRemovesEveryListenerAndJob() {
        try (AppTestKit kit = AppTestKit.create()) {
            kit.start(app(ctx -> {
                ctx.bus().onEvent("x").subscribe("x", e -> ctx.ha().turnOn("light.x"));
                ctx.scheduler().runEvery(Duration.ofMinutes(1), () -> ctx.ha().turnOn("light.y"));
            }));
            kit.stop();
            kit.simulateEvent("x", Map.of());
            kit.advance(Duration.ofMinutes(5));
            kit.ha().assertNoCalls();
        }
    }

    @Test
    void theStoreKeepsThePlatformsLimits() {
        InMemoryAppStore store = new InMemoryAppStore();
        store.put("b", "2");
        store.put("a", "1");
        assertEquals(List.of("a", "b"), List.copyOf(store.entries().keySet()));
        assertThrows(IllegalArgumentException.class, () -> store.put("", "x"));
        assertThrows(IllegalArgumentException.class, () -> store.put("k", "x".repeat(64 * 1024 + 1)));
        assertTrue(store.remove("a"));
    }
}
