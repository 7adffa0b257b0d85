package org.hassette.bus.internal;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.hassette.api.bus.BusError;
import org.hassette.api.bus.BusMessage;
import org.hassette.api.bus.Conditions;
import org.hassette.api.bus.ExecutionMode;
import org.hassette.api.bus.IfExists;
import org.hassette.api.bus.InvocationRecord;
import org.hassette.api.bus.StateChange;
import org.hassette.api.constraints.Constraint;
import org.hassette.api.constraints.ConstraintContext;
import org.hassette.api.constraints.Constraints;
import org.hassette.api.scheduler.VirtualClock;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import org.hassette.api.bus.Subscription;
import org.hassette.api.ha.EntityState;
import org.hassette.api.ha.HaEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class BusCoreTest {
    private final ManualTime time = new ManualTime();
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final FakeStateCache cache = new FakeStateCache();
    private final List<InvocationRecord> records = new CopyOnWriteArrayList<>();
    private final List<Object> tapped = new CopyOnWriteArrayList<>();
    private BusCore bus = newBus(1000);

    private BusCore newBus(int queueCapacity) {
        return new BusCore(time, pool, () -> cache, queueCapacity, 100_000, records::add, tapped::add,
                LoggerFactory.getLogger(BusCoreTest.class));
    }

    @AfterEach
    void tearDown() {
        bus.close();
        pool.shutdownNow();
    }

    static EntityState st(String id, String state, Map<String, Object> attrs) {
        return new EntityState(id, state, attrs, null, null, null);
    }

    static EntityState st(String id, String state) {
        return st(id, state, Map.of());
    }

    private void change(String id, String from, String to) {
        bus.publish(new StateChange(id, from == null ? null : st(id, from), to == null ? null : st(id, to)));
    }

    /** Every event published so far has passed every listener's drain: a marker listener saw its marker. */
    private void drained() {
        CountDownLatch seen = new CountDownLatch(1);
        String topic = "drain-" + System.nanoTime();
        Subscription s = bus.onTopic(topic).subscribe(topic, m -> seen.countDown());
        bus.emit(topic, null);
        try {
            assertTrue(seen.await(20, TimeUnit.SECONDS), "drain marker");
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        s.cancel();
    }

    private static List<String> values(List<StateChange> l) {
        return l.stream().map(c -> c.entityId() + "=" + c.newValue()).toList();
    }

    @Test
    void stateListenersMatchEntityGlobDomainAndList() {
        List<StateChange> exact = new CopyOnWriteArrayList<>();
        List<StateChange> glob = new CopyOnWriteArrayList<>();
        List<StateChange> domain = new CopyOnWriteArrayList<>();
        List<StateChange> list = new CopyOnWriteArrayList<>();
        bus.onStateChange("light.kitchen").subscribe("exact", exact::add);
        bus.onStateChange("light.*kitchen*").subscribe("glob", glob::add);
        bus.onStateChange("switch").subscribe("domain", domain::add);
        bus.onStateChange(List.of("light.hall", "switch.fan")).subscribe("list", list::add);
        change("light.kitchen", "off", "on");
        change("light.big_kitchen_lamp", "off", "on");
        change("switch.fan", "off", "on");
        change("light.hall", "on", "off");
        Await.until("all four listeners", () -> exact.size() == 1 && glob.size() == 2 && domain.size() == 1 && list.size() == 2);
        drained();
        assertEquals(List.of("light.kitchen=on"), values(exact));
        assertEquals(List.of("light.kitchen=on", "light.big_kitchen_lamp=on"), values(glob));
        assertEquals(List.of("switch.fan=on"), values(domain));
        assertEquals(List.of("switch.fan=on", "light.hall=off"), values(list));
    }

    @Test
    void attributeOnlyChangesAreIgnoredUnlessAskedFor() {
        List<StateChange> plain = new CopyOnWriteArrayList<>();
        List<StateChange> withAttrs = new CopyOnWriteArrayList<>();
        bus.onStateChange("light.a").subscribe("plain", plain::add);
        bus.onStateChange("light.a").includeAttributeChanges().subscribe("attrs", withAttrs::add);
        bus.publish(new StateChange("light.a", st("light.a", "on", Map.of("brightness", 1)), st("light.a", "on", Map.of("brightness", 2))));
        change("light.a", "on", "off");
        Await.until("both", () -> plain.size() == 1 && withAttrs.size() == 2);
        drained();
        assertEquals(1, plain.size());
        assertEquals("off", plain.get(0).newValue());
    }

    @Test
    void attributeListenerFiresOnlyWhenItsAttributeChanges() {
        List<StateChange> got = new CopyOnWriteArrayList<>();
        bus.onAttributeChange("light.a", "brightness").to(Conditions.greaterThan(100)).subscribe("bright", got::add);
        bus.publish(new StateChange("light.a", st("light.a", "on", Map.of("brightness", 10)), st("light.a", "off", Map.of("brightness", 10))));
        bus.publish(new StateChange("light.a", st("light.a", "on", Map.of("brightness", 10)), st("light.a", "on", Map.of("brightness", 50))));
        bus.publish(new StateChange("light.a", st("light.a", "on", Map.of("brightness", 50)), st("light.a", "on", Map.of("brightness", "200"))));
        Await.until("the change to 200", () -> got.size() == 1);
        drained();
        assertEquals(1, got.size());
        assertEquals("200", got.get(0).newValue());
        assertEquals(50, got.get(0).oldValue());
    }

    @Test
    void fromAndToTakeLiteralsGlobsAndConditions() {
        List<StateChange> literal = new CopyOnWriteArrayList<>();
        List<StateChange> glob = new CopyOnWriteArrayList<>();
        List<StateChange> cond = new CopyOnWriteArrayList<>();
        bus.onStateChange("sensor.t").from("off").to("on").subscribe("literal", literal::add);
        bus.onStateChange("sensor.t").to("un*").subscribe("glob", glob::add);
        bus.onStateChange("sensor.t").from(Conditions.lessThan(20)).to(Conditions.atLeast(20)).subscribe("cond", cond::add);
        change("sensor.t", "off", "on");
        change("sensor.t", "on", "unavailable");
        change("sensor.t", "19.5", "20");
        change("sensor.t", "20", "21");
        Await.until("each", () -> literal.size() == 1 && glob.size() == 1 && cond.size() == 1);
        drained();
        assertEquals(List.of("sensor.t=on"), values(literal));
        assertEquals(List.of("sensor.t=unavailable"), values(glob));
        assertEquals(List.of("sensor.t=20"), values(cond));
    }

    @Test
    void throwingPredicateIsReportedAndDoesNotAffectOtherListeners() {
        List<BusError> errors = new CopyOnWriteArrayList<>();
        List<StateChange> bad = new CopyOnWriteArrayList<>();
        List<StateChange> good = new CopyOnWriteArrayList<>();
        Subscription s = bus.onStateChange("light.a").where(c -> {
            throw new IllegalStateException("boom");
        }).onError(errors::add).subscribe("bad", bad::add);
        bus.onStateChange("light.a").subscribe("good", good::add);
        change("light.a", "off", "on");
        Await.until("good listener and error report", () -> good.size() == 1 && errors.size() == 1);
        assertTrue(bad.isEmpty());
        assertEquals(BusError.Phase.PREDICATE, errors.get(0).phase());
        assertEquals("bad", errors.get(0).listener());
        assertEquals("boom", errors.get(0).error().getMessage());
        assertEquals(1, s.stats().predicateErrors());
        assertEquals(0, s.stats().matched());
    }

    @Test
    void constrainedListenerSkipsCallsWithTheVerdictsReason() {
        VirtualClock clock = VirtualClock.frozenAt(ZonedDateTime.parse("2026-03-27T23:14+01:00[Europe/Berlin]"));
        bus.constraintContext(ConstraintContext.of(clock, ConstraintContext.SunTimes.none(), cache));
        cache.put(st("input_boolean.vacation", "off"));
        List<String> calls = new CopyOnWriteArrayList<>();
        Constraint quiet = Constraints.between(LocalTime.of(22, 0), LocalTime.of(7, 0)).named("quiet-hours");
        Subscription s = bus.onStateChange("binary_sensor.door").to("on").once()
                .constrainedBy(Constraints.not(quiet), Constraints.entityIs("input_boolean.vacation", "off"))
                .subscribe("chime", c -> calls.add(c.entityId()));
        change("binary_sensor.door", "off", "on");
        // the stats count before the telemetry record is handed over: wait for both
        Await.until("first call skipped and recorded", () -> s.stats().skipped() == 1
                && records.stream().anyMatch(r -> r.listener().equals("chime")));
        assertEquals(List.of(), calls);
        assertEquals(1, s.stats().matched());
        assertEquals(0, s.stats().invoked());
        InvocationRecord skip = records.stream().filter(r -> r.listener().equals("chime")).findFirst().orElseThrow();
        assertEquals(InvocationRecord.Outcome.SKIPPED, skip.outcome());
        assertEquals("not quiet-hours: quiet-hours: inside 22:00–07:00 (now 23:14)", skip.detail());
        assertFalse(s.isCancelled(), "a skipped call does not use up once()");

        clock.advance(Duration.ofHours(9)); // 08:14: outside quiet hours, but now on vacation
        cache.put(st("input_boolean.vacation", "on"));
        change("binary_sensor.door", "off", "on");
        Await.until("second call skipped and recorded", () -> s.stats().skipped() == 2
                && records.stream().filter(r -> r.listener().equals("chime")).count() == 2);
        assertEquals("input_boolean.vacation is off: input_boolean.vacation is on, not off",
                records.stream().filter(r -> r.listener().equals("chime")).reduce((a, b) -> b).orElseThrow().detail());

        cache.put(st("input_boolean.vacation", "off"));
        change("binary_sensor.door", "off", "on");
        // counters and once() settle after the handler returns: wait for all three
        Await.until("chime called once, counted, and once() used up",
                () -> calls.size() == 1 && s.stats().invoked() == 1 && s.isCancelled());
    }

    @Test
    void throwingConstraintCountsAsAPredicateError() {
        List<BusError> errors = new CopyOnWriteArrayList<>();
        Constraint broken = Constraint.of("sensor ok", c -> { throw new IllegalStateException("no sensor"); });
        Subscription s = bus.onTopic("t").constrainedBy(broken).onError(errors::add).subscribe("t-listener", m -> fail("called"));
        bus.emit("t", null);
        Await.until("error reported", () -> errors.size() == 1);
        assertEquals(BusError.Phase.PREDICATE, errors.get(0).phase());
        assertEquals(1, s.stats().predicateErrors());
        assertEquals(0, s.stats().skipped());
        assertEquals(0, s.stats().invoked());
    }

    @Test
    void throwingHandlerIsReportedRecordedAndKeepsItsListenerAlive() {
        List<BusError> errors = new CopyOnWriteArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        Subscription s = bus.onStateChange("light.a").onError(errors::add).subscribe("thrower", c -> {
            calls.incrementAndGet();
            throw new RuntimeException("handler failed");
        });
        change("light.a", "off", "on");
        change("light.a", "on", "off");
        Await.until("two failed calls", () -> errors.size() == 2);
        assertEquals(2, calls.get());
        assertEquals(2, s.stats().failed());
        assertFalse(s.isCancelled());
        Await.until("two records", () -> records.size() == 2);
        assertEquals(InvocationRecord.Outcome.ERROR, records.get(0).outcome());
        assertEquals("thrower", records.get(0).listener());
        assertNotNull(records.get(0).start());
    }

    @Test
    void onceFiresOnlyForTheFirstMatchThenCancels() {
        List<StateChange> got = new CopyOnWriteArrayList<>();
        Subscription s = bus.onStateChange("light.a").to("on").once().subscribe("once", got::add);
        change("light.a", "off", "on");
        change("light.a", "on", "off");
        change("light.a", "off", "on");
        Await.until("cancelled", s::isCancelled);
        // the listener cancels itself when it takes its event; its one call still runs after that, on its own queue
        Await.until("the one call", () -> got.size() == 1);
        drained();
        assertEquals(1, got.size());
        assertTrue(bus.listeners().stream().noneMatch(l -> l.name().equals("once")));
    }

    @Test
    void debounceRunsOnceWithTheLatestEventAfterQuiet() {
        List<StateChange> got = new CopyOnWriteArrayList<>();
        Subscription s = bus.onStateChange("sensor.x").debounce(Duration.ofSeconds(5)).subscribe("debounced", got::add);
        change("sensor.x", "0", "1");
        Await.until("first timer", () -> time.pending() == 1);
        time.advance(Duration.ofSeconds(3));
        change("sensor.x", "1", "2");
        Await.until("second event matched", () -> s.stats().matched() == 2);
        time.advance(Duration.ofSeconds(3)); // 6 s after the first, 3 s after the second: nothing yet
        drained();
        assertTrue(got.isEmpty(), "debounce must wait for 5 s of quiet");
        time.advance(Duration.ofSeconds(2));
        Await.until("debounced call", () -> got.size() == 1);
        assertEquals("2", got.get(0).newValue());
        assertEquals(1, s.stats().suppressed());
    }

    @Test
    void throttleRunsTheFirstAndDropsUntilThePeriodEnds() {
        List<StateChange> got = new CopyOnWriteArrayList<>();
        Subscription s = bus.onStateChange("sensor.x").throttle(Duration.ofSeconds(10)).subscribe("throttled", got::add);
        change("sensor.x", "0", "1");
        change("sensor.x", "1", "2");
        Await.until("two matched", () -> s.stats().matched() == 2);
        time.advance(Duration.ofSeconds(10));
        change("sensor.x", "2", "3");
        Await.until("two calls", () -> got.size() == 2);
        assertEquals(List.of("sensor.x=1", "sensor.x=3"), values(got));
        assertEquals(1, s.stats().suppressed());
    }

    @Test
    void holdForFiresOnlyWhenTheStateHoldsAndIsCancelledByAChange() {
        List<StateChange> got = new CopyOnWriteArrayList<>();
        Subscription s = bus.onStateChange("binary_sensor.door").to("on").holdFor(Duration.ofMinutes(2)).subscribe("door-open", got::add);
        cache.put(st("binary_sensor.door", "on"));
        change("binary_sensor.door", "off", "on");
        Await.until("hold started", () -> time.pending() == 1);
        time.advance(Duration.ofMinutes(1));
        cache.put(st("binary_sensor.door", "off"));
        change("binary_sensor.door", "on", "off"); // closes before 2 min: cancelled
        Await.until("hold cancelled", () -> s.stats().suppressed() == 1 && time.pending() == 0);
        time.advance(Duration.ofMinutes(5));
        drained();
        assertTrue(got.isEmpty());

        cache.put(st("binary_sensor.door", "on"));
        change("binary_sensor.door", "off", "on");
        Await.until("second hold started", () -> time.pending() == 1);
        bus.publish(new StateChange("binary_sensor.door", st("binary_sensor.door", "on", Map.of()),
                st("binary_sensor.door", "on", Map.of("battery", 90)))); // attribute update keeps the hold
        drained();
        time.advance(Duration.ofMinutes(2));
        Await.until("held call", () -> got.size() == 1);
        assertEquals("on", got.get(0).newValue());
    }

    @Test
    void immediateFiresAtRegistrationWithTheCurrentState() {
        cache.put(st("light.a", "on"));
        cache.put(st("light.b", "off"));
        cache.put(st("switch.c", "on"));
        List<StateChange> got = new CopyOnWriteArrayList<>();
        bus.onStateChange("light").to("on").from("off").immediate().subscribe("imm", got::add);
        Await.until("immediate call", () -> got.size() == 1);
        drained();
        assertEquals(1, got.size());
        assertTrue(got.get(0).immediate());
        assertNull(got.get(0).oldState());
        assertEquals("light.a", got.get(0).entityId());
    }

    @Test
    void immediateWithHoldForHoldsTheCurrentStateBeforeFiring() {
        cache.put(st("binary_sensor.door", "on"));
        cache.put(st("binary_sensor.window", "on"));
        List<StateChange> got = new CopyOnWriteArrayList<>();
        Subscription s = bus.onStateChange(List.of("binary_sensor.door", "binary_sensor.window")).to("on").holdFor(Duration.ofMinutes(2))
                .immediate().subscribe("open-long", got::add);
        Await.until("two holds from the current states", () -> time.pending() == 2);
        drained();
        assertTrue(got.isEmpty(), "immediate with holdFor does not fire at registration");
        time.advance(Duration.ofMinutes(1));
        cache.put(st("binary_sensor.window", "off"));
        change("binary_sensor.window", "on", "off"); // the window closes within the hold
        Await.until("window hold cancelled", () -> s.stats().suppressed() == 1 && time.pending() == 1);
        time.advance(Duration.ofMinutes(1));
        Await.until("door held", () -> got.size() == 1);
        drained();
        assertEquals(List.of("binary_sensor.door=on"), values(got));
        assertTrue(got.get(0).immediate(), "the call carries the immediate state change");
    }

    @Test
    void immediateWithHoldForCountsFromLastChangedSoAStartDoesNotPostponeTheCall() {
        java.time.Instant now = time.now();
        // open for 90 s already, for 5 min already, and a last_changed ahead of our clock (HA's clock is skewed)
        cache.put(new EntityState("binary_sensor.door", "on", Map.of(), now.minusSeconds(90), null, null));
        cache.put(new EntityState("binary_sensor.window", "on", Map.of(), now.minusSeconds(300), null, null));
        cache.put(new EntityState("binary_sensor.hatch", "on", Map.of(), now.plusSeconds(30), null, null));
        List<StateChange> got = new CopyOnWriteArrayList<>();
        bus.onStateChange(List.of("binary_sensor.door", "binary_sensor.window", "binary_sensor.hatch")).to("on")
                .holdFor(Duration.ofMinutes(2)).immediate().subscribe("open-long", got::add);
        Await.until("three holds from the current states", () -> time.pending() == 3);
        time.advance(Duration.ZERO);
        Await.until("the window has held long enough already: at once", () -> got.size() == 1);
        assertEquals(List.of("binary_sensor.window=on"), values(got));
        time.advance(Duration.ofSeconds(29));
        drained();
        assertEquals(1, got.size(), "the door has 30 s to go");
        time.advance(Duration.ofSeconds(1));
        Await.until("the door after the rest of its hold", () -> got.size() == 2);
        assertEquals("binary_sensor.door=on", values(got).get(1));
        time.advance(Duration.ofSeconds(89));
        drained();
        assertEquals(2, got.size(), "a last_changed in the future counts as now: the full 2 min");
        time.advance(Duration.ofSeconds(1));
        Await.until("the hatch after the full hold", () -> got.size() == 3);
    }

    @Test
    void onceWithHoldForFiresOnceAfterTheHoldThenIsGone() {
        List<StateChange> got = new CopyOnWriteArrayList<>();
        Subscription s = bus.onStateChange("binary_sensor.door").to("on").holdFor(Duration.ofMinutes(2)).once().subscribe("once-held", got::add);
        cache.put(st("binary_sensor.door", "off"));
        change("binary_sensor.door", "on", "off");
        cache.put(st("binary_sensor.door", "on"));
        change("binary_sensor.door", "off", "on");
        Await.until("hold started", () -> time.pending() == 1);
        cache.put(st("binary_sensor.door", "off"));
        change("binary_sensor.door", "on", "off"); // cancelled hold: does not use up once
        Await.until("hold cancelled", () -> time.pending() == 0 && s.stats().suppressed() == 1);
        assertFalse(s.isCancelled());
        cache.put(st("binary_sensor.door", "on"));
        change("binary_sensor.door", "off", "on");
        Await.until("second hold started", () -> time.pending() == 1);
        time.advance(Duration.ofMinutes(2));
        Await.until("fired and cancelled", () -> got.size() == 1 && s.isCancelled());
        cache.put(st("binary_sensor.door", "off"));
        change("binary_sensor.door", "on", "off");
        cache.put(st("binary_sensor.door", "on"));
        change("binary_sensor.door", "off", "on");
        time.advance(Duration.ofMinutes(5));
        drained();
        assertEquals(1, got.size());
        assertEquals(0, time.pending(), "no hold after the one call");
        assertTrue(bus.listeners().stream().noneMatch(l -> l.name().equals("once-held")));
    }

    @Test
    void onceWithAThrowingHandlerIsStillRemoved() {
        List<BusError> errors = new CopyOnWriteArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        Subscription s = bus.onTopic("t").once().onError(errors::add).subscribe("once-throws", m -> {
            calls.incrementAndGet();
            throw new IllegalStateException("first and last");
        });
        bus.emit("t", 1);
        bus.emit("t", 2);
        Await.until("error reported", () -> errors.size() == 1);
        drained();
        bus.emit("t", 3);
        drained();
        assertEquals(1, calls.get());
        assertTrue(s.isCancelled());
        assertEquals("first and last", errors.get(0).error().getMessage());
        assertTrue(bus.listeners().stream().noneMatch(l -> l.name().equals("once-throws")));
    }

    @Test
    void debounceAndThrottleWorkWithOtherExecutionModes() throws Exception {
        List<Object> debounced = new CopyOnWriteArrayList<>();
        bus.onTopic("d").debounce(Duration.ofSeconds(5)).mode(ExecutionMode.single()).subscribe("debounce-single", m -> debounced.add(m.payload()));
        Subscription d = bus.listeners().get(0);
        bus.emit("d", 1);
        bus.emit("d", 2);
        Await.until("both matched", () -> d.stats().matched() == 2 && time.pending() == 1);
        time.advance(Duration.ofSeconds(5));
        Await.until("debounced call", () -> debounced.size() == 1);
        assertEquals(List.of(2), debounced);

        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        List<Object> throttled = new CopyOnWriteArrayList<>();
        Subscription t = bus.onTopic("t").throttle(Duration.ofSeconds(10)).mode(ExecutionMode.parallel()).subscribe("throttle-parallel", m -> {
            throttled.add(m.payload());
            if (m.payload().equals(1)) {
                started.countDown();
                release.await(); // still running when the period ends: parallel runs the next call beside it
            }
        });
        bus.emit("t", 1);
        assertTrue(started.await(20, TimeUnit.SECONDS));
        bus.emit("t", 2); // within the period: suppressed
        Await.until("second suppressed", () -> t.stats().suppressed() == 1);
        time.advance(Duration.ofSeconds(10));
        bus.emit("t", 3);
        Await.until("third ran while the first still runs", () -> throttled.size() == 2);
        assertEquals(List.of(1, 3), throttled);
        release.countDown();
    }

    @Test
    void holdForRechecksTheStateCacheWhenItsTimerFires() {
        List<StateChange> got = new CopyOnWriteArrayList<>();
        Subscription s = bus.onStateChange("binary_sensor.door").to("on").holdFor(Duration.ofMinutes(2)).subscribe("door-open", got::add);
        cache.put(st("binary_sensor.door", "on"));
        change("binary_sensor.door", "off", "on");
        Await.until("hold started", () -> time.pending() == 1);
        cache.put(st("binary_sensor.door", "off")); // the cache moved on; its event has not reached the bus yet
        time.advance(Duration.ofMinutes(2));
        Await.until("suppressed at the re-check", () -> s.stats().suppressed() == 1);
        drained();
        assertTrue(got.isEmpty(), "the cache said the state no longer holds");
        assertEquals(0, s.stats().invoked());
    }

    @Test
    void eachPublishersOrderIsKeptUnderConcurrentLoad() throws Exception {
        bus.close();
        bus = newBus(100_000);
        int publishers = 4;
        int each = 5_000;
        Map<Integer, List<Integer>> seen = new java.util.concurrent.ConcurrentHashMap<>();
        Subscription s = bus.onTopic("load").subscribe("ordered", m -> {
            int[] p = (int[]) m.payload();
            seen.computeIfAbsent(p[0], k -> new ArrayList<>()).add(p[1]); // one call at a time: no lock needed
        });
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < publishers; t++) {
            int id = t;
            Thread th = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < each; i++) {
                    assertTrue(bus.publish(new BusMessage("load", new int[] {id, i}, time.now())));
                }
            }, "test-publisher-" + t);
            th.start();
            threads.add(th);
        }
        go.countDown();
        for (Thread th : threads) {
            th.join(60_000);
        }
        // invoked counts a call as it starts; its record is handed over after the handler returned
        Await.until("every call finished", () -> records.stream().filter(r -> r.listener().equals("ordered")).count()
                == (long) publishers * each);
        assertEquals((long) publishers * each, s.stats().invoked());
        for (int t = 0; t < publishers; t++) {
            List<Integer> got = seen.get(t);
            assertEquals(each, got.size(), "publisher " + t);
            for (int i = 0; i < each; i++) {
                assertEquals(i, got.get(i), "publisher " + t + " order at " + i);
            }
        }
        assertEquals(0, s.stats().dropped());
    }

    @Test
    void timeoutInterruptsTheHandlerAndReportsIt() throws Exception {
        List<BusError> errors = new CopyOnWriteArrayList<>();
        CountDownLatch started = new CountDownLatch(1);
        Subscription s = bus.onTopic("slow").timeout(Duration.ofSeconds(30)).onError(errors::add).subscribe("slow", m -> {
            started.countDown();
            new CountDownLatch(1).await(); // blocks until interrupted
        });
        bus.emit("slow", 1);
        assertTrue(started.await(20, TimeUnit.SECONDS));
        time.advance(Duration.ofSeconds(30));
        Await.until("timeout reported", () -> errors.size() == 1);
        assertEquals(BusError.Phase.TIMEOUT, errors.get(0).phase());
        assertInstanceOf(TimeoutException.class, errors.get(0).error());
        assertEquals(1, s.stats().failed());
        Await.until("record", () -> records.size() == 1);
        assertEquals(InvocationRecord.Outcome.TIMEOUT, records.get(0).outcome());
    }

    @Test
    void singleModeSkipsEventsWhileRunning() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        List<Object> got = new CopyOnWriteArrayList<>();
        Subscription s = bus.onTopic("t").mode(ExecutionMode.single()).subscribe("single", m -> {
            got.add(m.payload());
            started.countDown();
            release.await();
        });
        bus.emit("t", 1);
        assertTrue(started.await(20, TimeUnit.SECONDS));
        bus.emit("t", 2);
        Await.until("second skipped", () -> s.stats().suppressed() == 1);
        release.countDown();
        Await.until("first done", () -> records.size() == 1);
        bus.emit("t", 3);
        Await.until("third ran", () -> got.size() == 2);
        assertEquals(List.of(1, 3), got);
    }

    @Test
    void restartModeInterruptsTheRunningCallForTheNewEvent() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        List<Object> finished = new CopyOnWriteArrayList<>();
        bus.onTopic("t").mode(ExecutionMode.restart()).subscribe("restart", m -> {
            if (m.payload().equals(1)) {
                started.countDown();
                new CountDownLatch(1).await();
            }
            finished.add(m.payload());
        });
        bus.emit("t", 1);
        assertTrue(started.await(20, TimeUnit.SECONDS));
        bus.emit("t", 2);
        Await.until("two records", () -> records.size() == 2);
        assertEquals(List.of(2), finished);
        assertTrue(records.stream().anyMatch(r -> r.outcome() == InvocationRecord.Outcome.CANCELLED));
    }

    @Test
    void queuedModeKeepsOrderAndDropsBeyondItsDepth() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        List<Object> got = new CopyOnWriteArrayList<>();
        Subscription s = bus.onTopic("t").mode(ExecutionMode.queued(3)).subscribe("queued", m -> {
            started.countDown();
            release.await();
            got.add(m.payload());
        });
        bus.emit("t", 0);
        assertTrue(started.await(20, TimeUnit.SECONDS));
        for (int i = 1; i <= 5; i++) {
            bus.emit("t", i);
        }
        Await.until("two dropped", () -> s.stats().dropped() == 2);
        release.countDown();
        Await.until("four calls", () -> got.size() == 4);
        assertEquals(List.of(0, 1, 2, 3), got);
    }

    @Test
    void queuedDepthCountsCallsThatWillRunNotEventsTheFilterDrops() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        List<Object> got = new CopyOnWriteArrayList<>();
        Subscription s = bus.onTopic("t").where(m -> ((String) m.payload()).startsWith("match")).mode(ExecutionMode.queued(2))
                .subscribe("queued-filtered", m -> {
                    started.countDown();
                    release.await();
                    got.add(m.payload());
                });
        bus.emit("t", "match-0");
        assertTrue(started.await(20, TimeUnit.SECONDS));
        for (int i = 0; i < 50; i++) {
            bus.emit("t", "noise-" + i); // far more than the depth: none of them may take a call slot
        }
        bus.emit("t", "match-1");
        bus.emit("t", "match-2");
        bus.emit("t", "match-3"); // the third waiting call: beyond depth 2
        Await.until("every event filtered", () -> s.stats().received() == 54 && s.stats().matched() == 4);
        Await.until("one call dropped", () -> s.stats().dropped() == 1);
        release.countDown();
        Await.until("three calls", () -> got.size() == 3);
        drained();
        assertEquals(List.of("match-0", "match-1", "match-2"), got);
        assertEquals(1, s.stats().dropped());
        assertEquals(3, s.stats().invoked());
    }

    @Test
    void parallelModeRunsAtMostItsLimitAtOnceAndQueuesTheRest() throws Exception {
        int n = ListenerRuntime.PARALLEL_LIMIT + 5;
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        Subscription s = bus.onTopic("t").mode(ExecutionMode.parallel()).subscribe("parallel-capped", m -> {
            peak.accumulateAndGet(running.incrementAndGet(), Math::max);
            release.await();
            running.decrementAndGet();
            done.incrementAndGet();
        });
        for (int i = 0; i < n; i++) {
            bus.emit("t", i);
        }
        Await.until("the limit runs", () -> running.get() == ListenerRuntime.PARALLEL_LIMIT && s.stats().matched() == n);
        drained();
        assertEquals(ListenerRuntime.PARALLEL_LIMIT, running.get(), "no more than the limit at once");
        release.countDown();
        Await.until("every call ran", () -> done.get() == n);
        assertEquals(ListenerRuntime.PARALLEL_LIMIT, peak.get());
        assertEquals(0, s.stats().dropped(), "beyond the limit calls wait, they are not dropped");
    }

    @Test
    void replacingAListenerWhoseHandlerRunsStallsNeitherOtherRegistrationsNorThatHandler() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch registerNow = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean replaceReturned = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicBoolean innerBeforeReplace = new java.util.concurrent.atomic.AtomicBoolean();
        // a long timeout: replace may wait for this handler for minutes, so nothing below passes by a wait running out
        Subscription busy = bus.onTopic("busy").timeout(Duration.ofMinutes(10)).subscribe("busy", m -> {
            entered.countDown();
            registerNow.await();
            bus.onTopic("inner").subscribe("inner", x -> { }); // a handler registering a listener while it is being replaced
            innerBeforeReplace.set(!replaceReturned.get());
        });
        bus.emit("busy", 1);
        assertTrue(entered.await(20, TimeUnit.SECONDS), "handler entered");
        List<String> replacement = new CopyOnWriteArrayList<>();
        Thread replacer = new Thread(() -> {
            bus.onTopic("busy").ifExists(IfExists.REPLACE).subscribe("busy", m -> replacement.add("new"));
            replaceReturned.set(true);
        }, "test-replacer");
        replacer.start();
        Await.until("replace waits for the running handler", () -> replaceReturned.get() || replacer.getState() == Thread.State.WAITING
                || replacer.getState() == Thread.State.TIMED_WAITING);
        assertFalse(replaceReturned.get(), "replace returned while the old handler still ran");
        assertTrue(busy.isCancelled(), "the old listener is cancelled at once");

        // meanwhile other registrations go through
        java.util.concurrent.Future<Subscription> other = pool.submit(() -> bus.onTopic("other").subscribe("other", m -> { }));
        Subscription o = other.get(20, TimeUnit.SECONDS);
        assertFalse(replaceReturned.get(), "the other registration did not wait for the replace");
        assertFalse(o.isCancelled());

        // and the running handler may register too: it must not wait for the replace that waits for it
        registerNow.countDown();
        replacer.join(20_000);
        assertTrue(replaceReturned.get(), "replace returned once the old handler finished");
        assertTrue(innerBeforeReplace.get(), "the handler registered its listener before the replace returned");
        bus.emit("busy", 2);
        Await.until("the replacement handles the topic", () -> replacement.size() == 1);
        assertEquals(List.of("busy", "inner", "other"), bus.listeners().stream().map(Subscription::name).sorted().toList());
    }

    @Test
    void parallelModeRunsCallsConcurrently() throws Exception {
        CountDownLatch both = new CountDownLatch(2);
        List<Boolean> sawOther = new CopyOnWriteArrayList<>();
        bus.onTopic("t").mode(ExecutionMode.parallel()).subscribe("parallel", m -> {
            both.countDown();
            sawOther.add(both.await(20, TimeUnit.SECONDS));
        });
        bus.emit("t", 1);
        bus.emit("t", 2);
        Await.until("both calls returned", () -> sawOther.size() == 2);
        assertEquals(List.of(true, true), sawOther);
    }

    @Test
    void eachListenerSeesEventsInOrderUnderLoadWhileOthersAreSlowOrThrow() throws Exception {
        int n = 20_000;
        List<Integer> fast = new ArrayList<>();
        CountDownLatch slowRelease = new CountDownLatch(1);
        Subscription slow = bus.onTopic("load").subscribe("slow", m -> slowRelease.await());
        bus.onTopic("load").onError(e -> { }).subscribe("thrower", m -> {
            throw new IllegalStateException("always");
        });
        Subscription ordered = bus.onTopic("load").subscribe("ordered", m -> {
            synchronized (fast) {
                fast.add((Integer) m.payload());
            }
        });
        for (int i = 0; i < n; i++) {
            if (i % 500 == 0) { // keep the fast listener within its queue: this test is about order, not overflow
                int sent = i;
                Await.until("the fast listener catches up", () -> ordered.stats().invoked() >= sent - 500);
            }
            assertTrue(bus.publish(new BusMessage("load", i, time.now())));
        }
        Await.until("the fast listener got all " + n, () -> {
            synchronized (fast) {
                return fast.size() == n;
            }
        });
        for (int i = 0; i < n; i++) {
            assertEquals(i, fast.get(i), "order at " + i);
        }
        assertEquals(0, ordered.stats().dropped());
        // the slow one is stuck in its first call: its queue (1000) filled and the rest was dropped and counted
        Await.until("slow listener dropped the overflow", () -> slow.stats().dropped() == n - 1 - 1000);
        slowRelease.countDown();
        Await.until("slow listener drains its queue", () -> slow.stats().invoked() == 1001);
    }

    @Test
    void aBacklogIsHandedToEachListenerOncePerRoutedBatchNotOncePerEvent() throws Exception {
        AtomicInteger handOffs = new AtomicInteger();
        CountDownLatch routerHeld = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        BusCore b = new BusCore(time, r -> {
            handOffs.incrementAndGet();
            pool.execute(r);
        }, () -> cache, 1000, 100_000, records::add, e -> {
            if (e instanceof BusMessage m && "hold".equals(m.topic())) {
                routerHeld.countDown();
                try {
                    release.await(20, TimeUnit.SECONDS); // the router waits here while a backlog builds up
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
            }
        }, LoggerFactory.getLogger(BusCoreTest.class));
        try {
            List<Object> seen = new CopyOnWriteArrayList<>();
            CountDownLatch all = new CountDownLatch(501);
            b.onTopic("t").subscribe("counter", m -> {
                seen.add(m.payload());
                all.countDown();
            });
            b.emit("hold", null);
            assertTrue(routerHeld.await(20, TimeUnit.SECONDS), "router took the hold event");
            for (int i = 0; i <= 500; i++) {
                b.emit("t", i);
            }
            release.countDown();
            assertTrue(all.await(20, TimeUnit.SECONDS), "every event delivered: " + seen.size());
            assertEquals(java.util.stream.IntStream.rangeClosed(0, 500).boxed().toList(), seen, "in order");
            // 501 events in batches of ROUTE_BATCH: about 8 hand-offs, never one per event
            assertTrue(handOffs.get() <= 501 / BusCore.ROUTE_BATCH + 3, "hand-offs: " + handOffs.get());
        } finally {
            b.close();
        }
    }

    @Test
    void queueOverflowDropsTheNewestAndCountsIt() throws Exception {
        bus.close();
        bus = newBus(5);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        List<Object> got = new CopyOnWriteArrayList<>();
        Subscription s = bus.onTopic("t").subscribe("small", m -> {
            started.countDown();
            release.await();
            got.add(m.payload());
        });
        bus.emit("t", 0);
        assertTrue(started.await(20, TimeUnit.SECONDS));
        for (int i = 1; i <= 10; i++) {
            bus.emit("t", i);
        }
        Await.until("5 dropped", () -> s.stats().dropped() == 5);
        release.countDown();
        Await.until("six calls", () -> got.size() == 6);
        assertEquals(List.of(0, 1, 2, 3, 4, 5), got);
        assertEquals(11, s.stats().received());
    }

    @Test
    void ingressOverflowRefusesTheNewestCountsItAndReportsIt() throws Exception {
        CountDownLatch routerHeld = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        BusCore b = new BusCore(time, pool, () -> cache, 1000, 3, records::add, e -> {
            if (e instanceof BusMessage m && "hold".equals(m.topic())) {
                routerHeld.countDown();
                try {
                    release.await(20, TimeUnit.SECONDS); // the router waits here: the ingress fills up
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
            }
        }, LoggerFactory.getLogger(BusCoreTest.class));
        List<Long> reports = new CopyOnWriteArrayList<>();
        b.onIngressDrops(reports::add);
        try {
            List<Object> got = new CopyOnWriteArrayList<>();
            b.onTopic("t").subscribe("t", m -> got.add(m.payload()));
            b.emit("hold", null);
            assertTrue(routerHeld.await(20, TimeUnit.SECONDS), "router took the hold event");
            List<Boolean> accepted = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                accepted.add(b.publish(new BusMessage("t", i, time.now())));
            }
            assertEquals(List.of(true, true, true, false, false), accepted, "an ingress of 3 takes 3, refuses the newest");
            assertEquals(2, b.ingressDropped());
            assertEquals(List.of(1L), reports, "reported at the first drop, then at most every 10 s");
            assertEquals(4, b.published());
            release.countDown();
            Await.until("the three accepted delivered", () -> got.size() == 3);
            assertEquals(List.of(0, 1, 2), got);
            assertEquals(2, b.ingressDropped());
        } finally {
            release.countDown();
            b.close();
        }
        assertEquals("dispatcher running; HA events connected; state changes from the state cache; 2 events dropped at ingress (queue full)",
                EventBusService.readyReason(true, true, 2));
        assertEquals("dispatcher running; HA events waiting for a connection; state changes waiting for the state cache",
                EventBusService.readyReason(false, false, 0));
    }

    @Test
    void invalidCombinationsAreRejectedAtRegistration() {
        Duration s = Duration.ofSeconds(1);
        assertMessage("debounce and throttle", () -> bus.onTopic("t").debounce(s).throttle(s).subscribe("x", m -> { }));
        assertMessage("once cannot be combined", () -> bus.onTopic("t").once().debounce(s).subscribe("x", m -> { }));
        assertMessage("once cannot be combined", () -> bus.onTopic("t").once().throttle(s).subscribe("x", m -> { }));
        assertMessage("holdFor and debounce", () -> bus.onStateChange("a.b").holdFor(s).debounce(s).subscribe("x", c -> { }));
        assertMessage("debounce must be positive", () -> bus.onTopic("t").debounce(Duration.ZERO).subscribe("x", m -> { }));
        assertMessage("timeout must be positive", () -> bus.onTopic("t").timeout(Duration.ofSeconds(-1)).subscribe("x", m -> { }));
        assertMessage("non-blank name", () -> bus.onTopic("t").subscribe(" ", m -> { }));
        assertMessage("depth >= 1", () -> ExecutionMode.queued(0));
        assertTrue(bus.listeners().isEmpty());
    }

    private static void assertMessage(String part, org.junit.jupiter.api.function.Executable e) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        assertTrue(ex.getMessage().contains(part), ex.getMessage());
    }

    @Test
    void registrationByNameIsIdempotentPerIfExists() {
        Subscription first = bus.onTopic("t").subscribe("named", m -> { });
        IllegalStateException dup = assertThrows(IllegalStateException.class, () -> bus.onTopic("t").subscribe("named", m -> { }));
        assertTrue(dup.getMessage().contains("ifExists"), dup.getMessage());
        assertSame(first, bus.onTopic("t").ifExists(IfExists.SKIP).subscribe("named", m -> { }));
        IllegalStateException drift = assertThrows(IllegalStateException.class,
                () -> bus.onTopic("u").ifExists(IfExists.SKIP).subscribe("named", m -> { }));
        assertTrue(drift.getMessage().contains("targets"), drift.getMessage());
        Subscription replaced = bus.onTopic("u").ifExists(IfExists.REPLACE).subscribe("named", m -> { });
        assertTrue(first.isCancelled());
        assertNotSame(first, replaced);
        assertEquals(1, bus.listeners().size());
    }

    @Test
    void serviceCallListenerMatchesDomainServiceAndData() {
        List<HaEvent> got = new CopyOnWriteArrayList<>();
        bus.onServiceCall("light", "turn_*").whereData("service_data.entity_id", Conditions.glob("light.k*"))
                .subscribe("calls", got::add);
        bus.publish(haEvent("call_service", Map.of("domain", "light", "service", "turn_on", "service_data", Map.of("entity_id", "light.kitchen"))));
        bus.publish(haEvent("call_service", Map.of("domain", "light", "service", "turn_on", "service_data", Map.of("entity_id", "light.hall"))));
        bus.publish(haEvent("call_service", Map.of("domain", "switch", "service", "turn_on", "service_data", Map.of("entity_id", "light.kitchen"))));
        bus.publish(haEvent("other", Map.of("domain", "light", "service", "turn_on")));
        bus.publish(haEvent("call_service", Map.of("domain", "light", "service", "toggle", "service_data", Map.of("entity_id", "light.k2"))));
        Await.until("one call", () -> got.size() == 1);
        drained();
        assertEquals(1, got.size());
        assertEquals(5, tapped.stream().filter(HaEvent.class::isInstance).count());
    }

    @Test
    void eventListenersFilterByType() {
        List<HaEvent> typed = new CopyOnWriteArrayList<>();
        List<HaEvent> all = new CopyOnWriteArrayList<>();
        bus.onEvent("my_event").subscribe("typed", typed::add);
        bus.onEvent(null).subscribe("all", all::add);
        bus.publish(haEvent("my_event", Map.of()));
        bus.publish(haEvent("other", Map.of()));
        Await.until("all", () -> typed.size() == 1 && all.size() == 2);
        drained();
        assertEquals(List.of("my_event"), typed.stream().map(HaEvent::eventType).toList(), "the typed listener got only its type");
        assertEquals(List.of("my_event", "other"), all.stream().map(HaEvent::eventType).toList());
    }

    @Test
    void emitReachesTopicGlobListeners() {
        List<BusMessage> got = new CopyOnWriteArrayList<>();
        bus.onTopic("app.*.ready").subscribe("apps", got::add);
        bus.emit("app.one.ready", "x");
        bus.emit("app.one.stopped", "y");
        Await.until("one", () -> got.size() == 1);
        drained();
        assertEquals("x", got.get(0).payload());
    }

    @Test
    void cancelledListenerGetsNothingMore() {
        List<BusMessage> got = new CopyOnWriteArrayList<>();
        Subscription s = bus.onTopic("t").subscribe("c", got::add);
        bus.emit("t", 1);
        Await.until("first", () -> got.size() == 1);
        s.cancel();
        s.cancel();
        bus.emit("t", 2);
        drained();
        assertEquals(1, got.size());
    }

    @Test
    void cancelWaitsForTheCallInProgressAndNoCallStartsAfterIt() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean finished = new java.util.concurrent.atomic.AtomicBoolean();
        Subscription s = bus.onTopic("slow").subscribe("slow", m -> {
            calls.incrementAndGet();
            entered.countDown();
            release.await();
            finished.set(true);
        });
        bus.emit("slow", 1);
        bus.emit("slow", 2); // queued behind the first call
        assertTrue(entered.await(20, TimeUnit.SECONDS), "first call entered");
        java.util.concurrent.atomic.AtomicBoolean cancelReturned = new java.util.concurrent.atomic.AtomicBoolean();
        Thread canceller = new Thread(() -> {
            s.cancel();
            cancelReturned.set(true);
        }, "test-canceller");
        canceller.start();
        // cancel must block on the call in progress: wait until the cancelling thread is parked in it
        Await.until("cancel blocks", () -> cancelReturned.get() || canceller.getState() == Thread.State.WAITING
                || canceller.getState() == Thread.State.TIMED_WAITING);
        assertFalse(cancelReturned.get(), "cancel returned while the handler was still inside its call");
        release.countDown();
        canceller.join(20_000);
        assertTrue(cancelReturned.get(), "cancel returned once the call finished");
        assertTrue(finished.get(), "when cancel returns, the call in progress has finished");
        drained();
        assertEquals(1, calls.get(), "no call starts after cancel");
        assertTrue(s.isCancelled());

        // a handler may cancel its own listener without waiting for itself
        java.util.concurrent.atomic.AtomicReference<Subscription> self = new java.util.concurrent.atomic.AtomicReference<>();
        CountDownLatch selfCancelled = new CountDownLatch(1);
        self.set(bus.onTopic("self").subscribe("self", m -> {
            while (self.get() == null) {
                Thread.onSpinWait();
            }
            self.get().cancel();
            selfCancelled.countDown();
        }));
        bus.emit("self", 1);
        assertTrue(selfCancelled.await(20, TimeUnit.SECONDS), "a handler cancelling itself returns at once");
    }

    private static HaEvent haEvent(String type, Map<String, Object> data) {
        return new HaEvent(type, data, "LOCAL", null, null, 1);
    }
}
