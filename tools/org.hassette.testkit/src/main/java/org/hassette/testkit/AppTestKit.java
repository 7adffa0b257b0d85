package org.hassette.testkit;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import org.hassette.api.app.App;
import org.hassette.api.app.AppContext;
import org.hassette.api.app.AppErrorHandler;
import org.hassette.api.constraints.Constraint;
import org.hassette.apps.internal.Scoped;
import org.hassette.api.app.AppStore;
import org.hassette.api.bus.EventBus;
import org.hassette.api.bus.InvocationRecord;
import org.hassette.api.bus.StateChange;
import org.hassette.api.constraints.ConstraintContext;
import org.hassette.api.ha.EntityState;
import org.hassette.api.ha.HaEvent;
import org.hassette.api.ha.HomeAssistantApi;
import org.hassette.api.ha.StateCache;
import org.hassette.api.scheduler.JobInfo;
import org.hassette.api.scheduler.Location;
import org.hassette.api.scheduler.RunOutcome;
import org.hassette.api.scheduler.RunRecord;
import org.hassette.api.scheduler.Scheduler;
import org.hassette.api.scheduler.VirtualClock;
import org.hassette.bus.internal.BusCore;
import org.hassette.scheduler.internal.SchedulerEngine;
import org.hassette.testkit.internal.KitStateCache;
import org.hassette.testkit.internal.TrackingExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one app in a plain JUnit test, without OSGi, against the platform's real event bus and
 * scheduler on virtual time, with states the test seeds and a Home Assistant that records calls.
 *
 * <pre>{@code
 * try (AppTestKit kit = AppTestKit.builder().startingAt(ZonedDateTime.parse("2026-11-28T21:00+01:00[Europe/Berlin]")).build()) {
 *     kit.setState("binary_sensor.hall_motion", "off");
 *     kit.start(new MotionLights(Configs.of(MotionLights.Config.class, Map.of("sensor", "binary_sensor.hall_motion",
 *             "lights", List.of("light.hall")))));
 *     kit.simulateStateChange("binary_sensor.hall_motion", "on");       // returns when the handlers finished
 *     kit.ha().assertCalled("light", "turn_on", "light.hall");
 *     kit.simulateStateChange("binary_sensor.hall_motion", "off");
 *     kit.advance(Duration.ofMinutes(2));                              // fires the off job, waits for it
 *     kit.ha().assertCalled("light", "turn_off", "light.hall");
 * }
 * }</pre>
 *
 * <p><b>Settling.</b> Every {@code simulate*} call, {@link #start}, {@link #emit} and every step of
 * {@link #advance} returns only when everything it triggered has finished: events routed, handlers
 * and jobs run, and what those did in turn (an event they fired, a state {@link Builder#haAppliesCalls()}
 * changed). A handler that never finishes fails the call after {@link Builder#settleTimeout} with the
 * stacks of the kit's threads.
 *
 * <p><b>Time</b> is a {@link VirtualClock}, frozen at {@link Builder#startingAt} until the test
 * advances it; debounce, throttle, holdFor, handler timeouts and every scheduler job run on it, in
 * deadline order, as they would in real time.
 *
 * <p><b>Failures.</b> A handler or job that throws (or times out) fails the next settling call with
 * an {@link AssertionError} whose cause is what was thrown, unless {@link Builder#allowHandlerErrors()}.
 * On the platform the same error would only be logged; in a test it is almost always a bug.
 *
 * <p>Not thread-safe: drive one kit from the test's thread.
 */
public final class AppTestKit implements AutoCloseable {
    private final VirtualClock clock;
    private final Location location;
    private final KitStateCache states = new KitStateCache();
    private final TrackingExecutor executor = new TrackingExecutor("hassette-kit-");
    private final List<InvocationRecord> invocations = new CopyOnWriteArrayList<>();
    private final BusCore bus;
    private final SchedulerEngine scheduler;
    private final RecordingHomeAssistantApi ha;
    private final InMemoryAppStore store = new InMemoryAppStore();
    private final Duration settleTimeout;
    private final boolean strict;
    private final boolean appliesCalls;
    private final String givenAppId;
    private final Set<String> reportedJobFailures = new HashSet<>();
    private int reportedInvocations;
    private int reportedUncaught;
    private App app;
    private AppContext context;
    private boolean settling;
    private final java.util.concurrent.atomic.AtomicLong contexts = new java.util.concurrent.atomic.AtomicLong();

    private AppTestKit(Builder b) {
        this.clock = VirtualClock.frozenAt(b.start);
        this.location = b.location;
        this.settleTimeout = b.settleTimeout;
        this.strict = b.strict;
        this.appliesCalls = b.appliesCalls;
        this.givenAppId = b.appId;
        this.ha = new RecordingHomeAssistantApi(this);
        // the platform's wiring: the bus takes state changes from the cache, HA events from the
        // connection (here: the kit), constraint times and sun times from the scheduler
        this.bus = BusCore.onVirtualClock(clock, executor, () -> states, invocations::add, LoggerFactory.getLogger(EventBus.class));
        this.scheduler = new SchedulerEngine(clock, executor, new java.util.Random(0), () -> Optional.ofNullable(location));
        scheduler.states(states);
        scheduler.entityValues((entityId, attribute) -> states.get(entityId).map(state -> attribute == null ? state.state()
                : state.attributes().get(attribute) == null ? null : String.valueOf(state.attributes().get(attribute))));
        states.addListener((entityId, before, after) -> {
            bus.publish(new StateChange(entityId, before, after));
            scheduler.entityChanged(entityId);
        });
        bus.constraintContext(ConstraintContext.of(scheduler.clock(), ConstraintContext.SunTimes.of(scheduler), () -> states));
        // last listener of the clock: after the bus timers and jobs due at an instant were handed
        // over, wait for them (and what they trigger) before time moves on
        clock.addListener(new VirtualClock.Listener() {
            @Override
            public Instant nextDeadline() {
                return null;
            }

            @Override
            public void onTime(Instant now) {
                settle();
            }
        });
    }

    /** A kit with defaults: time frozen at 2026-01-05 12:00 UTC (a Monday), no location, strict. */
    public static AppTestKit create() {
        return builder().build();
    }

    /** Options of a kit. */
    public static Builder builder() {
        return new Builder();
    }

    /** Options of a kit. */
    public static final class Builder {
        private ZonedDateTime start = ZonedDateTime.of(2026, 1, 5, 12, 0, 0, 0, ZoneId.of("UTC"));
        private Location location;
        private Duration settleTimeout = Duration.ofSeconds(10);
        private boolean strict = true;
        private boolean appliesCalls;
        private String appId;

        private Builder() {
        }

        /** The virtual time the kit starts at, and its zone (the scheduler's zone for daily, cron and sun jobs). */
        public Builder startingAt(ZonedDateTime start) {
            this.start = Objects.requireNonNull(start, "start");
            return this;
        }

        /** Where sun events and sun-relative constraints are computed for; without it they are unknown. */
        public Builder location(double latitude, double longitude) {
            this.location = new Location(latitude, longitude, 0);
            return this;
        }

        /** The app id the app sees ({@code app:...}); default {@code app:<the app's class name>}. */
        public Builder appId(String appId) {
            this.appId = Objects.requireNonNull(appId, "appId");
            return this;
        }

        /** How long (wall time) a settling call waits for handlers and jobs to finish; default 10 s. */
        public Builder settleTimeout(Duration timeout) {
            this.settleTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** Lets handlers and jobs throw without failing the test (to test error handling); see {@link #handlerErrors()}. */
        public Builder allowHandlerErrors() {
            this.strict = false;
            return this;
        }

        /**
         * Makes recorded {@code turn_on}, {@code turn_off}, {@code toggle}, {@code climate.set_temperature},
         * {@code input_number.set_value} and {@code setState} calls
         * change the states as Home Assistant would (with a {@code state_changed} to the bus).
         */
        public Builder haAppliesCalls() {
            this.appliesCalls = true;
            return this;
        }

        public AppTestKit build() {
            return new AppTestKit(this);
        }
    }

    // ---- the app ----

    /** Starts {@code app} with its context, as the platform does, and settles; returns the app. */
    public <A extends App> A start(A app) {
        if (this.app != null) {
            throw new IllegalStateException("this kit already runs " + this.app + "; use one kit per app instance");
        }
        String id = givenAppId != null ? givenAppId : "app:" + app.getClass().getName();
        this.context = new KitContext(id);
        this.app = app;
        try {
            app.start(context);
        } catch (Exception e) {
            throw new AssertionError("app " + id + " failed to start: " + e, e);
        }
        settle();
        return app;
    }

    /** The context the app got (or gets: {@link #start} creates it). */
    public AppContext context() {
        if (context == null) {
            throw new IllegalStateException("no app started yet");
        }
        return context;
    }

    /** Stops the app as the platform does: {@code stop()}, then every listener and job it registered is removed. */
    public void stop() {
        if (app == null) {
            return;
        }
        App a = app;
        app = null;
        try {
            a.stop();
        } finally {
            // what the platform does: the app's views cancel what it registered and refuse anything later
            ((KitContext) context).scoped.close();
        }
    }

    @Override
    public void close() {
        try {
            stop();
        } finally {
            bus.close();
            executor.close();
        }
    }

    // ---- states ----

    /** Seeds a state (attributes empty) without any event, as if it had been so before the test. */
    public EntityState setState(String entityId, String state) {
        return setState(entityId, state, Map.of());
    }

    /** Seeds a state without any event. */
    public EntityState setState(String entityId, String state, Map<String, ?> attributes) {
        Instant now = clock.now();
        EntityState s = new EntityState(entityId, state, attributes == null ? Map.of() : new LinkedHashMap<>(attributes), now, now,
                null);
        states.seed(s);
        return s;
    }

    /** The current state of an entity. */
    public Optional<EntityState> state(String entityId) {
        return states.get(entityId);
    }

    /** The state string of an entity; fails when there is none. */
    public String stateOf(String entityId) {
        return states.get(entityId).map(EntityState::state)
                .orElseThrow(() -> new AssertionError("no state for " + entityId + "; seed it with setState"));
    }

    /** The states, as the app's {@link AppContext#states()} sees them. */
    public StateCache states() {
        return states;
    }

    // ---- simulating Home Assistant ----

    /** {@code entityId} changes to {@code newState}, attributes kept; returns when every triggered handler finished. */
    public EntityState simulateStateChange(String entityId, String newState) {
        EntityState old = states.get(entityId).orElse(null);
        return simulateStateChange(entityId, newState, old == null ? Map.of() : old.attributes());
    }

    /** {@code entityId} changes to {@code newState} with these attributes; returns when every triggered handler finished. */
    public EntityState simulateStateChange(String entityId, String newState, Map<String, ?> attributes) {
        EntityState s = changeState(entityId, newState, attributes);
        settle();
        return s;
    }

    /** One attribute of {@code entityId} changes (state kept); returns when every triggered handler finished. */
    public EntityState simulateAttributeChange(String entityId, String attribute, Object value) {
        EntityState old = states.get(entityId).orElseThrow(() -> new IllegalStateException(
                "no state for " + entityId + " to change an attribute of; seed it with setState"));
        Map<String, Object> attrs = new LinkedHashMap<>(old.attributes());
        attrs.put(attribute, value);
        return simulateStateChange(entityId, old.state(), attrs);
    }

    /** {@code entityId} is removed from Home Assistant ({@code new_state: null}). */
    public void simulateRemoval(String entityId) {
        synchronized (this) {
            EntityState old = states.get(entityId).orElse(null);
            publishEvent("state_changed", stateChangedData(entityId, old, null));
            states.change(entityId, old, null);
        }
        settle();
    }

    /** Home Assistant fires an event; returns when every triggered handler finished. */
    public void simulateEvent(String eventType, Map<String, ?> data) {
        publishEvent(eventType, data == null ? Map.of() : new LinkedHashMap<>(data));
        settle();
    }

    /**
     * Somebody calls a service in Home Assistant (the {@code call_service} event, as
     * {@link EventBus#onServiceCall} sees it); returns when every triggered handler finished.
     */
    public void simulateServiceCall(String domain, String service, Map<String, ?> serviceData) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("domain", domain);
        data.put("service", service);
        data.put("service_data", serviceData == null ? Map.of() : new LinkedHashMap<>(serviceData));
        simulateEvent("call_service", data);
    }

    /** Emits an in-process message on the bus; returns when every triggered handler finished. */
    public void emit(String topic, Object payload) {
        bus.emit(topic, payload);
        settle();
    }

    // ---- time ----

    /** The kit's clock (also the scheduler's and the bus's). */
    public VirtualClock clock() {
        return clock;
    }

    /** The current virtual time in the kit's zone. */
    public ZonedDateTime now() {
        return clock.zonedNow();
    }

    /**
     * Moves virtual time forward, stopping at every deadline on the way (bus timers, jobs, job
     * timeouts) and settling at each; returns when all of it ran.
     */
    public void advance(Duration amount) {
        clock.advance(amount);
        settle();
    }

    /** Moves virtual time forward to {@code target} (see {@link #advance}). */
    public void advanceTo(ZonedDateTime target) {
        clock.advanceTo(target.toInstant());
        settle();
    }

    /** Moves virtual time forward to the next {@code wallTime} in the kit's zone (today, or tomorrow if passed). */
    public void advanceTo(LocalTime wallTime) {
        ZonedDateTime now = now();
        ZonedDateTime next = now.toLocalDate().atTime(wallTime).atZone(now.getZone());
        if (!next.isAfter(now)) {
            next = now.toLocalDate().plusDays(1).atTime(wallTime).atZone(now.getZone());
        }
        advanceTo(next);
    }

    /** Runs what is due now (jobs and timers at or before the current time) and settles. */
    public void fireDueJobs() {
        advance(Duration.ZERO);
    }

    /** The location sun events are computed for, if one was given. */
    public Optional<Location> location() {
        return Optional.ofNullable(location);
    }

    // ---- what happened ----

    /** The recording Home Assistant the app talks to. */
    public RecordingHomeAssistantApi ha() {
        return ha;
    }

    /** The app's store. */
    public InMemoryAppStore store() {
        return store;
    }

    /** The bus (the app sees the same). */
    public EventBus bus() {
        return bus;
    }

    /** The scheduler (the app sees the same). */
    public Scheduler scheduler() {
        return scheduler;
    }

    /** Every handler call so far, with outcome (including constraint skips, outcome {@code SKIPPED}). */
    public List<InvocationRecord> invocations() {
        return List.copyOf(invocations);
    }

    /** Handler calls that threw or timed out. */
    public List<InvocationRecord> handlerErrors() {
        return invocations.stream().filter(AppTestKit::failed).toList();
    }

    /**
     * Waits until nothing is left to do: every published event routed, every handler and job
     * finished, including what they triggered. Every settling call does this; call it yourself only
     * after driving the bus or scheduler directly.
     */
    public void settle() {
        if (settling) {
            return; // advancing from inside a settle (a clock wake-up): the outer call waits
        }
        settling = true;
        try {
            long deadline = System.nanoTime() + settleTimeout.toNanos();
            while (true) {
                long published = bus.published();
                if (bus.routed() == published && executor.inFlight() == 0 && bus.published() == published) {
                    break;
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new AssertionError("handlers or jobs still running after " + settleTimeout.toMillis() + " ms ("
                            + executor.inFlight() + " task(s) running, " + (bus.published() - bus.routed())
                            + " event(s) not routed): a handler blocks or loops.\n" + threadStacks());
                }
                LockSupport.parkNanos(20_000);
            }
        } finally {
            settling = false;
        }
        if (strict) {
            checkFailures();
        }
    }

    private void checkFailures() {
        List<InvocationRecord> all = invocations();
        for (int i = reportedInvocations; i < all.size(); i++) {
            InvocationRecord r = all.get(i);
            if (failed(r)) {
                reportedInvocations = i + 1;
                AssertionError e = new AssertionError("handler '" + r.listener() + "' " + r.outcome() + " on " + r.event()
                        + (r.error() == null ? "" : ": " + r.error())
                        + " (use AppTestKit.builder().allowHandlerErrors() to test error handling)");
                if (r.error() != null) {
                    e.initCause(r.error());
                }
                throw e;
            }
        }
        reportedInvocations = all.size();
        List<Throwable> uncaught = executor.uncaught();
        if (uncaught.size() > reportedUncaught) {
            Throwable t = uncaught.get(reportedUncaught);
            reportedUncaught = uncaught.size();
            throw new AssertionError("a handler or job thread failed: " + t, t);
        }
        for (JobInfo job : scheduler.jobs()) {
            for (RunRecord run : job.history()) {
                if ((run.outcome() == RunOutcome.FAILED || run.outcome() == RunOutcome.TIMED_OUT)
                        && reportedJobFailures.add(job.name() + "@" + run.at())) {
                    throw new AssertionError("job '" + job.name() + "' " + run.outcome() + " at " + run.at().atZone(clock.zone())
                            + ": " + run.detail() + " (use AppTestKit.builder().allowHandlerErrors() to test error handling)");
                }
            }
        }
    }

    private static boolean failed(InvocationRecord r) {
        return r.outcome() == InvocationRecord.Outcome.ERROR || r.outcome() == InvocationRecord.Outcome.TIMEOUT;
    }

    private static String threadStacks() {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
            String name = e.getKey().getName();
            if (name.startsWith("hassette-kit-") || name.startsWith("hassette-bus-router")) {
                sb.append(name).append(" (").append(e.getKey().getState()).append(")\n");
                StackTraceElement[] frames = e.getValue();
                for (int i = 0; i < Math.min(8, frames.length); i++) {
                    sb.append("    at ").append(frames[i]).append('\n');
                }
            }
        }
        return sb.toString();
    }

    // ---- used by the recording API ----

    boolean appliesCalls() {
        return appliesCalls;
    }

    /**
     * Applies a recorded call to an entity's state as Home Assistant would (only with
     * {@link Builder#haAppliesCalls()}): {@code turn_on}, {@code turn_off}, {@code toggle} (service
     * data of {@code turn_on} becomes attributes), {@code climate.set_temperature} (attribute
     * {@code temperature}, state from {@code hvac_mode}) and {@code input_number.set_value}.
     */
    void applyCall(String entityId, String service, Map<String, Object> data) {
        EntityState old = states.get(entityId).orElse(null);
        String current = old == null ? "off" : old.state();
        Map<String, Object> attrs = new LinkedHashMap<>(old == null ? Map.of() : old.attributes());
        String domain = entityId.substring(0, entityId.indexOf('.'));
        String next;
        switch (service) {
            case "turn_on" -> {
                next = "on";
                attrs.putAll(data);
            }
            case "turn_off" -> next = "off";
            case "toggle" -> next = "on".equals(current) ? "off" : "on";
            case "set_temperature" -> {
                if (!domain.equals("climate")) {
                    return;
                }
                if (data.containsKey("temperature")) {
                    attrs.put("temperature", data.get("temperature"));
                }
                next = data.get("hvac_mode") != null ? data.get("hvac_mode").toString() : current;
            }
            case "set_value" -> {
                if (!domain.equals("input_number") || data.get("value") == null) {
                    return;
                }
                next = data.get("value").toString();
            }
            default -> {
                return;
            }
        }
        changeState(entityId, next, attrs);
    }

    /**
     * Writes a state as Home Assistant reports a change: the {@code state_changed} event, then the
     * cache (and its listeners). Synchronized: handlers running in parallel may change states.
     */
    synchronized EntityState changeState(String entityId, String newState, Map<String, ?> attributes) {
        EntityState old = states.get(entityId).orElse(null);
        Instant now = clock.now();
        Map<String, Object> attrs = attributes == null ? Map.of() : new LinkedHashMap<>(attributes);
        Instant lastChanged = old != null && Objects.equals(old.state(), newState) && old.lastChanged() != null ? old.lastChanged() : now;
        EntityState next = new EntityState(entityId, newState, attrs, lastChanged, now, "kit-" + contexts.incrementAndGet());
        publishEvent("state_changed", stateChangedData(entityId, old, next));
        states.change(entityId, old, next);
        return next;
    }

    void publishEvent(String eventType, Map<String, Object> data) {
        bus.publish(new HaEvent(eventType, data, "LOCAL", clock.now(), "kit-" + contexts.incrementAndGet(), 1));
    }

    private static Map<String, Object> stateChangedData(String entityId, EntityState old, EntityState next) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("entity_id", entityId);
        data.put("old_state", json(old));
        data.put("new_state", json(next));
        return data;
    }

    private static Map<String, Object> json(EntityState s) {
        if (s == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("entity_id", s.entityId());
        m.put("state", s.state());
        m.put("attributes", s.attributes());
        m.put("last_changed", s.lastChanged() == null ? null : s.lastChanged().toString());
        m.put("last_updated", s.lastUpdated() == null ? null : s.lastUpdated().toString());
        Map<String, Object> ctx = new LinkedHashMap<>();
        ctx.put("id", s.contextId());
        m.put("context", ctx);
        return m;
    }

    private final class KitContext implements AppContext {
        private final String id;
        private final Logger log;
        private final Scoped scoped;
        private final EventBus scopedBus;
        private final Scheduler scopedScheduler;

        KitContext(String id) {
            this.id = id;
            this.log = LoggerFactory.getLogger("hassette.app." + (id.startsWith("app:") ? id.substring(4) : id)); // as the platform names it
            // the platform's per-app views: app-wide error handler and constraints work as they do there
            this.scoped = new Scoped(id, log);
            this.scopedBus = scoped.bus(bus);
            this.scopedScheduler = scoped.scheduler(scheduler);
        }

        @Override
        public void onError(AppErrorHandler handler) {
            scoped.onError(handler);
        }

        @Override
        public void constrainAll(Constraint... constraints) {
            scoped.constrainAll(constraints);
        }

        @Override
        public String appId() {
            return id;
        }

        @Override
        public EventBus bus() {
            return scopedBus;
        }

        @Override
        public Scheduler scheduler() {
            return scopedScheduler;
        }

        @Override
        public StateCache states() {
            return states;
        }

        @Override
        public HomeAssistantApi ha() {
            return ha;
        }

        @Override
        public Logger log() {
            return log;
        }

        @Override
        public AppStore store() {
            return store;
        }

        @Override
        public String toString() {
            return "AppContext[" + id + " in the app test kit]";
        }
    }

    @Override
    public String toString() {
        return "AppTestKit[" + clock + ", " + states.size() + " states, " + ha.calls().size() + " calls"
                + (app == null ? "" : ", running " + context.appId()) + "]";
    }
}
