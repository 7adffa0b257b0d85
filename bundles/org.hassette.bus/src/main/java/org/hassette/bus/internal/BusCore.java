package org.hassette.bus.internal;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.hassette.api.bus.BusMessage;
import org.hassette.api.bus.Condition;
import org.hassette.api.bus.Conditions;
import org.hassette.api.bus.ErrorHandler;
import org.hassette.api.bus.EventBus;
import org.hassette.api.bus.ExecutionMode;
import org.hassette.api.bus.HaEventBuilder;
import org.hassette.api.bus.Handler;
import org.hassette.api.bus.IfExists;
import org.hassette.api.bus.InvocationRecord;
import org.hassette.api.constraints.Constraint;
import org.hassette.api.constraints.ConstraintContext;
import org.hassette.api.scheduler.Clock;
import org.hassette.api.bus.ListenerBuilder;
import org.hassette.api.bus.StateChange;
import org.hassette.api.bus.StateChangeBuilder;
import org.hassette.api.bus.Subscription;
import org.hassette.api.bus.TopicBuilder;
import org.hassette.api.ha.EntityState;
import org.hassette.api.ha.HaEvent;
import org.hassette.api.ha.StateCache;
import org.slf4j.Logger;

/**
 * The bus without OSGi: a bounded ingress queue, one router thread that hands each event to the
 * listeners that take it, and the listeners (each with its own queue on the handler executor).
 * Publishing never blocks and never runs user code: feeds call it from the connection's thread.
 *
 * <p>Public (in a package that is never exported) only so that the app test kit can run the very
 * same bus on a plain class path through {@link #onVirtualClock}; bundles use the service.
 */
public final class BusCore implements EventBus, AutoCloseable {
    /** Production defaults of {@code queue.capacity} and {@code ingress.capacity}. */
    static final int DEFAULT_QUEUE_CAPACITY = 1000;
    static final int DEFAULT_INGRESS_CAPACITY = 10_000;

    private final TimeSource time;
    /** Events the router takes from the ingress at once (see {@link #routeLoop()}). */
    static final int ROUTE_BATCH = 64;

    private final Executor handlers;
    private final Supplier<StateCache> cache;
    private final Consumer<InvocationRecord> telemetry;
    private final Consumer<Object> tap;
    private final Logger log;
    private final int queueCapacity;
    private final BlockingQueue<Object> ingress;
    private final CopyOnWriteArrayList<ListenerRuntime<?>> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, ListenerRuntime<?>> byName = new LinkedHashMap<>();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong routed = new AtomicLong();
    private final AtomicLong ingressDropped = new AtomicLong();
    private final Thread router;
    private volatile boolean running = true;
    private volatile long lastDropWarning;
    private volatile ConstraintContext constraintContext;
    private volatile java.util.function.LongConsumer ingressDropReport = n -> { };

    /**
     * @param tap called on the router thread with every event before it is routed (EventAdmin bridge); must not block
     */
    BusCore(TimeSource time, Executor handlers, Supplier<StateCache> cache, int queueCapacity, int ingressCapacity,
            Consumer<InvocationRecord> telemetry, Consumer<Object> tap, Logger log) {
        this.time = time;
        this.handlers = handlers;
        this.cache = cache;
        this.constraintContext = defaultConstraintContext();
        this.queueCapacity = queueCapacity;
        this.ingress = new ArrayBlockingQueue<>(ingressCapacity);
        this.telemetry = telemetry;
        this.tap = tap;
        this.log = log;
        this.router = new Thread(this::routeLoop, "hassette-bus-router");
        router.setDaemon(true);
        router.start();
    }

    /**
     * A bus whose debounce, throttle, hold and timeout timers run on {@code clock}: they fire while
     * the clock is advanced, on the advancing thread, in deadline order. Handlers run on
     * {@code handlers}; state changes for {@code holdFor} re-checks and {@code immediate} come from
     * {@code cache}. Capacities are the production defaults. For the app test kit.
     */
    public static BusCore onVirtualClock(org.hassette.api.scheduler.VirtualClock clock, Executor handlers,
            Supplier<StateCache> cache, Consumer<InvocationRecord> telemetry, Logger log) {
        return new BusCore(new VirtualClockTime(clock), handlers, cache, DEFAULT_QUEUE_CAPACITY, DEFAULT_INGRESS_CAPACITY,
                telemetry, e -> { }, log);
    }

    /** What constraints see without a scheduler: the bus's time in the system zone, no sun times, the state cache. */
    ConstraintContext defaultConstraintContext() {
        Clock clock = new Clock() {
            @Override
            public Instant now() {
                return time.now();
            }

            @Override
            public ZoneId zone() {
                return ZoneId.systemDefault();
            }
        };
        return ConstraintContext.of(clock, ConstraintContext.SunTimes.none(), cache);
    }

    /** Replaces what listener constraints see (the scheduler's clock and sun times, or fixed ones in tests). */
    public void constraintContext(ConstraintContext context) {
        this.constraintContext = Objects.requireNonNull(context, "context");
    }

    /** Whether the router thread runs. */
    boolean isRunning() {
        return running && router.isAlive();
    }

    /** Events accepted for routing. */
    public long published() {
        return published.get();
    }

    /**
     * Events the router has handed to every listener that takes them (each listener queued it or
     * dropped it). Equal to {@link #published()} when nothing waits for routing.
     */
    public long routed() {
        return routed.get();
    }

    /** Events refused because the ingress queue was full (the router fell behind the publishers). */
    public long ingressDropped() {
        return ingressDropped.get();
    }

    /**
     * Told the count of ingress drops on the first drop and then at most every 10 s while drops go on
     * (with the warning), on the publishing thread: must not block (hand the work off).
     */
    void onIngressDrops(java.util.function.LongConsumer report) {
        this.ingressDropReport = Objects.requireNonNull(report, "report");
    }

    /** Offers an event (a {@link StateChange}, {@link HaEvent} or {@link BusMessage}); false, counted, when the ingress is full. */
    public boolean publish(Object event) {
        if (!running) {
            return false;
        }
        if (!ingress.offer(event)) {
            long n = ingressDropped.incrementAndGet();
            long now = System.nanoTime();
            if (lastDropWarning == 0 || now - lastDropWarning > 10_000_000_000L) {
                lastDropWarning = now;
                log.warn("Event bus ingress full ({} events): {} events dropped so far", ingress.remainingCapacity() + ingress.size(), n);
                try {
                    ingressDropReport.accept(n);
                } catch (RuntimeException e) {
                    log.warn("Reporting ingress drops failed: {}", e.toString());
                }
            }
            return false;
        }
        published.incrementAndGet();
        return true;
    }

    /**
     * Takes what the ingress holds (up to {@link #ROUTE_BATCH} events), queues each event to the
     * listeners that take it, then starts the handler threads of those listeners once for the whole
     * batch. An idle bus routes one event at a time, so latency is unchanged; a busy one pays one
     * thread hand-off per batch and listener instead of one per event and listener.
     */
    private void routeLoop() {
        List<Object> batch = new ArrayList<>(ROUTE_BATCH);
        while (running) {
            Object first;
            try {
                first = ingress.poll(1, TimeUnit.SECONDS);
            } catch (InterruptedException ie) {
                continue;
            }
            if (first == null) {
                continue;
            }
            batch.add(first);
            ingress.drainTo(batch, ROUTE_BATCH - 1);
            for (Object e : batch) {
                try {
                    tap.accept(e);
                } catch (RuntimeException ex) {
                    log.warn("Event bus tap failed: {}", ex.toString());
                }
                for (ListenerRuntime<?> l : listeners) {
                    try {
                        l.route(e);
                    } catch (RuntimeException ex) {
                        log.error("Routing to {} failed", l, ex);
                    }
                }
            }
            int n = batch.size();
            batch.clear();
            for (ListenerRuntime<?> l : listeners) {
                try {
                    l.kickIfRouted();
                } catch (RuntimeException ex) {
                    log.error("Starting the handler of {} failed", l, ex);
                }
            }
            routed.addAndGet(n); // after the hand-offs: routed == published means every handler task was handed over
        }
    }

    @Override
    public void close() {
        running = false;
        router.interrupt();
        for (ListenerRuntime<?> l : List.copyOf(listeners)) {
            l.cancel();
        }
    }

    @Override
    public StateChangeBuilder onStateChange(String entityIdGlobOrDomain) {
        return onStateChange(List.of(Objects.requireNonNull(entityIdGlobOrDomain, "entity id, glob or domain")));
    }

    @Override
    public StateChangeBuilder onStateChange(List<String> targets) {
        return new StateRegistration(targets, null);
    }

    @Override
    public StateChangeBuilder onAttributeChange(String entityIdOrGlob, String attribute) {
        Objects.requireNonNull(attribute, "attribute");
        return new StateRegistration(List.of(Objects.requireNonNull(entityIdOrGlob, "entity id")), attribute);
    }

    @Override
    public HaEventBuilder onEvent(String eventType) {
        return new EventRegistration(eventType == null || eventType.equals("*") ? null : eventType);
    }

    @Override
    public HaEventBuilder onServiceCall(String domain, String service) {
        HaEventBuilder b = new EventRegistration("call_service");
        if (domain != null) {
            b.whereData("domain", Conditions.literalOrGlob(domain));
        }
        if (service != null) {
            b.whereData("service", Conditions.literalOrGlob(service));
        }
        return b;
    }

    @Override
    public TopicBuilder onTopic(String topic) {
        return new TopicRegistration(Objects.requireNonNull(topic, "topic"));
    }

    @Override
    public void emit(String topic, Object payload) {
        publish(new BusMessage(Objects.requireNonNull(topic, "topic"), payload, time.now()));
    }

    @Override
    public List<Subscription> listeners() {
        return List.copyOf(listeners);
    }

    <E> Subscription register(String name, ListenerSpec<E> spec, Handler<? super E> handler, Consumer<ListenerRuntime<E>> afterRegister) {
        spec.validate(name);
        Objects.requireNonNull(handler, "handler");
        ListenerRuntime<E> created;
        ListenerRuntime<?> replaced = null;
        synchronized (byName) {
            ListenerRuntime<?> existing = byName.get(name);
            if (existing != null) {
                switch (spec.ifExists) {
                    case ERROR -> throw new IllegalStateException("a listener named '" + name
                            + "' exists; cancel it, choose another name, or register with ifExists(SKIP or REPLACE)");
                    case SKIP -> {
                        List<String> drift = ListenerSpec.drift(existing.spec().signature(), spec.signature());
                        if (!drift.isEmpty()) {
                            throw new IllegalStateException("a listener named '" + name + "' exists with other options: " + drift);
                        }
                        return existing;
                    }
                    case REPLACE -> {
                        // detach under the lock (no call starts any more), wait for its running call outside it:
                        // the wait may take seconds and must not hold up other registrations or the handler itself
                        existing.detach();
                        replaced = existing;
                    }
                }
            }
            created = new ListenerRuntime<>(name, spec, handler, handlers, time, queueCapacity, telemetry, this::removed, log,
                    () -> constraintContext);
            byName.put(name, created);
            listeners.add(created);
        }
        if (replaced != null) {
            replaced.awaitCallsInProgress();
        }
        if (afterRegister != null) {
            afterRegister.accept(created);
        }
        return created;
    }

    private static Subscription owned(Subscription s, Registration<?, ?> r) {
        if (r.owner != null && s instanceof ListenerRuntime<?> l && l.claimOwner()) {
            r.owner.accept(s);
        }
        return s;
    }

    /** Makes the listeners a builder creates known to {@code owner}. */
    static <B> B ownedBy(B builder, Consumer<Subscription> owner) {
        ((Registration<?, ?>) builder).owner = owner;
        return builder;
    }

    private void removed(ListenerRuntime<?> l) {
        listeners.remove(l);
        synchronized (byName) {
            byName.remove(l.name(), l);
        }
    }

    /** Options shared by every registration kind. */
    private abstract class Registration<E, B extends ListenerBuilder<E, B>> implements ListenerBuilder<E, B> {
        final ListenerSpec<E> spec = new ListenerSpec<>();
        /** Told about each listener this builder creates (a bundle's view tracks its own); null for none. */
        Consumer<Subscription> owner;

        abstract B self();

        @Override
        public B where(Condition<? super E> predicate) {
            spec.filters.add(Objects.requireNonNull(predicate, "predicate"));
            spec.whereCount++;
            return self();
        }

        @Override
        public B constrainedBy(Constraint... constraints) {
            for (Constraint c : constraints) {
                spec.constraints.add(Objects.requireNonNull(c, "constraint"));
            }
            return self();
        }

        @Override
        public B once() {
            spec.once = true;
            return self();
        }

        @Override
        public B debounce(Duration quiet) {
            spec.debounce = Objects.requireNonNull(quiet, "debounce");
            return self();
        }

        @Override
        public B throttle(Duration period) {
            spec.throttle = Objects.requireNonNull(period, "throttle");
            return self();
        }

        @Override
        public B timeout(Duration limit) {
            spec.timeout = Objects.requireNonNull(limit, "timeout");
            return self();
        }

        @Override
        public B mode(ExecutionMode mode) {
            spec.mode = Objects.requireNonNull(mode, "mode");
            return self();
        }

        @Override
        public B onError(ErrorHandler errorHandler) {
            spec.errorHandler = errorHandler;
            return self();
        }

        @Override
        public B ifExists(IfExists policy) {
            spec.ifExists = Objects.requireNonNull(policy, "ifExists");
            return self();
        }

        @Override
        public Subscription subscribe(String name, Handler<? super E> handler) {
            return owned(register(name, spec, handler, null), this);
        }
    }

    private final class StateRegistration extends Registration<StateChange, StateChangeBuilder> implements StateChangeBuilder {
        private final EntityMatcher matcher;
        private Condition<Object> fromCondition;
        private Condition<Object> toCondition;

        StateRegistration(List<String> targets, String attribute) {
            if (targets.isEmpty()) {
                throw new IllegalArgumentException("onStateChange needs at least one entity id, glob or domain");
            }
            matcher = new EntityMatcher(targets);
            spec.kind = attribute == null ? "state" : "attribute";
            spec.targets = List.copyOf(targets);
            spec.attribute = attribute;
            spec.accept = raw -> raw instanceof StateChange c && matcher.test(c.entityId())
                    ? (attribute == null ? c : c.forAttribute(attribute)) : null;
            spec.holdKey = StateChange::entityId;
            spec.holdValue = StateChange::newValue;
            // after an app (re)start the state may have held for a while already: "open for 10 min" means
            // since it opened, not since the app registered (last_changed is about the state string only)
            spec.heldSince = c -> c.immediate() && attribute == null && c.newState() != null ? c.newState().lastChanged() : null;
            spec.currentValue = c -> {
                StateCache sc = cache.get();
                if (sc == null) {
                    return ListenerSpec.UNKNOWN;
                }
                EntityState now = sc.get(c.entityId()).orElse(null);
                return new StateChange(c.entityId(), null, now, c.attribute(), false).newValue();
            };
        }

        @Override
        StateChangeBuilder self() {
            return this;
        }

        @Override
        public StateChangeBuilder from(String literalOrGlob) {
            spec.from = literalOrGlob;
            fromCondition = Conditions.literalOrGlob(literalOrGlob);
            return this;
        }

        @Override
        public StateChangeBuilder from(Condition<Object> condition) {
            spec.from = "<condition>";
            fromCondition = Objects.requireNonNull(condition, "from");
            return this;
        }

        @Override
        public StateChangeBuilder to(String literalOrGlob) {
            spec.to = literalOrGlob;
            toCondition = Conditions.literalOrGlob(literalOrGlob);
            return this;
        }

        @Override
        public StateChangeBuilder to(Condition<Object> condition) {
            spec.to = "<condition>";
            toCondition = Objects.requireNonNull(condition, "to");
            return this;
        }

        @Override
        public StateChangeBuilder includeAttributeChanges() {
            spec.includeAttributeChanges = true;
            return this;
        }

        @Override
        public StateChangeBuilder holdFor(Duration duration) {
            spec.holdFor = Objects.requireNonNull(duration, "holdFor");
            return this;
        }

        @Override
        public StateChangeBuilder immediate() {
            spec.immediate = true;
            return this;
        }

        @Override
        public Subscription subscribe(String name, Handler<? super StateChange> handler) {
            // built-in filters run before the user's predicates
            List<Condition<? super StateChange>> builtIn = new ArrayList<>();
            boolean attributeListener = spec.attribute != null;
            boolean includeAttrs = spec.includeAttributeChanges;
            builtIn.add(c -> c.immediate() || includeAttrs && !attributeListener || !Objects.equals(c.oldValue(), c.newValue())
                    || c.oldState() == null || c.newState() == null);
            if (attributeListener) {
                builtIn.add(c -> c.immediate() || !Objects.equals(c.oldValue(), c.newValue()));
            }
            Condition<Object> from = fromCondition;
            Condition<Object> to = toCondition;
            if (from != null) {
                builtIn.add(c -> c.immediate() || from.test(c.oldValue()));
            }
            if (to != null) {
                builtIn.add(c -> to.test(c.newValue()));
            }
            spec.filters.addAll(0, builtIn);
            return owned(register(name, spec, handler, spec.immediate ? this::fireImmediate : null), this);
        }

        private void fireImmediate(ListenerRuntime<StateChange> l) {
            StateCache sc = cache.get();
            if (sc == null) {
                log.debug("Listener '{}': immediate skipped, no state cache yet", l.name());
                return;
            }
            for (EntityState s : matcher.current(sc)) {
                l.deliver(new StateChange(s.entityId(), null, s, spec.attribute, true));
            }
        }
    }

    private final class EventRegistration extends Registration<HaEvent, HaEventBuilder> implements HaEventBuilder {
        EventRegistration(String eventType) {
            spec.kind = "event";
            spec.targets = eventType == null ? List.of("*") : List.of(eventType);
            spec.accept = raw -> raw instanceof HaEvent e && (eventType == null || eventType.equals(e.eventType())) ? e : null;
        }

        @Override
        HaEventBuilder self() {
            return this;
        }

        @Override
        public HaEventBuilder whereData(String path, Condition<Object> condition) {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(condition, "condition");
            return where(e -> condition.test(Conditions.path(e.data(), path)));
        }
    }

    private final class TopicRegistration extends Registration<BusMessage, TopicBuilder> implements TopicBuilder {
        TopicRegistration(String topic) {
            Pattern p = Conditions.globPattern(topic);
            spec.kind = "topic";
            spec.targets = List.of(topic);
            spec.accept = raw -> raw instanceof BusMessage m && p.matcher(m.topic()).matches() ? m : null;
        }

        @Override
        TopicBuilder self() {
            return this;
        }
    }
}
