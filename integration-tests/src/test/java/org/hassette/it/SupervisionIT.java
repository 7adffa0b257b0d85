package org.hassette.it;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.hassette.api.lifecycle.ResourceStatus;
import org.hassette.api.lifecycle.ResourceStatusService;
import org.hassette.api.lifecycle.SupervisionState;
import org.hassette.api.lifecycle.Supervisor;
import org.hassette.api.platform.PlatformShutdown;
import org.hassette.api.session.SessionRecord;
import org.hassette.api.session.SessionTracker;
import org.hassette.itest.supervision.Probes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/**
 * The watcher in a real framework with real SCR: restarts with backoff and budget, readiness as
 * the only proof of a successful restart, exhaustion per restart type, one fatal shutdown however
 * many crashes arrive.
 */
class SupervisionIT {
    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 10_000)
    ServiceComponentRuntime scr;

    @InjectService(timeout = 10_000)
    ConfigurationAdmin configAdmin;

    /** Looked up on each use: one test restarts the watcher component. */
    Supervisor supervisor() {
        var ref = context.getServiceReference(Supervisor.class);
        return ref == null ? null : context.getService(ref);
    }

    private final CountingSessions sessions = new CountingSessions();
    private ServiceRegistration<SessionTracker> sessionsReg;
    private final List<String> enabled = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        Probes.reset();
        // test.bndrun sets hassette.fatal.stop.framework=false: a fatal error never stops this framework;
        // a fresh coordinator instance forgets the previous test's shutdown
        restartComponent("org.hassette.coordinator.internal.FatalShutdown");
        Await.until("a fresh coordinator", Duration.ofSeconds(10), () -> coordinator() != null && !coordinator().isShuttingDown());
        Hashtable<String, Object> p = new Hashtable<>();
        p.put(Constants.SERVICE_RANKING, 1000);
        sessionsReg = context.registerService(SessionTracker.class, sessions, p);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (String name : enabled) {
            scr.disableComponent(description(name)).getValue();
        }
        sessionsReg.unregister();
    }

    @Test
    void failedActivationIsRestartedUntilReadyAndBudgetResetsOnlyThen() throws Exception {
        int restartsBefore = state(Probes.FLAKY) == null ? 0 : state(Probes.FLAKY).totalRestarts();
        Probes.FAILURES_LEFT.put(Probes.FLAKY, new AtomicInteger(3));
        enable(Probes.FLAKY);
        Await.until("probe.flaky ready (its service registered)", Duration.ofSeconds(20),
                () -> context.getServiceReference(Probes.ProbeService.class) != null);
        assertEquals(4, Probes.attempts(Probes.FLAKY).size(), "3 failures + 1 success");
        Await.until("budget reset after readiness", Duration.ofSeconds(5),
                () -> state(Probes.FLAKY) != null && state(Probes.FLAKY).restartsInWindow() == 0);
        SupervisionState s = state(Probes.FLAKY);
        assertEquals(3, s.totalRestarts() - restartsBefore);
        assertNull(s.verdict());
    }

    @Test
    void restartThatRunsButNeverGetsReadyIsChargedAndEndsDead() throws Exception {
        enable(Probes.NEVER_READY);
        Await.until("probe.neverready given up", Duration.ofSeconds(30),
                () -> state(Probes.NEVER_READY) != null && state(Probes.NEVER_READY).verdict() == ResourceStatus.EXHAUSTED_DEAD);
        SupervisionState s = state(Probes.NEVER_READY);
        assertEquals(2, s.totalRestarts(), "budget 2: two restarts, both RUNNING without readiness, both charged");
        assertEquals(2, s.restartsInWindow(), "RUNNING never reset the budget");
        assertTrue(s.lastFailure().contains("budget exhausted"), s.lastFailure());
        Await.until("component disabled once given up", Duration.ofSeconds(5),
                () -> !scr.isComponentEnabled(description(Probes.NEVER_READY)));
        assertTrue(sessions.crashes.get() == 0 && !shuttingDown(), "a temporary resource never stops the platform");
    }

    @Test
    void permanentBudgetExhaustionShutsDownOnceAndRecordsTheCrash() throws Exception {
        enable(Probes.PERMANENT);
        Await.until("fatal shutdown", Duration.ofSeconds(20), () -> shuttingDown());
        Await.until("session finalized", Duration.ofSeconds(5), () -> sessions.finalized.get() == 1);
        assertEquals(3, Probes.attempts(Probes.PERMANENT).size(), "first attempt + 2 restarts (budget 2)");
        assertEquals(1, sessions.crashes.get());
        assertTrue(sessions.firstCrash.contains("probe.permanent: restart budget exhausted"), sessions.firstCrash);
        assertTrue(System.getProperty("hassette.exit.reason").startsWith("probe.permanent: restart budget exhausted"));
        assertEquals("1", System.getProperty("hassette.exit.code"));
        System.clearProperty("hassette.exit.code");
        System.clearProperty("hassette.exit.reason");
    }

    @Test
    void concurrentCrashesFinalizeTheSessionOnce() throws Exception {
        enable(Probes.CRASH_A);
        enable(Probes.CRASH_B);
        Await.until("both crash probes ready", Duration.ofSeconds(10),
                () -> serviceCount(Probes.ProbeService.class) == 2);
        Probes.crashTogether.countDown();
        Await.until("fatal shutdown", Duration.ofSeconds(10), () -> shuttingDown());
        Await.until("session finalized", Duration.ofSeconds(5), () -> sessions.finalized.get() >= 1);
        Await.until("both crashes reached the coordinator", Duration.ofSeconds(10),
                () -> state(Probes.CRASH_A) != null && state(Probes.CRASH_B) != null
                        && state(Probes.CRASH_A).verdict() == ResourceStatus.CRASHED && state(Probes.CRASH_B).verdict() == ResourceStatus.CRASHED);
        assertEquals(1, sessions.finalized.get(), "finalized exactly once");
        assertEquals(1, sessions.crashes.get(), "first crash recorded, second ignored");
        System.clearProperty("hassette.exit.code");
        System.clearProperty("hassette.exit.reason");
    }

    @Test
    void twentyFiveRestartsFollowTheConfiguredBackoffWithoutHeapGrowth() throws Exception {
        // policy overridden by configuration of the component's PID, as an operator would in etc/
        Configuration c = configAdmin.getConfiguration(Probes.BACKOFF, "?");
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("hassette.restart.budget", 30);
        props.put("hassette.restart.backoff.base.ms", 40L);
        props.put("hassette.restart.backoff.multiplier", 1.1);
        props.put("hassette.restart.backoff.max.ms", 120L);
        props.put("hassette.restart.backoff.jitter", 0.0);
        c.update(props);
        // Config Admin delivers the update to SCR asynchronously: see it applied on a healthy activation
        // first, so no late configuration event re-activates the component behind the watcher's back
        enable(Probes.BACKOFF);
        Await.until("configured policy applied to probe.backoff", Duration.ofSeconds(10),
                () -> scr.getComponentConfigurationDTOs(description(Probes.BACKOFF)).stream()
                        .anyMatch(dto -> Long.valueOf(40L).equals(dto.properties.get("hassette.restart.backoff.base.ms"))));
        scr.disableComponent(description(Probes.BACKOFF)).getValue();
        Probes.attempts(Probes.BACKOFF).clear();
        int restartsBefore = state(Probes.BACKOFF) == null ? 0 : state(Probes.BACKOFF).totalRestarts();
        long heapBefore = usedHeapAfterGc();
        Probes.FAILURES_LEFT.put(Probes.BACKOFF, new AtomicInteger(25));
        scr.enableComponent(description(Probes.BACKOFF)).getValue();
        Await.until("probe.backoff ready after 25 failed activations", Duration.ofSeconds(60),
                () -> context.getServiceReference(Probes.ProbeService.class) != null);
        List<Long> attempts = Probes.attempts(Probes.BACKOFF);
        assertEquals(26, attempts.size());
        StringBuilder table = new StringBuilder();
        List<Long> lateness = new ArrayList<>();
        for (int i = 1; i < attempts.size(); i++) {
            long gapMs = (attempts.get(i) - attempts.get(i - 1)) / 1_000_000;
            long expected = (long) Math.min(40 * Math.pow(1.1, i - 1), 120);
            table.append(i).append(": expected ").append(expected).append(" ms, measured ").append(gapMs).append(" ms\n");
            // the policy's promise: a restart is never early
            assertTrue(gapMs >= expected - 2, "restart " + i + " came early:\n" + table);
            if (i > 1) { // restart 1 also carries the detection through SCR's change count (debounced 100 ms)
                lateness.add(gapMs - expected);
            }
        }
        // late only by the restart itself (disable + enable + activation); a stray GC or a busy CPU may
        // delay one restart, so the bound is on the typical lateness, with a hard cap for any single one
        List<Long> sorted = lateness.stream().sorted().toList();
        long median = sorted.get(sorted.size() / 2);
        assertTrue(median <= 30, "median lateness " + median + " ms:\n" + table);
        assertTrue(sorted.get(sorted.size() - 1) <= 1000, "one restart was more than 1 s late:\n" + table);
        java.nio.file.Files.writeString(java.nio.file.Paths.get(context.getProperty("hassette.home")).getParent().resolve("backoff-timings.txt"), table);
        Await.until("budget reset", Duration.ofSeconds(5), () -> state(Probes.BACKOFF).restartsInWindow() == 0);
        assertEquals(25, state(Probes.BACKOFF).totalRestarts() - restartsBefore);
        long growth = usedHeapAfterGc() - heapBefore;
        assertTrue(growth < 8 * 1024 * 1024, "heap grew by " + growth + " bytes over 25 restarts");
    }

    @Test
    void appResourcesAreNeverSupervised() throws Exception {
        ServiceRegistration<ResourceStatusService> app = registerStatus("app:lights/hall", "app", "failed");
        // a core failure registered after it is the sync point: the watcher handles events in order
        ServiceRegistration<ResourceStatusService> core = registerStatus("probe.syncpoint", "core", "failed");
        try {
            Await.until("the core failure reached the watcher", Duration.ofSeconds(10), () -> state("probe.syncpoint") != null);
            assertNull(state("app:lights/hall"), "an app's failure is not the core watcher's business");
        } finally {
            app.unregister();
            core.unregister();
        }
    }

    @Test
    void watcherStartedAfterAFailureFindsItAndRestarts() throws Exception {
        ComponentDescriptionDTO watcher = description("org.hassette.watcher.internal.Watcher");
        scr.disableComponent(watcher).getValue();
        try {
            Probes.FAILURES_LEFT.put(Probes.FLAKY, new AtomicInteger(1));
            enable(Probes.FLAKY);
            Await.until("probe.flaky failed with nobody watching", Duration.ofSeconds(10),
                    () -> scr.getComponentConfigurationDTOs(description(Probes.FLAKY)).stream()
                            .anyMatch(c -> c.state == org.osgi.service.component.runtime.dto.ComponentConfigurationDTO.FAILED_ACTIVATION));
        } finally {
            scr.enableComponent(watcher).getValue();
        }
        Await.until("probe.flaky restarted by the new watcher and ready", Duration.ofSeconds(20),
                () -> context.getServiceReference(Probes.ProbeService.class) != null);
        assertEquals(2, Probes.attempts(Probes.FLAKY).size());
    }

    // ---- helpers ----

    private ServiceRegistration<ResourceStatusService> registerStatus(String resource, String role, String status) {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put("hassette.resource", resource);
        p.put("hassette.role", role);
        p.put("hassette.status", status);
        p.put("hassette.ready", false);
        p.put("hassette.reason", "test");
        return context.registerService(ResourceStatusService.class, () -> { throw new UnsupportedOperationException(); }, p);
    }

    private void enable(String name) throws Exception {
        scr.enableComponent(description(name)).getValue();
        enabled.add(name);
    }

    private void restartComponent(String name) throws Exception {
        ComponentDescriptionDTO d = description(name);
        scr.disableComponent(d).then(p -> scr.enableComponent(d)).getValue();
    }

    private ComponentDescriptionDTO description(String name) {
        return scr.getComponentDescriptionDTOs().stream().filter(d -> d.name.equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no component " + name));
    }

    private SupervisionState state(String resource) {
        Supervisor s = supervisor();
        return s == null ? null : s.state(resource).orElse(null);
    }

    private PlatformShutdown coordinator() {
        var ref = context.getServiceReference(PlatformShutdown.class);
        return ref == null ? null : context.getService(ref);
    }

    private boolean shuttingDown() {
        PlatformShutdown c = coordinator();
        return c != null && c.isShuttingDown();
    }

    private int serviceCount(Class<?> type) {
        try {
            var refs = context.getServiceReferences(type, null);
            return refs.size();
        } catch (Exception e) {
            return -1;
        }
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Counts what the coordinator asks of the session tracker. */
    static final class CountingSessions implements SessionTracker {
        final AtomicInteger crashes = new AtomicInteger();
        final AtomicInteger finalized = new AtomicInteger();
        volatile String firstCrash = "";

        @Override
        public long currentSessionId() {
            return 1;
        }

        @Override
        public synchronized boolean recordCrash(String errorType, String errorMessage, String errorTrace) {
            if (crashes.getAndIncrement() == 0) {
                firstCrash = errorMessage;
            }
            return true;
        }

        @Override
        public synchronized boolean finalizeSession() {
            finalized.incrementAndGet();
            return true;
        }

        @Override
        public List<SessionRecord> recentSessions(int limit) {
            return List.of();
        }
    }
}
