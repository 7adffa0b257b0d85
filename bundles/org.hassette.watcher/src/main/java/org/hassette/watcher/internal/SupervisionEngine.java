package org.hassette.watcher.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.hassette.api.lifecycle.ResourceStatus;
import org.hassette.api.lifecycle.SupervisionState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watcher's decisions, free of OSGi: which failure charges the budget, when to restart, when a
 * restart counts as successful (only once the resource is ready), and what happens when the budget
 * runs out. Every method hops onto one executor thread, so the state needs no locks and every
 * decision sees a consistent picture. Restarts themselves are performed by {@link Actions}, never
 * inside a callback of the component runtime.
 */
final class SupervisionEngine {
    private static final Logger LOG = LoggerFactory.getLogger(SupervisionEngine.class);

    /** What the engine asks the outside world to do. */
    interface Actions {
        /** Disables then re-enables the component; completes when the enable has finished. */
        CompletionStage<Void> restart(String component);

        /** Disables the component for good (given up). */
        void disable(String component);

        /** The first line of the component's activation failure, or null when it is not failed. */
        String activationFailure(String component);

        /**
         * The services the component waits for because SCR has not satisfied its references (e.g.
         * {@code HomeAssistantConnection}), or null when it waits for none.
         */
        default String unsatisfiedReferences(String component) {
            return null;
        }

        /** Something fatal: shut the platform down. */
        void fatal(String resource, String reason);

        /** Name of the component implementing {@code resource}, or null when none is known. */
        String componentOf(String resource);

        /**
         * Whether the platform is shutting down (a fatal shutdown was requested or the framework is
         * stopping). Once it is, nothing is restarted any more: the components are on their way down.
         */
        default boolean shuttingDown() {
            return false;
        }

        /**
         * The watcher reached a verdict about {@code resource}: {@link ResourceStatus#EXHAUSTED_COOLING}
         * (with the time of the next try), {@link ResourceStatus#EXHAUSTED_DEAD} or
         * {@link ResourceStatus#CRASHED}. Called on the engine's thread before anything follows from
         * the verdict (for CRASHED: before the shutdown is requested).
         */
        default void verdict(String resource, ResourceStatus verdict, ResourceStatus previous, Instant retryAt, String reason) {
        }

        /**
         * A restart planned by the backoff was issued: {@code failureSeenNanos} is when the engine
         * charged the failure and planned {@code plannedDelayMs}, {@code issuedNanos} when it asked
         * for the restart (both {@link System#nanoTime()}). Lets anyone check the policy's timing
         * against the policy itself.
         */
        default void restartIssued(String resource, int attempt, long failureSeenNanos, long plannedDelayMs, long issuedNanos) {
        }

        /**
         * The engine now supervises {@code count} resources (the rows of {@link #states()}); called on
         * the engine's thread each time a resource is supervised for the first time.
         */
        default void tracking(int count) {
        }
    }

    /** The component was disabled from outside; supervision stands down until it comes back. */
    static final class ComponentDisabledException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        ComponentDisabledException(String component) {
            super("component " + component + " was disabled from outside; not restarting it");
        }
    }

    enum Phase { IDLE, RESTART_SCHEDULED, RESTARTING, AWAITING_READY, COOLING, DEAD }

    /** Mutable per-resource state; touched only on the executor thread. */
    static final class Supervised {
        final String resource;
        String component;
        Phase phase = Phase.IDLE;
        final RestartBudget budget = new RestartBudget();
        int attempt;
        int cooldownCycles;
        int totalRestarts;
        long generation;
        boolean ready;
        /** What outside the platform it says it waits for while running and not ready, or {@code null}. */
        String waitingOn;
        /** The reason of its last status, for the log. */
        String lastReason;
        Instant nextAttemptAt;
        ResourceStatus verdict;
        String lastFailure;
        ScheduledFuture<?> pending;
        ResourceStatus lastStatus;
        long failureSeenNanos;
        long plannedDelayMs = -1;
        Policy policy = Policy.defaults();
        /** Its status service went away: the component may come back with another configuration (policy). */
        boolean policyStale;
        /** What brought the current restart about, for the log: "restart 2", "the operator's restart". */
        String restartCause = "restart";
        final List<Long> plannedDelaysMs = new ArrayList<>();

        Supervised(String resource) {
            this.resource = resource;
        }
    }

    private final ScheduledExecutorService executor;
    private final Actions actions;
    private final Function<String, Policy> policies;
    private final Clock clock;
    private final Random random;
    private final Map<String, Supervised> resources = new HashMap<>();
    private final Map<String, SupervisionState> published = new ConcurrentHashMap<>();

    SupervisionEngine(ScheduledExecutorService executor, Actions actions, Function<String, Policy> policies, Clock clock, Random random) {
        this.executor = executor;
        this.actions = actions;
        this.policies = policies;
        this.clock = clock;
        this.random = random;
    }

    // ---- inputs (any thread) ----

    /** A core resource's status service changed (or appeared). */
    void onStatus(String resource, ResourceStatus status, boolean ready, String reason, String exception) {
        onStatus(resource, status, ready, reason, exception, null);
    }

    /**
     * A core resource's status service changed; {@code waitingOn} names what outside the platform it
     * waits for (Home Assistant), or is {@code null}.
     */
    void onStatus(String resource, ResourceStatus status, boolean ready, String reason, String exception, String waitingOn) {
        executor.execute(() -> handleStatus(resource, null, status, ready, reason, exception, waitingOn));
    }

    /** The status service of {@code resource} went away (component deactivated or restarting). */
    void onStatusGone(String resource) {
        executor.execute(() -> {
            Supervised s = resources.get(resource);
            if (s != null) {
                s.ready = false;
                s.waitingOn = null; // said by the instance that is gone
                s.policyStale = true;
                publish(s);
            }
        });
    }

    /** SCR reports the component behind {@code resource} in FAILED_ACTIVATION. */
    void onActivationFailure(String resource, String component) {
        executor.execute(() -> {
            Supervised s = supervised(resource, component);
            if (s.phase == Phase.IDLE || s.phase == Phase.AWAITING_READY) {
                // the report comes from a scan on another thread: make sure it is not about an activation
                // that a restart has replaced since
                String current = actions.activationFailure(component);
                if (current == null) {
                    return;
                }
                s.lastStatus = ResourceStatus.FAILED;
                failure(s, "activation failed: " + current, errorType(current));
            }
        });
    }

    /** Operator request: restart now, outside budget and backoff. */
    void restartNow(String resource) {
        executor.execute(() -> {
            Supervised s = resources.get(resource);
            if (s == null || s.component == null) {
                // a healthy resource has never been charged, so its component is not known yet: look it up
                String component = actions.componentOf(resource);
                if (component == null) {
                    LOG.warn("Restart of '{}' requested, but no component declares hassette.resource={}", resource, resource);
                    return;
                }
                s = supervised(resource, component);
            }
            cancelPending(s);
            s.verdict = null;
            s.restartCause = "the operator's restart";
            LOG.info("Restarting '{}' on operator request", resource);
            restart(s);
        });
    }

    Optional<SupervisionState> state(String resource) {
        return Optional.ofNullable(published.get(resource));
    }

    List<SupervisionState> states() {
        return published.values().stream().sorted(Comparator.comparing(SupervisionState::resource)).toList();
    }

    /** For tests: the delays planned so far for a resource, in ms. */
    List<Long> plannedDelays(String resource) throws Exception {
        return executor.submit(() -> {
            Supervised s = resources.get(resource);
            return s == null ? List.<Long>of() : List.copyOf(s.plannedDelaysMs);
        }).get(5, TimeUnit.SECONDS);
    }

    /** For tests: where supervision of a resource stands ({@code null} when it is not known). */
    Phase phase(String resource) throws Exception {
        return executor.submit(() -> {
            Supervised s = resources.get(resource);
            return s == null ? null : s.phase;
        }).get(5, TimeUnit.SECONDS);
    }

    // ---- decisions (executor thread) ----

    private void handleStatus(String resource, String component, ResourceStatus status, boolean ready, String reason, String exception,
            String waitingOn) {
        Supervised s = supervised(resource, component);
        if (s.policyStale) {
            s.policyStale = false;
            policy(s);
        }
        s.ready = ready;
        s.waitingOn = ready || status != ResourceStatus.RUNNING ? null : waitingOn;
        s.lastReason = reason;
        ResourceStatus previous = s.lastStatus;
        s.lastStatus = status;
        if (ready) {
            if (s.phase == Phase.AWAITING_READY) {
                LOG.info("'{}' is ready again after {} ({})", resource, s.restartCause, reason);
            } else if (s.phase == Phase.RESTART_SCHEDULED || s.phase == Phase.COOLING || s.phase == Phase.DEAD) {
                // it recovered without us (e.g. its configuration was fixed): a planned restart would now
                // take a healthy service down, and a given-up resource is supervised again
                LOG.info("'{}' is ready on its own ({}); supervision starts over, no restart planned", resource, reason);
            }
            if (s.phase != Phase.RESTARTING && s.phase != Phase.IDLE) {
                cancelPending(s);
                s.budget.reset(); // only readiness proves the resource works
                s.attempt = 0;
                s.cooldownCycles = 0;
                s.phase = Phase.IDLE;
            }
            s.verdict = null;
            s.nextAttemptAt = null;
            publish(s);
            return;
        }
        switch (status) {
            case FAILED -> failure(s, reason + (exception == null ? "" : " (" + exception + ")"), errorType(exception));
            case CRASHED -> {
                if (policy(s).type() == Policy.Type.NONE) {
                    s.lastFailure = "crashed: " + reason;
                    LOG.error("'{}' crashed: {} (not supervised: restart type none)", resource, reason);
                    publish(s);
                } else {
                    fatal(s, "crashed: " + reason + (exception == null ? "" : " (" + exception + ")"), previous);
                }
            }
            default -> publish(s);
        }
    }

    private void failure(Supervised s, String reason, String errorType) {
        s.lastFailure = reason;
        if (s.phase == Phase.RESTART_SCHEDULED || s.phase == Phase.RESTARTING || s.phase == Phase.COOLING || s.phase == Phase.DEAD) {
            publish(s); // already being handled: one failure, one charge
            return;
        }
        cancelPending(s);
        s.phase = Phase.IDLE;
        Policy p = policy(s);
        if (p.type() == Policy.Type.NONE) {
            LOG.warn("'{}' failed: {} (not supervised: restart type none)", s.resource, reason);
            publish(s);
            return;
        }
        if (p.isFatal(errorType)) {
            fatal(s, "fatal error " + errorType + ": " + reason, s.lastStatus);
            return;
        }
        if (actions.shuttingDown()) {
            LOG.info("'{}' failed: {}. Not restarting it: the platform is shutting down", s.resource, reason);
            publish(s);
            return;
        }
        if (p.isNonRetryable(errorType)) {
            exhaust(s, p, "non-retryable error " + errorType + ": " + reason);
            return;
        }
        long now = monotonicMs();
        if (s.budget.isExhausted(now, p.window().toMillis(), p.budget())) {
            exhaust(s, p, "restart budget exhausted (" + p.budget() + " restarts in " + p.window().toSeconds() + " s); last failure: " + reason);
            return;
        }
        s.budget.charge(now);
        s.attempt++;
        s.restartCause = "restart " + s.attempt;
        Duration delay = p.delay(s.attempt, random);
        s.plannedDelaysMs.add(delay.toMillis());
        if (s.plannedDelaysMs.size() > 1000) {
            s.plannedDelaysMs.remove(0);
        }
        s.phase = Phase.RESTART_SCHEDULED;
        s.nextAttemptAt = clock.instant().plus(delay);
        s.failureSeenNanos = System.nanoTime();
        s.plannedDelayMs = delay.toMillis();
        LOG.warn("'{}' failed: {}. Restart {} (budget {}/{}) in {} ms", s.resource, reason, s.attempt, s.budget.used(), p.budget(),
                delay.toMillis());
        long gen = s.generation;
        s.pending = executor.schedule(() -> {
            if (s.generation == gen && s.phase == Phase.RESTART_SCHEDULED) {
                restart(s);
            }
        }, delay.toMillis(), TimeUnit.MILLISECONDS);
        publish(s);
    }

    private void restart(Supervised s) {
        long seen = s.failureSeenNanos;
        long planned = s.plannedDelayMs;
        s.plannedDelayMs = -1;
        if (actions.shuttingDown()) {
            LOG.info("Not restarting '{}': the platform is shutting down", s.resource);
            s.phase = Phase.IDLE;
            s.nextAttemptAt = null;
            publish(s);
            return;
        }
        if (planned >= 0) {
            actions.restartIssued(s.resource, s.attempt, seen, planned, System.nanoTime());
        }
        if (s.component == null) {
            s.component = actions.componentOf(s.resource);
        }
        if (s.component == null) {
            LOG.error("Cannot restart '{}': no component declares hassette.resource={}", s.resource, s.resource);
            s.phase = Phase.IDLE;
            publish(s);
            return;
        }
        s.phase = Phase.RESTARTING;
        s.nextAttemptAt = null;
        s.totalRestarts++;
        s.waitingOn = null; // only the restarted instance can say it again
        long gen = ++s.generation;
        publish(s);
        CompletionStage<Void> done;
        try {
            done = actions.restart(s.component);
        } catch (RuntimeException e) {
            done = java.util.concurrent.CompletableFuture.failedFuture(e);
        }
        done.whenComplete((v, err) -> executor.execute(() -> afterRestart(s, gen, err)));
    }

    private void afterRestart(Supervised s, long gen, Throwable err) {
        if (s.generation != gen || s.phase != Phase.RESTARTING) {
            return;
        }
        if (err != null) {
            s.phase = Phase.IDLE;
            if (err instanceof ComponentDisabledException || err.getCause() instanceof ComponentDisabledException) {
                LOG.info("'{}': {}", s.resource, err.getMessage());
                s.budget.reset();
                s.attempt = 0;
                s.lastFailure = "disabled from outside";
                publish(s);
                return;
            }
            failure(s, "restart did not complete: " + err, null);
            return;
        }
        Policy p = policy(s);
        s.phase = Phase.AWAITING_READY;
        s.pending = executor.schedule(() -> {
            if (s.generation == gen && s.phase == Phase.AWAITING_READY) {
                s.phase = Phase.IDLE;
                String waitsFor = waitsFor(s);
                if (waitsFor != null) {
                    // not its own fault, and another restart cannot bring back what it lacks. Readiness still
                    // resets the budget; a later failure is charged as usual.
                    LOG.info("'{}' waits for {} after {}; not charged as a failed restart", s.resource, waitsFor, s.restartCause);
                    publish(s);
                    return;
                }
                failure(s, "not ready within " + p.readinessTimeout().toSeconds() + " s after " + s.restartCause
                        + " (running is not ready)", null);
            }
        }, p.readinessTimeout().toMillis(), TimeUnit.MILLISECONDS);
        publish(s);
        String failed = actions.activationFailure(s.component);
        if (failed != null) {
            failure(s, "activation failed: " + failed, errorType(failed));
        } else if (s.ready) {
            handleStatus(s.resource, s.component, ResourceStatus.RUNNING, true, "ready", null, null);
        }
    }

    /**
     * What a restarted resource that is not ready waits for outside itself, or null: what it says it
     * waits for (Home Assistant, while it retries by itself), or the services SCR has not given it
     * (the connection, for the state cache while HA is down), which have their own supervision.
     */
    private String waitsFor(Supervised s) {
        if (s.waitingOn != null) {
            return s.waitingOn + " (" + s.lastReason + ")";
        }
        String references = actions.unsatisfiedReferences(s.component);
        return references == null ? null : references + " (SCR has not satisfied its references)";
    }

    private void exhaust(Supervised s, Policy p, String why) {
        cancelPending(s);
        switch (p.type()) {
            case PERMANENT -> fatal(s, why + " [permanent]", s.lastStatus);
            case TEMPORARY -> giveUp(s, why + " [temporary: given up]");
            case NONE -> publish(s);
            case TRANSIENT -> {
                s.cooldownCycles++;
                if (p.cooldownCycles() > 0 && s.cooldownCycles > p.cooldownCycles()) {
                    giveUp(s, why + " [transient: " + p.cooldownCycles() + " cooldown cycles used up]");
                    return;
                }
                s.phase = Phase.COOLING;
                s.verdict = ResourceStatus.EXHAUSTED_COOLING;
                s.nextAttemptAt = clock.instant().plus(p.cooldown());
                LOG.error("'{}' {}. Cooling down for {} s (cycle {}{}), then trying again", s.resource, why, p.cooldown().toSeconds(),
                        s.cooldownCycles, p.cooldownCycles() > 0 ? "/" + p.cooldownCycles() : "");
                long gen = s.generation;
                publish(s);
                actions.verdict(s.resource, ResourceStatus.EXHAUSTED_COOLING, s.lastStatus, s.nextAttemptAt, why);
                s.pending = executor.schedule(() -> {
                    if (s.generation == gen && s.phase == Phase.COOLING) {
                        s.budget.reset();
                        s.attempt = 0;
                        s.verdict = null;
                        s.restartCause = "the restart after its cooldown";
                        restart(s);
                    }
                }, p.cooldown().toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    private void giveUp(Supervised s, String why) {
        s.phase = Phase.DEAD;
        s.verdict = ResourceStatus.EXHAUSTED_DEAD;
        s.nextAttemptAt = null;
        s.lastFailure = why;
        LOG.error("'{}' {}. It stays down until restarted by hand (hassette:restart {})", s.resource, why, s.resource);
        publish(s);
        actions.verdict(s.resource, ResourceStatus.EXHAUSTED_DEAD, s.lastStatus, null, why);
        if (s.component != null) {
            actions.disable(s.component);
        }
    }

    private void fatal(Supervised s, String why, ResourceStatus previous) {
        cancelPending(s);
        s.phase = Phase.DEAD;
        s.verdict = ResourceStatus.CRASHED;
        s.nextAttemptAt = null;
        s.lastFailure = why;
        publish(s);
        // the verdict is published before the shutdown is requested, so listeners see it while the platform still runs
        actions.verdict(s.resource, ResourceStatus.CRASHED, previous, null, why);
        actions.fatal(s.resource, why);
    }

    private Supervised supervised(String resource, String component) {
        Supervised s = resources.get(resource);
        if (s == null) {
            s = new Supervised(resource);
            resources.put(resource, s);
            // its declared policy from the start: listings show the real budget before the first failure
            policy(s);
        }
        if (component != null) {
            s.component = component;
        }
        return s;
    }

    private Policy policy(Supervised s) {
        Policy p = policies.apply(s.resource);
        if (p == null) {
            p = Policy.defaults();
        }
        if (!p.problems().isEmpty() && !p.equals(s.policy)) {
            p.problems().forEach(problem -> LOG.warn("Restart policy of '{}': {}", s.resource, problem));
        }
        s.policy = p;
        return p;
    }

    private void cancelPending(Supervised s) {
        s.plannedDelayMs = -1;
        if (s.pending != null) {
            s.pending.cancel(false);
            s.pending = null;
        }
        s.generation++;
    }

    private void publish(Supervised s) {
        SupervisionState before = published.put(s.resource, new SupervisionState(s.resource, s.policy.type().label(), s.budget.used(),
                s.policy.budget(), s.totalRestarts, s.nextAttemptAt, s.verdict, s.lastFailure));
        if (before == null) {
            actions.tracking(published.size());
        }
    }

    private long monotonicMs() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
    }

    /** {@code Type: message} or a stack trace's first line {@code pkg.Type: message} → {@code Type}. */
    static String errorType(String summary) {
        if (summary == null || summary.isBlank()) {
            return null;
        }
        String first = summary.strip().lines().findFirst().orElse("");
        int colon = first.indexOf(':');
        String type = (colon < 0 ? first : first.substring(0, colon)).trim();
        if (type.contains(" ")) {
            return null;
        }
        int dot = type.lastIndexOf('.');
        return dot < 0 ? type : type.substring(dot + 1);
    }
}
