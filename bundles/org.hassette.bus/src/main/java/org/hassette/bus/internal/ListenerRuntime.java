package org.hassette.bus.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.hassette.api.bus.BusError;
import org.hassette.api.bus.Condition;
import org.hassette.api.bus.ExecutionMode;
import org.hassette.api.bus.Handler;
import org.hassette.api.bus.InvocationRecord;
import org.hassette.api.constraints.Constraint;
import org.hassette.api.constraints.ConstraintContext;
import org.hassette.api.constraints.Verdict;
import org.hassette.api.bus.InvocationRecord.Outcome;
import org.hassette.api.bus.ListenerStats;
import org.hassette.api.bus.Subscription;
import org.slf4j.Logger;

/**
 * One registered listener, in two stages. Events are queued in its own bounded inbox and processed
 * one at a time on a handler thread (filters, hold, throttle, debounce, constraints), so it sees them
 * in routing order and a slow or failing listener never holds up another. The calls that survive
 * them follow the execution mode: {@code queued} and {@code parallel} calls wait in a second bounded
 * queue, the call queue, so that its depth counts calls that will really run, never events a filter
 * would have thrown away; {@code single} and {@code restart} calls start at once or not at all.
 *
 * <p>Backpressure: when the inbox or the call queue is full the newest event is dropped and counted
 * ({@link ListenerStats#dropped()}), with a warning at most every 10 s. The inbox holds
 * {@code queue.capacity} events; the call queue holds {@code queued(depth)}'s depth (at most
 * {@code queue.capacity}), or {@code queue.capacity} for the default mode and {@code parallel}.
 * A {@code parallel} listener runs at most {@value #PARALLEL_LIMIT} calls at once; more wait. Timer
 * actions (debounce, hold) are never dropped; there is at most one pending per timer.
 */
final class ListenerRuntime<E> implements Subscription {
    private static final long DROP_WARNING_NANOS = 10_000_000_000L;
    /** Calls of one {@code parallel} listener running at once at most; more wait in its call queue. */
    static final int PARALLEL_LIMIT = 8;

    private final String name;
    private final ListenerSpec<E> spec;
    private final Handler<? super E> handler;
    private final Executor executor;
    private final TimeSource time;
    private final Consumer<InvocationRecord> telemetry;
    private final Consumer<ListenerRuntime<?>> onCancel;
    private final Logger log;
    /** Raw events waiting for the filters at most. */
    private final int capacity;
    /** Calls waiting at most ({@code queued} and {@code parallel}). */
    private final int callDepth;
    /** Calls running at once at most ({@code queued}: 1, so they keep event order). */
    private final int maxRunners;
    private final Supplier<ConstraintContext> constraintContext;

    private final ArrayDeque<Runnable> inbox = new ArrayDeque<>();
    private int queuedEvents;
    private boolean draining;

    private record PendingCall<E>(E event, boolean once) {
    }

    /** Second stage: calls that passed every filter, waiting for a runner (guarded by itself). */
    private final ArrayDeque<PendingCall<E>> calls = new ArrayDeque<>();
    private int runners;
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private final AtomicBoolean running = new AtomicBoolean();
    /** Frees a single-mode listener once its handler returned (one instance, not one per call). */
    private final Runnable free = () -> running.set(false);
    private final AtomicBoolean owned = new AtomicBoolean();
    private volatile long lastDropWarning;

    // drain-confined state (only touched by the one draining thread)
    private long lastFireNanos = Long.MIN_VALUE;
    private boolean throttled;
    private boolean onceFired;
    private E debounced;
    private TimeSource.Timer debounceTimer;
    private long debounceToken;
    private final Map<String, Hold<E>> holds = new HashMap<>();
    private volatile Invocation current;

    // handler calls in progress, so that cancel() can wait for them (see cancel)
    private static final long CANCEL_WAIT_MS = 5000;
    private final Object gate = new Object();
    private final java.util.Set<Thread> calling = new java.util.HashSet<>();

    private final AtomicLong received = new AtomicLong();
    private final AtomicLong matched = new AtomicLong();
    private final AtomicLong invoked = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong suppressed = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong predicateErrors = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();

    private record Hold<E>(E event, Object value, TimeSource.Timer timer, long token) {
    }

    ListenerRuntime(String name, ListenerSpec<E> spec, Handler<? super E> handler, Executor executor, TimeSource time,
            int queueCapacity, Consumer<InvocationRecord> telemetry, Consumer<ListenerRuntime<?>> onCancel, Logger log,
            Supplier<ConstraintContext> constraintContext) {
        this.constraintContext = constraintContext;
        this.name = name;
        this.spec = spec;
        this.handler = handler;
        this.executor = executor;
        this.time = time;
        this.telemetry = telemetry;
        this.onCancel = onCancel;
        this.log = log;
        ExecutionMode mode = spec.mode;
        this.capacity = queueCapacity;
        boolean queuedDepth = mode != null && mode.kind() == ExecutionMode.Kind.QUEUED;
        this.callDepth = queuedDepth ? Math.min(mode.depth(), queueCapacity) : queueCapacity;
        this.maxRunners = mode != null && mode.kind() == ExecutionMode.Kind.PARALLEL ? PARALLEL_LIMIT : 1;
    }

    ListenerSpec<E> spec() {
        return spec;
    }

    /**
     * Router step: queues the event if this listener takes it, without starting a handler thread;
     * the router calls {@link #kick()} once per batch of routed events. Never blocks, never runs
     * user code.
     */
    void route(Object raw) {
        if (cancelled.get()) {
            return;
        }
        E event = spec.accept.apply(raw);
        if (event != null) {
            enqueue(event);
            routedSinceKick = true;
        }
    }

    /**
     * Set by {@link #route} and cleared by {@link #kickIfRouted}, both only ever on the bus router
     * thread: after a batch only the listeners that took an event are kicked (a kick takes the inbox lock).
     */
    private boolean routedSinceKick;

    /** Router thread: starts draining if this batch queued anything here. */
    void kickIfRouted() {
        if (routedSinceKick) {
            routedSinceKick = false;
            kick();
        }
    }

    /** Queues an event already in this listener's form and starts draining (used by {@code immediate}). */
    void deliver(E event) {
        enqueue(event);
        kick();
    }

    private void enqueue(E event) {
        received.incrementAndGet();
        synchronized (inbox) {
            if (queuedEvents >= capacity) {
                dropped.incrementAndGet();
                warnDropped();
                return;
            }
            queuedEvents++;
            inbox.add(() -> {
                synchronized (inbox) {
                    queuedEvents--;
                }
                process(event);
            });
        }
    }

    /**
     * Hands the queue to a handler thread unless one drains it already. Once per routed batch rather
     * than once per event: with many events queued, a thread hand-off (the dominant cost of dispatch
     * on few cores) is paid once per batch and listener, not per event and listener.
     */
    void kick() {
        boolean start;
        synchronized (inbox) {
            start = !draining && !inbox.isEmpty();
            if (start) {
                draining = true;
            }
        }
        if (start) {
            executor.execute(this::drain);
        }
    }

    /** Queues a timer action; never dropped. */
    private void action(Runnable r) {
        boolean start;
        synchronized (inbox) {
            inbox.add(r);
            start = !draining;
            draining = true;
        }
        if (start) {
            executor.execute(this::drain);
        }
    }

    private void drain() {
        while (true) {
            Runnable next;
            synchronized (inbox) {
                next = inbox.poll();
                if (next == null) {
                    draining = false;
                    break;
                }
            }
            try {
                next.run();
            } catch (RuntimeException | Error unexpected) {
                log.error("Event bus listener '{}' failed internally", name, unexpected);
            }
        }
        // the inbox is empty and released (a new event starts another drain): run waiting calls here,
        // saving a thread hand-off when the listener is idle
        startRunners(true);
    }

    /** Second stage: a call that passed every filter waits for a runner; dropped and counted beyond the depth. */
    private void enqueueCall(E event, boolean once) {
        synchronized (calls) {
            if (calls.size() >= callDepth) {
                dropped.incrementAndGet();
                warnDropped();
                return;
            }
            calls.add(new PendingCall<>(event, once));
        }
        // called on the drain: with nothing more to filter the drain runs the call itself when it ends;
        // with more events waiting for the filters a runner starts now, so calls never wait for a long backlog
        synchronized (inbox) {
            if (draining && inbox.isEmpty()) {
                return;
            }
        }
        startRunners(false);
    }

    /** Starts runners for waiting calls up to {@link #maxRunners}; with {@code inline} the last runs on this thread. */
    private void startRunners(boolean inline) {
        int start;
        synchronized (calls) {
            start = Math.min(calls.size(), maxRunners - runners);
            if (start <= 0) {
                return;
            }
            runners += start;
        }
        for (int i = 0; i < start; i++) {
            if (inline && i == start - 1) {
                runCalls();
            } else {
                executor.execute(this::runCalls);
            }
        }
    }

    private void runCalls() {
        while (true) {
            PendingCall<E> c;
            synchronized (calls) {
                c = calls.poll();
                if (c == null) {
                    runners--;
                    return;
                }
            }
            try {
                call(c.event(), c.once(), null);
            } catch (RuntimeException | Error unexpected) {
                log.error("Event bus listener '{}' failed internally", name, unexpected);
            }
        }
    }

    private void process(E event) {
        if (cancelled.get()) {
            return;
        }
        if (spec.holdFor != null) {
            cancelHoldIfChanged(event);
        }
        if (!matches(event)) {
            return;
        }
        matched.incrementAndGet();
        if (spec.holdFor != null) {
            startHold(event);
            return;
        }
        fire(event);
    }

    private boolean matches(E event) {
        try {
            for (Condition<? super E> c : spec.filters) {
                if (!c.test(event)) {
                    return false;
                }
            }
            return true;
        } catch (Exception | LinkageError e) {
            predicateErrors.incrementAndGet();
            report(new BusError(name, BusError.Phase.PREDICATE, event, e));
            return false;
        }
    }

    private void cancelHoldIfChanged(E event) {
        String key = spec.holdKey.apply(event);
        Hold<E> h = holds.get(key);
        if (h != null && !Objects.equals(h.value(), spec.holdValue.apply(event))) {
            h.timer().cancel();
            holds.remove(key);
            suppressed.incrementAndGet();
        }
    }

    private void startHold(E event) {
        String key = spec.holdKey.apply(event);
        if (holds.containsKey(key)) {
            return; // same value still holding: the first clock keeps running
        }
        long token = ++debounceToken;
        TimeSource.Timer t = time.schedule(holdLeft(event), () -> action(() -> holdElapsed(key, token)));
        holds.put(key, new Hold<>(event, spec.holdValue.apply(event), t, token));
    }

    /** The hold, less what the value has held already; a time in the future (clock skew) counts as now. */
    private Duration holdLeft(E event) {
        Instant since = spec.heldSince == null ? null : spec.heldSince.apply(event);
        if (since == null) {
            return spec.holdFor;
        }
        Duration held = Duration.between(since, time.now());
        if (held.isNegative()) {
            return spec.holdFor;
        }
        Duration left = spec.holdFor.minus(held);
        return left.isNegative() ? Duration.ZERO : left;
    }

    private void holdElapsed(String key, long token) {
        Hold<E> h = holds.get(key);
        if (h == null || h.token() != token || cancelled.get()) {
            return;
        }
        holds.remove(key);
        if (spec.currentValue != null) {
            Object now = spec.currentValue.apply(h.event());
            if (now != ListenerSpec.UNKNOWN && !Objects.equals(now, h.value())) {
                suppressed.incrementAndGet(); // the cache says it changed (an event we have not seen yet)
                return;
            }
        }
        fire(h.event());
    }

    private void fire(E event) {
        if (spec.throttle != null) {
            long now = time.nanoTime();
            if (throttled && now - lastFireNanos < spec.throttle.toNanos()) {
                suppressed.incrementAndGet();
                return;
            }
            throttled = true;
            lastFireNanos = now;
        }
        if (spec.debounce != null) {
            if (debounceTimer != null) {
                debounceTimer.cancel();
                suppressed.incrementAndGet();
            }
            debounced = event;
            long token = ++debounceToken;
            debounceTimer = time.schedule(spec.debounce, () -> action(() -> debounceElapsed(token)));
            return;
        }
        invoke(event);
    }

    private void debounceElapsed(long token) {
        if (token != debounceToken || debounced == null || cancelled.get()) {
            return;
        }
        E e = debounced;
        debounced = null;
        debounceTimer = null;
        invoke(e);
    }

    private void invoke(E event) {
        if (!spec.constraints.isEmpty() && !allowed(event)) {
            return;
        }
        boolean once = spec.once; // a once listener cancels itself before its one call, which still runs
        if (spec.once) {
            if (onceFired) {
                return;
            }
            onceFired = true;
            cancel();
        }
        ExecutionMode mode = spec.mode;
        ExecutionMode.Kind kind = mode == null ? ExecutionMode.Kind.QUEUED : mode.kind();
        switch (kind) {
            case QUEUED, PARALLEL -> enqueueCall(event, once);
            case SINGLE -> {
                if (!running.compareAndSet(false, true)) {
                    suppressed.incrementAndGet();
                    return;
                }
                executor.execute(() -> {
                    try {
                        // free again before the call's record is out: an event after the record is not skipped
                        call(event, once, free);
                    } finally {
                        running.set(false);
                    }
                });
            }
            case RESTART -> {
                Invocation c = current;
                if (c != null) {
                    c.abort(Outcome.CANCELLED);
                }
                executor.execute(() -> call(event, once, null));
            }
        }
    }

    /** Checks the constraints; a "no" is counted and reported as a skipped call, a throw as a predicate error. */
    private boolean allowed(E event) {
        ConstraintContext context = constraintContext.get();
        for (Constraint c : spec.constraints) {
            Verdict v;
            try {
                v = c.check(context);
            } catch (RuntimeException | LinkageError e) {
                predicateErrors.incrementAndGet();
                report(new BusError(name, BusError.Phase.PREDICATE, event, e));
                return false;
            }
            if (!v.allowed()) {
                skipped.incrementAndGet();
                try {
                    telemetry.accept(new InvocationRecord(name, event, time.now(), Duration.ZERO, Outcome.SKIPPED, null, v.message()));
                } catch (RuntimeException e) {
                    log.warn("Event bus telemetry failed for listener '{}': {}", name, e.toString());
                }
                return false;
            }
        }
        return true;
    }

    /**
     * One handler call with time limit, accounting, error report and telemetry; {@code handlerReturned}
     * (or null) runs as soon as the handler has returned, before the error report and the record.
     */
    private void call(E event, boolean once, Runnable handlerReturned) {
        Thread self = Thread.currentThread();
        synchronized (gate) {
            if (cancelled.get() && !once) {
                return; // cancelled after the event was taken: never start a call
            }
            calling.add(self);
        }
        try {
            callAdmitted(event, handlerReturned);
        } finally {
            synchronized (gate) {
                calling.remove(self);
                if (cancelled.get()) {
                    // only a cancel waits on the gate, and it sets cancelled before it waits
                    gate.notifyAll();
                }
            }
        }
    }

    private void callAdmitted(E event, Runnable handlerReturned) {
        invoked.incrementAndGet();
        Invocation inv = new Invocation(Thread.currentThread());
        current = inv;
        Instant start = time.now();
        long t0 = time.nanoTime();
        TimeSource.Timer limit = spec.timeout == null ? null : time.schedule(spec.timeout, () -> inv.abort(Outcome.TIMEOUT));
        Throwable error = null;
        try {
            handler.handle(event);
        } catch (Exception | LinkageError | AssertionError e) {
            error = e;
        } finally {
            if (limit != null) {
                limit.cancel();
            }
        }
        Outcome aborted = inv.finish();
        if (handlerReturned != null) {
            handlerReturned.run();
        }
        Outcome outcome;
        if (aborted == Outcome.TIMEOUT) {
            outcome = Outcome.TIMEOUT;
            TimeoutException te = new TimeoutException("listener '" + name + "' ran past its timeout of " + spec.timeout);
            if (error != null) {
                te.initCause(error);
            }
            error = te;
        } else if (aborted == Outcome.CANCELLED) {
            outcome = Outcome.CANCELLED;
        } else {
            outcome = error == null ? Outcome.SUCCESS : Outcome.ERROR;
        }
        Duration took = Duration.ofNanos(time.nanoTime() - t0);
        if (outcome == Outcome.ERROR || outcome == Outcome.TIMEOUT) {
            failed.incrementAndGet();
            report(new BusError(name, outcome == Outcome.TIMEOUT ? BusError.Phase.TIMEOUT : BusError.Phase.HANDLER, event, error));
        }
        try {
            telemetry.accept(new InvocationRecord(name, event, start, took, outcome, error));
        } catch (RuntimeException e) {
            log.warn("Event bus telemetry failed for listener '{}': {}", name, e.toString());
        }
    }

    private void report(BusError error) {
        if (spec.errorHandler == null) {
            log.warn("Event bus listener '{}' failed ({}) on {}: {}", name, error.phase(), error.event(), String.valueOf(error.error()),
                    error.error());
            return;
        }
        try {
            spec.errorHandler.onError(error);
        } catch (RuntimeException e) {
            log.warn("Error handler of event bus listener '{}' threw: {}", name, e.toString());
        }
    }

    private void warnDropped() {
        long now = System.nanoTime();
        long last = lastDropWarning;
        if (last == 0 || now - last > DROP_WARNING_NANOS) {
            lastDropWarning = now;
            log.warn("Event bus listener '{}' is too slow: its queue (events {}, calls {}) is full, {} events dropped so far", name,
                    capacity, callDepth, dropped.get());
        }
    }

    /** True for the first caller only: the view that created this listener owns it (a later SKIP does not). */
    boolean claimOwner() {
        return owned.compareAndSet(false, true);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void cancel() {
        if (detach()) {
            awaitCallsInProgress();
        }
    }

    /**
     * The part of {@link #cancel()} that never waits: no call starts any more, the bus forgets the
     * listener, its timers are cancelled. True for the first caller. The bus calls it under its
     * registration lock for {@code ifExists(REPLACE)} and waits for the running call after the lock.
     */
    boolean detach() {
        if (!cancelled.compareAndSet(false, true)) {
            return false;
        }
        onCancel.accept(this);
        // timers are drain-confined: cancel them on the drain
        action(() -> {
            if (debounceTimer != null) {
                debounceTimer.cancel();
            }
            holds.values().forEach(h -> h.timer().cancel());
            holds.clear();
        });
        return true;
    }

    /**
     * After {@code cancel()} no handler call starts; this waits for the calls already running, so
     * that when it returns (an app stopped, a bundle released its bus) none of the handler's code runs
     * any more. Not from within the handler itself (it would wait for itself), and at most the
     * listener's timeout plus a second, or {@value #CANCEL_WAIT_MS} ms without one, for a handler
     * that ignores its interrupt.
     */
    void awaitCallsInProgress() {
        long waitMs = spec.timeout == null ? CANCEL_WAIT_MS : spec.timeout.toMillis() + 1000;
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(waitMs);
        Thread self = Thread.currentThread();
        synchronized (gate) {
            while (!calling.isEmpty() && !calling.contains(self)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    log.warn("Event bus listener '{}' was cancelled while its handler still runs after {} ms", name, waitMs);
                    return;
                }
                try {
                    java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(gate, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    @Override
    public boolean isCancelled() {
        return cancelled.get();
    }

    @Override
    public ListenerStats stats() {
        return new ListenerStats(received.get(), matched.get(), invoked.get(), failed.get(), suppressed.get(), dropped.get(),
                predicateErrors.get(), skipped.get());
    }

    @Override
    public String toString() {
        return "listener '" + name + "' " + spec.signature();
    }

    /** A running handler call that a timeout or a restart may interrupt, exactly once and only while it runs. */
    private static final class Invocation {
        private final Thread thread;
        private Outcome aborted;
        private boolean done;

        Invocation(Thread thread) {
            this.thread = thread;
        }

        synchronized void abort(Outcome why) {
            if (!done && aborted == null) {
                aborted = why;
                thread.interrupt();
            }
        }

        /** Ends the call; clears an interrupt we caused so the pooled thread starts clean. */
        synchronized Outcome finish() {
            done = true;
            if (aborted != null) {
                Thread.interrupted();
            }
            return aborted;
        }
    }
}
