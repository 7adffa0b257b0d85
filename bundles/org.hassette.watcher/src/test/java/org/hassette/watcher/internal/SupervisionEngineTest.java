package org.hassette.watcher.internal;

import static org.hassette.api.lifecycle.ResourceStatus.*;
import static org.junit.jupiter.api.Assertions.*;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.hassette.api.lifecycle.SupervisionState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SupervisionEngineTest {
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
    private final List<String> restarts = new CopyOnWriteArrayList<>();
    private final List<String> disabled = new CopyOnWriteArrayList<>();
    private final List<String> fatals = new CopyOnWriteArrayList<>();
    private volatile String activationFailure;
    /** What SCR says the component waits for (unsatisfied references); null: nothing. */
    private volatile String unsatisfied;
    private volatile boolean shuttingDown;
    /** What a restart returns; null: a restart that completes at once. */
    private volatile CompletableFuture<Void> restartOutcome;
    /** Verdicts and fatal requests, in the order the engine made them. */
    private final List<String> calls = new CopyOnWriteArrayList<>();
    /** The counts the engine reported through {@code tracking}. */
    private final List<Integer> tracked = new CopyOnWriteArrayList<>();
    private final Map<String, Object> policy = new HashMap<>(Map.of(
            "hassette.restart.backoff.base.ms", 10L, "hassette.restart.backoff.jitter", 0.0,
            "hassette.restart.backoff.multiplier", 2.0, "hassette.restart.backoff.max.ms", 40L,
            "hassette.restart.readiness.timeout.seconds", 60, "hassette.restart.budget", 3));

    private final SupervisionEngine engine = new SupervisionEngine(executor, new SupervisionEngine.Actions() {
        @Override
        public CompletionStage<Void> restart(String component) {
            restarts.add(component);
            CompletableFuture<Void> outcome = restartOutcome;
            return outcome != null ? outcome : CompletableFuture.completedFuture(null);
        }

        @Override
        public void disable(String component) {
            disabled.add(component);
        }

        @Override
        public String activationFailure(String component) {
            return activationFailure;
        }

        @Override
        public String unsatisfiedReferences(String component) {
            return unsatisfied;
        }

        @Override
        public void fatal(String resource, String reason) {
            fatals.add(resource + ": " + reason);
            calls.add("fatal " + resource);
        }

        @Override
        public boolean shuttingDown() {
            return shuttingDown;
        }

        @Override
        public void verdict(String resource, org.hassette.api.lifecycle.ResourceStatus verdict,
                org.hassette.api.lifecycle.ResourceStatus previous, java.time.Instant retryAt, String reason) {
            calls.add(verdict.label() + " " + resource + " after " + (previous == null ? "?" : previous.label())
                    + (retryAt == null ? "" : " retry"));
        }

        @Override
        public String componentOf(String resource) {
            return "comp." + resource;
        }

        @Override
        public void tracking(int count) {
            tracked.add(count);
        }
    }, r -> Policy.from(policy), Clock.systemUTC(), new Random(1));

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    @Test
    void nothingIsRestartedOnceTheShutdownIsRequested() {
        engine.onStatus("db", FAILED, false, "disk full", null);
        await("first restart", () -> restarts.size() == 1);
        shuttingDown = true;
        engine.onStatus("db", FAILED, false, "disk full again", null);
        engine.onStatus("ws", FAILED, false, "connection lost", null);
        engine.restartNow("db");
        engine.onStatus("sync", RUNNING, true, "sync point", null);
        await("all signals handled", () -> engine.state("sync").isPresent());
        assertEquals(1, restarts.size(), "no restart after the shutdown request: " + restarts);
        assertTrue(fatals.isEmpty(), "a failure during shutdown is not escalated: " + fatals);
        assertEquals("disk full again", state("db").lastFailure(), "still recorded");
    }

    @Test
    void aRestartPlannedBeforeTheShutdownIsNotIssuedAfterIt() throws Exception {
        policy.put("hassette.restart.backoff.base.ms", 300L);
        engine.onStatus("db", FAILED, false, "disk full", null);
        // on the engine's thread right after the failure step, so surely before the restart planned 300 ms later
        executor.execute(() -> shuttingDown = true);
        awaitIdle();
        assertEquals(List.of(300L), engine.plannedDelays("db"), "a restart was planned before the shutdown request");
        // the planned time comes, the engine looks and refuses (it clears the planned attempt)
        await("planned restart refused", () -> engine.state("db").map(x -> x.nextAttemptAt() == null).orElse(false));
        assertTrue(restarts.isEmpty(), "the planned restart was dropped: " + restarts);
    }

    @Test
    void verdictsArePublishedAndCrashedBeforeTheShutdownRequest() {
        engine.onStatus("db", RUNNING, true, "open", null);
        engine.onStatus("db", CRASHED, false, "corrupt file", null);
        await("fatal", () -> fatals.size() == 1);
        assertEquals(List.of("crashed db after running", "fatal db"), calls);
    }

    @Test
    void failedResourceIsRestartedAndBudgetResetsOnReadiness() {
        engine.onStatus("db", FAILED, false, "disk full", "IOException: disk full");
        await("first restart", () -> restarts.size() == 1);
        assertEquals("comp.db", restarts.get(0));
        await("budget charged", () -> engine.state("db").map(x -> x.restartsInWindow() == 1).orElse(false));
        engine.onStatus("db", RUNNING, true, "open", null);
        await("budget reset after readiness", () -> engine.state("db").map(x -> x.restartsInWindow() == 0).orElse(false));
        assertNull(state("db").verdict());
    }

    @Test
    void operatorRestartOfAHealthyResourceRestartsItsComponent() {
        engine.onStatus("sched", RUNNING, true, "timer running", null);
        engine.restartNow("sched");
        await("operator restart", () -> restarts.size() == 1);
        assertEquals("comp.sched", restarts.get(0), "a resource that never failed is restarted too");
    }

    @Test
    void runningWithoutReadinessCountsAsFailedRestart() {
        policy.put("hassette.restart.budget", 5);
        policy.put("hassette.restart.readiness.timeout.seconds", 1);
        engine.onStatus("ws", FAILED, false, "auth_invalid", null);
        await("first restart", () -> restarts.size() == 1);
        // the second restart never completes, so no readiness timer charges a third time while we look
        restartOutcome = new CompletableFuture<>();
        engine.onStatus("ws", RUNNING, false, "connecting", null); // RUNNING is not ready: no reset
        await("second restart after the readiness timeout", () -> restarts.size() == 2);
        SupervisionState s = state("ws");
        assertEquals(2, s.restartsInWindow(), "the unready restart was charged, not forgiven");
        assertTrue(s.lastFailure().contains("not ready within 1 s"), s.lastFailure());
    }

    @Test
    void aRestartThatEndsWaitingForHomeAssistantIsNotChargedAndReadinessLaterResetsTheBudget() {
        policy.put("hassette.restart.budget", 5);
        policy.put("hassette.restart.readiness.timeout.seconds", 1);
        engine.onStatus("ws", RUNNING, false, "connection refused (attempt 2, next in 1 s)", null, "Home Assistant");
        engine.restartNow("ws"); // an operator's restart during an HA outage
        await("operator restart", () -> restarts.size() == 1);
        await("awaiting readiness", () -> phase("ws") == SupervisionEngine.Phase.AWAITING_READY);
        // the restarted instance retries by itself and says what it waits for
        engine.onStatus("ws", RUNNING, false, "connection refused (attempt 1, next in 100 ms)", null, "Home Assistant");
        await("the readiness timeout passed", () -> phase("ws") == SupervisionEngine.Phase.IDLE);
        SupervisionState s = state("ws");
        assertEquals(0, s.restartsInWindow(), "waiting for HA is not a failed restart");
        assertNull(s.verdict());
        assertNull(s.lastFailure());
        assertEquals(1, restarts.size(), "no further restart: " + restarts);

        engine.onStatus("ws", FAILED, false, "broken", null); // a real failure afterwards is charged as usual
        await("charged", () -> engine.state("ws").map(x -> x.restartsInWindow() == 1).orElse(false));
        await("restarted", () -> restarts.size() == 2);
    }

    @Test
    void aRestartThatEndsWaitingForAnotherResourcesServiceIsNotCharged() {
        policy.put("hassette.restart.readiness.timeout.seconds", 1);
        engine.onStatus("states", RUNNING, false, "syncing", null);
        unsatisfied = "HomeAssistantConnection"; // the connection is down: SCR cannot create the state cache again
        engine.restartNow("states");
        await("operator restart", () -> restarts.size() == 1);
        await("awaiting readiness", () -> phase("states") == SupervisionEngine.Phase.AWAITING_READY);
        await("the readiness timeout passed", () -> phase("states") == SupervisionEngine.Phase.IDLE);
        assertEquals(0, state("states").restartsInWindow(), "waiting for the connection is not a failed restart");
        assertNull(state("states").lastFailure());
        assertEquals(1, restarts.size());

        unsatisfied = null; // created, but running without readiness: charged as before
        engine.restartNow("states");
        await("second operator restart", () -> restarts.size() == 2);
        engine.onStatus("states", RUNNING, false, "syncing", null);
        await("charged", () -> engine.state("states").map(x -> x.restartsInWindow() == 1).orElse(false));
    }

    @Test
    void waitingSaidByTheInstanceBeforeARestartDoesNotExcuseTheNewOne() {
        policy.put("hassette.restart.readiness.timeout.seconds", 1);
        engine.onStatus("ws", RUNNING, false, "connection refused", null, "Home Assistant");
        engine.restartNow("ws");
        await("operator restart", () -> restarts.size() == 1);
        engine.onStatus("ws", RUNNING, false, "starting", null); // the new instance waits for nothing outside
        await("charged after the readiness timeout", () -> engine.state("ws").map(x -> x.restartsInWindow() == 1).orElse(false));
        assertTrue(state("ws").lastFailure().contains("not ready within 1 s"), state("ws").lastFailure());
    }

    @Test
    void duplicateFailureSignalsChargeOnce() {
        policy.put("hassette.restart.backoff.base.ms", 300L);
        policy.put("hassette.restart.backoff.max.ms", 300L);
        engine.onStatus("db", FAILED, false, "a", null);
        engine.onStatus("db", FAILED, false, "b", null);
        engine.onActivationFailure("db", "comp.db");
        await("restart", () -> restarts.size() == 1);
        assertEquals(1, state("db").restartsInWindow());
    }

    @Test
    void permanentExhaustionIsFatalOnce() {
        policy.put("hassette.restart.type", "permanent");
        policy.put("hassette.restart.budget", 2);
        activationFailure = "java.lang.IllegalStateException: broken";
        engine.onActivationFailure("bus", "comp.bus");
        await("fatal", () -> fatals.size() == 1);
        assertEquals(2, restarts.size(), "two restarts were allowed before exhaustion");
        assertTrue(fatals.get(0).startsWith("bus: restart budget exhausted (2 restarts in 300 s)"), fatals.get(0));
        assertEquals(CRASHED, state("bus").verdict());
        engine.onActivationFailure("bus", "comp.bus");
        awaitIdle();
        assertEquals(1, fatals.size(), "no second escalation");
    }

    @Test
    void temporaryExhaustionGivesUpAndDisables() {
        policy.put("hassette.restart.type", "temporary");
        policy.put("hassette.restart.budget", 1);
        activationFailure = "java.lang.IllegalStateException: nope";
        engine.onActivationFailure("web", "comp.web");
        await("given up", () -> verdict("web") == EXHAUSTED_DEAD);
        awaitIdle(); // the verdict is published before the step that made it has run its actions
        assertEquals(List.of("comp.web"), disabled);
        assertTrue(fatals.isEmpty());
        assertEquals(List.of("exhausted_dead web after failed"), calls, "the verdict is published");
    }

    @Test
    void transientExhaustionCoolsDownThenRetriesUntilCyclesRunOut() {
        policy.put("hassette.restart.budget", 1);
        policy.put("hassette.restart.cooldown.seconds", 1);
        policy.put("hassette.restart.cooldown.cycles", 1);
        activationFailure = "java.lang.IllegalStateException: still broken";
        engine.onActivationFailure("ws", "comp.ws");
        await("cooling", () -> verdict("ws") == EXHAUSTED_COOLING);
        awaitIdle(); // the verdict is published before the step that made it has run its actions
        assertNotNull(state("ws").nextAttemptAt());
        await("given up after one cooldown cycle", () -> verdict("ws") == EXHAUSTED_DEAD);
        awaitIdle(); // the verdict is published before the step that made it has run its actions
        assertEquals(List.of("comp.ws"), disabled);
        assertTrue(restarts.size() >= 2, "restarted after the cooldown: " + restarts);
        assertTrue(fatals.isEmpty(), "transient never shuts the platform down");
        assertEquals(List.of("exhausted_cooling ws after failed retry", "exhausted_dead ws after failed"), calls,
                "both verdicts published, the cooling one with its retry time");
    }

    @Test
    void fatalErrorNameShutsDownAtOnce() {
        policy.put("hassette.restart.fatal.errors", new String[] {"SchemaTooNewException"});
        engine.onStatus("db", FAILED, false, "schema v9 > v1", "SchemaTooNewException: schema v9 > v1");
        await("fatal", () -> fatals.size() == 1);
        assertTrue(restarts.isEmpty());
    }

    @Test
    void nonRetryableErrorSkipsRestarts() {
        policy.put("hassette.restart.nonretryable.errors", List.of("InvalidAuthException"));
        policy.put("hassette.restart.type", "temporary");
        engine.onStatus("ws", FAILED, false, "token rejected", "InvalidAuthException: token rejected");
        await("dead", () -> verdict("ws") == EXHAUSTED_DEAD);
        awaitIdle(); // the verdict is published before the step that made it has run its actions
        assertTrue(restarts.isEmpty());
    }

    @Test
    void crashedResourceIsFatal() {
        engine.onStatus("db", CRASHED, false, "corrupt file", null);
        await("fatal", () -> fatals.size() == 1);
    }

    @Test
    void backoffFollowsThePolicyAndIsCapped() throws Exception {
        policy.put("hassette.restart.budget", 10);
        activationFailure = "java.lang.IllegalStateException: x";
        engine.onActivationFailure("db", "comp.db");
        await("five restarts", () -> restarts.size() >= 5);
        List<Long> delays = engine.plannedDelays("db").subList(0, 5);
        assertEquals(List.of(10L, 20L, 40L, 40L, 40L), delays);
    }

    @Test
    void twoResourcesFailingTogetherHaveIndependentBudgets() {
        policy.put("hassette.restart.budget", 1);
        policy.put("hassette.restart.type", "temporary");
        engine.onStatus("a", FAILED, false, "a broke", null);
        engine.onStatus("b", FAILED, false, "b broke", null);
        await("both restarted once", () -> restarts.contains("comp.a") && restarts.contains("comp.b"));
        await("a awaits readiness", () -> phase("a") == SupervisionEngine.Phase.AWAITING_READY);
        engine.onStatus("a", FAILED, false, "a broke again", null);
        await("a given up", () -> verdict("a") == EXHAUSTED_DEAD);
        awaitIdle(); // the verdict is published before the step that made it has run its actions
        assertNull(verdict("b"), "b's budget is its own");
        assertEquals(List.of("comp.a"), disabled);
    }

    @Test
    void pendingRestartsStopWithTheWatcher() throws Exception {
        // long enough that no stalled test thread sees the restart issued before it stops the executor
        policy.put("hassette.restart.backoff.base.ms", 3000L);
        policy.put("hassette.restart.backoff.max.ms", 3000L);
        engine.onStatus("db", FAILED, false, "x", null);
        await("restart planned", () -> engine.state("db").map(st -> st.nextAttemptAt() != null).orElse(false));
        executor.shutdownNow(); // what Watcher.deactivate does
        assertTrue(executor.awaitTermination(5, TimeUnit.SECONDS));
        assertTrue(restarts.isEmpty(), "no restart after the watcher stopped");
    }

    @Test
    void aResourceThatRecoversOnItsOwnIsNotRestartedLater() throws Exception {
        policy.put("hassette.restart.backoff.base.ms", 400L);
        policy.put("hassette.restart.backoff.max.ms", 400L);
        engine.onStatus("db", FAILED, false, "bad value in its configuration", null);
        // queued right behind the failure, so it is handled long before the planned restart is due
        engine.onStatus("db", RUNNING, true, "open", null); // the operator fixed the file; SCR re-created it
        awaitIdle();
        assertEquals(List.of(400L), engine.plannedDelays("db"), "a restart was planned");
        assertNull(state("db").nextAttemptAt());
        assertEquals(0, state("db").restartsInWindow());
        // the single-threaded executor runs this after the moment the dropped restart was due
        executor.schedule(() -> { }, 600, TimeUnit.MILLISECONDS).get(5, TimeUnit.SECONDS);
        assertTrue(restarts.isEmpty(), "a healthy resource was restarted: " + restarts);
    }

    @Test
    void aGivenUpResourceThatComesBackIsSupervisedAgain() {
        policy.put("hassette.restart.type", "temporary");
        policy.put("hassette.restart.budget", 1);
        engine.onStatus("web", FAILED, false, "broken", null);
        await("first restart", () -> restarts.size() == 1);
        // a failure while the restart is under way is the same failure; this one comes from the new instance
        await("awaiting readiness", () -> phase("web") == SupervisionEngine.Phase.AWAITING_READY);
        engine.onStatus("web", FAILED, false, "still broken", null);
        await("given up", () -> verdict("web") == EXHAUSTED_DEAD);
        awaitIdle(); // the verdict is published before the step that made it has run its actions
        engine.onStatus("web", RUNNING, true, "enabled by the operator", null);
        await("verdict cleared", () -> verdict("web") == null);
        engine.onStatus("web", FAILED, false, "broken again", null);
        await("restarted again", () -> restarts.size() == 2);
    }

    @Test
    void theDeclaredPolicyIsShownBeforeTheFirstFailure() {
        policy.put("hassette.restart.type", "temporary");
        engine.onStatus("db", RUNNING, true, "open", null);
        awaitIdle();
        SupervisionState st = state("db");
        assertEquals("temporary", st.policyType(), "the resource's own type, not the default");
        assertEquals(0, st.restartsInWindow());
        assertEquals(3, st.budget(), "the declared budget, not the default 5");
    }

    @Test
    void aPolicyChangedWhileTheComponentWasAwayIsShownWhenItComesBack() {
        engine.onStatus("db", RUNNING, true, "open", null);
        awaitIdle();
        assertEquals(3, state("db").budget());
        policy.put("hassette.restart.budget", 7); // e.g. a configuration in etc/: SCR re-creates the component
        engine.onStatusGone("db");
        engine.onStatus("db", RUNNING, true, "open", null);
        awaitIdle();
        assertEquals(7, state("db").budget());
    }

    @Test
    void theTrackedCountIsTheNumberOfListedResources() {
        engine.onStatus("db", RUNNING, true, "open", null);
        engine.onStatus("ws", RUNNING, false, "connecting", null);
        engine.onStatus("db", FAILED, false, "disk full", null);
        engine.onActivationFailure("sched", "comp.sched"); // no longer failed when read again, but now known
        awaitIdle();
        assertEquals(List.of(1, 2), tracked, "once per newly supervised resource");
        assertEquals(tracked.get(tracked.size() - 1), engine.states().size());
    }

    @Test
    void policyWithBadValuesFallsBackAndSaysWhy() {
        Policy p = Policy.from(Map.of("hassette.restart.type", "sometimes", "hassette.restart.budget", "many"));
        assertEquals(Policy.Type.TRANSIENT, p.type());
        assertEquals(5, p.budget());
        assertEquals(2, p.problems().size(), p.problems().toString());
        assertTrue(p.problems().get(0).contains("'sometimes'"));
    }

    @Test
    void jitterStaysWithinItsBounds() {
        Policy p = Policy.from(Map.of("hassette.restart.backoff.base.ms", 1000L, "hassette.restart.backoff.jitter", 0.1));
        Random r = new Random(7);
        for (int i = 0; i < 1000; i++) {
            long d = p.delay(1, r).toMillis();
            assertTrue(d >= 900 && d <= 1100, "delay " + d);
        }
    }

    @Test
    void errorTypeIsTakenFromSummariesAndTraces() {
        assertEquals("IllegalStateException", SupervisionEngine.errorType("java.lang.IllegalStateException: boom\n\tat x"));
        assertEquals("SchemaTooNewException", SupervisionEngine.errorType("SchemaTooNewException: v9"));
        assertNull(SupervisionEngine.errorType("not ready within 1 s"));
        assertNull(SupervisionEngine.errorType(null));
    }

    private Object verdict(String resource) {
        return engine.state(resource).map(SupervisionState::verdict).orElse(null);
    }

    private SupervisionState state(String resource) {
        return engine.state(resource).orElseThrow(() -> new AssertionError("no state for " + resource));
    }

    private SupervisionEngine.Phase phase(String resource) {
        try {
            return engine.phase(resource);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private void awaitIdle() {
        try {
            executor.submit(() -> { }).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }
}
