package org.hassette.it;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.hassette.api.lifecycle.ResourceStatus;
import org.hassette.api.lifecycle.ResourceStatusService;
import org.hassette.api.lifecycle.StatusRecord;
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
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;
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

    @InjectService(timeout = 10_000)
    org.apache.felix.service.command.CommandProcessor processor;

    @InjectService(timeout = 10_000)
    LogReaderService logReader;

    /** Looked up on each use: one test restarts the watcher component. */
    Supervisor supervisor() {
        var ref = context.getServiceReference(Supervisor.class);
        return ref == null ? null : context.getService(ref);
    }

    /** How late a timer may fire on a loaded 2-core CI machine without the policy being wrong. */
    private static final long SCHEDULING_SLACK_MS = 200;

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
        // and a fresh watcher: it forgets verdicts (a crashed probe stays DEAD) and restarts planned by the previous test
        restartComponent("org.hassette.watcher.internal.Watcher");
        Await.until("a fresh watcher", Duration.ofSeconds(10), () -> supervisor() != null);
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
        Await.until("budget reset after readiness", Duration.ofSeconds(20),
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
        Await.until("component disabled once given up", Duration.ofSeconds(20),
                () -> !scr.isComponentEnabled(description(Probes.NEVER_READY)));
        assertTrue(sessions.crashes.get() == 0 && !shuttingDown(), "a temporary resource never stops the platform");
    }

    @Test
    void permanentBudgetExhaustionShutsDownOnceAndRecordsTheCrash() throws Exception {
        List<Event> verdicts = new CopyOnWriteArrayList<>();
        List<Boolean> shuttingDownAtVerdict = new CopyOnWriteArrayList<>();
        ServiceRegistration<EventHandler> handler = onEvents("org/hassette/resource/CRASHED", "(origin=watcher)", e -> {
            shuttingDownAtVerdict.add(shuttingDown());
            verdicts.add(e);
        });
        try {
            enable(Probes.PERMANENT);
            Await.until("fatal shutdown", Duration.ofSeconds(20), () -> shuttingDown());
            Await.until("session finalized", Duration.ofSeconds(20), () -> sessions.finalized.get() == 1);
        } finally {
            handler.unregister();
        }
        // the watcher's CRASHED verdict is an event, delivered before the shutdown was requested
        assertEquals(1, verdicts.size(), verdicts.toString());
        Event v = verdicts.get(0);
        assertEquals(Probes.PERMANENT, v.getProperty("resource"));
        assertEquals("crashed", v.getProperty("status"));
        assertEquals("failed", v.getProperty("previous"), "its activation had failed");
        assertTrue(String.valueOf(v.getProperty("reason")).startsWith("restart budget exhausted"), String.valueOf(v.getProperty("reason")));
        assertEquals(List.of(false), shuttingDownAtVerdict, "the CRASHED event arrived before the shutdown started");
        assertEquals(3, Probes.attempts(Probes.PERMANENT).size(), "first attempt + 2 restarts (budget 2)");
        assertEquals(1, shutdownRequests());
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
        Await.until("session finalized", Duration.ofSeconds(20), () -> sessions.finalized.get() >= 1);
        Await.until("both crashes reached the coordinator", Duration.ofSeconds(10),
                () -> state(Probes.CRASH_A) != null && state(Probes.CRASH_B) != null
                        && state(Probes.CRASH_A).verdict() == ResourceStatus.CRASHED && state(Probes.CRASH_B).verdict() == ResourceStatus.CRASHED);
        assertEquals(1, sessions.finalized.get(), "finalized exactly once");
        assertEquals(1, sessions.crashes.get(), "first crash recorded, second ignored");
        Await.until("both shutdown requests reached the coordinator", Duration.ofSeconds(10), () -> shutdownRequests() == 2);
        assertEquals(1, sessions.finalized.get(), "still finalized exactly once after the second request");
        System.clearProperty("hassette.exit.code");
        System.clearProperty("hassette.exit.reason");
    }

    @Test
    void aCrashDuringTheFatalShutdownIsIgnoredAndTheFirstReasonKept() throws Exception {
        enable(Probes.CRASH_ON_STOP);
        Await.until("probe.crashonstop ready", Duration.ofSeconds(10), () -> context.getServiceReference(Probes.ProbeService.class) != null);
        enable(Probes.PERMANENT);
        Await.until("fatal shutdown", Duration.ofSeconds(20), () -> shuttingDown());
        Await.until("session finalized", Duration.ofSeconds(20), () -> sessions.finalized.get() == 1);
        // the framework stop deactivates every component; this harness keeps its framework (stop_framework=false),
        // so the test stops the probe the way the framework would, and it crashes on its way down
        scr.disableComponent(description(Probes.CRASH_ON_STOP)).getValue();
        assertEquals(1, Probes.deactivations(Probes.CRASH_ON_STOP).size());
        Await.until("the second crash reached the coordinator", Duration.ofSeconds(10), () -> shutdownRequests() == 2);
        assertEquals(ResourceStatus.CRASHED, state(Probes.CRASH_ON_STOP).verdict());
        assertEquals(1, sessions.crashes.get(), "one crash record");
        assertEquals(1, sessions.finalized.get(), "one finalization");
        assertTrue(sessions.firstCrash.startsWith("probe.permanent: restart budget exhausted"), "the first reason is kept: " + sessions.firstCrash);
        assertTrue(System.getProperty("hassette.exit.reason").startsWith("probe.permanent: restart budget exhausted"),
                System.getProperty("hassette.exit.reason"));
        System.clearProperty("hassette.exit.code");
        System.clearProperty("hassette.exit.reason");
    }

    @Test
    void nothingIsRestartedOnceAFatalShutdownIsUnderWay() throws Exception {
        // probe.backoff fails on every activation and is restarted every 200 ms, for as long as the watcher lets it
        configureBackoff(1000, 200L, 1.0, 200L);
        Probes.FAILURES_LEFT.put(Probes.BACKOFF, new AtomicInteger(Integer.MAX_VALUE));
        scr.enableComponent(description(Probes.BACKOFF)).getValue();
        Await.until("probe.backoff keeps being restarted", Duration.ofSeconds(20), () -> Probes.attempts(Probes.BACKOFF).size() >= 3);
        enable(Probes.PERMANENT);
        Await.until("fatal shutdown", Duration.ofSeconds(20), () -> shuttingDown());
        int atShutdown = Probes.attempts(Probes.BACKOFF).size();
        int restartsAtShutdown = state(Probes.BACKOFF).totalRestarts();
        // a negative observation, so a fixed window (not a readiness wait): ten backoff periods in which
        // a watcher that ignored the shutdown would have restarted it ten times
        Thread.sleep(Duration.ofSeconds(2).toMillis());
        int after = Probes.attempts(Probes.BACKOFF).size();
        assertTrue(after <= atShutdown + 1, "at most the restart already issued when the shutdown began; attempts " + atShutdown + " -> " + after);
        assertTrue(state(Probes.BACKOFF).totalRestarts() <= restartsAtShutdown + 1, state(Probes.BACKOFF).toString());
        assertNull(state(Probes.BACKOFF).nextAttemptAt(), "no restart planned: " + state(Probes.BACKOFF));
        System.clearProperty("hassette.exit.code");
        System.clearProperty("hassette.exit.reason");
    }

    @Test
    void aRestartDeactivatesOnceAndActivatesOnce() throws Exception {
        enable(Probes.FLAKY);
        Await.until("probe.flaky ready", Duration.ofSeconds(20), () -> context.getServiceReference(Probes.ProbeService.class) != null);
        assertEquals(1, Probes.attempts(Probes.FLAKY).size());
        assertEquals(0, Probes.deactivations(Probes.FLAKY).size());
        var before = context.getServiceReference(Probes.ProbeService.class);
        List<String> watcherLog = new CopyOnWriteArrayList<>();
        LogListener listener = entry -> {
            if (entry.getLogLevel() == LogLevel.INFO && "org.hassette.watcher.internal.SupervisionEngine".equals(entry.getLoggerName())) {
                watcherLog.add(entry.getMessage());
            }
        };
        logReader.addLogListener(listener);
        try {
            supervisor().restartNow(Probes.FLAKY);
            Await.until("probe.flaky registered again", Duration.ofSeconds(20), () -> {
                var now = context.getServiceReference(Probes.ProbeService.class);
                return now != null && !now.equals(before);
            });
            // an operator's restart is outside the budget: the log names it, not "restart 0"
            Await.until("the ready-again line", Duration.ofSeconds(10),
                    () -> watcherLog.stream().anyMatch(m -> m.startsWith("'" + Probes.FLAKY + "' is ready again after the operator's restart")));
        } finally {
            logReader.removeLogListener(listener);
        }
        assertEquals(1, Probes.deactivations(Probes.FLAKY).size(), "one deactivation");
        assertEquals(2, Probes.attempts(Probes.FLAKY).size(), "one more activation");
        assertTrue(Probes.deactivations(Probes.FLAKY).get(0) < Probes.attempts(Probes.FLAKY).get(1), "disable, then enable");
    }

    @Test
    void listingsShowTheDeclaredPolicyBeforeAnyFailureAndTheWatcherCountsWhatItLists() throws Exception {
        // the platform's database and session tracker declare budget 3 (transient); neither has failed under this fresh watcher
        Platform.awaitCoreReady(context, Duration.ofSeconds(30));
        Await.until("both supervised", Duration.ofSeconds(10), () -> state("database") != null && state("session") != null);
        for (String resource : List.of("database", "session")) {
            SupervisionState s = state(resource);
            assertEquals("transient", s.policyType(), resource);
            assertEquals("0/3", s.restartsInWindow() + "/" + s.budget(), resource + ": the declared budget, not the default 5");
        }
        String table = Gogo.run(processor, "hassette:watcher");
        assertTrue(table.lines().anyMatch(l -> l.matches("database +transient +0/3 .*")), table);
        String services = Gogo.run(processor, "hassette:services");
        assertTrue(services.lines().anyMatch(l -> l.matches("session +running +yes +\\d+ +transient +0/3 .*")), services);

        // the watcher's own reason counts the rows hassette:watcher shows (not itself, not apps)
        Await.until("the watcher's count matches its listing", Duration.ofSeconds(10), () -> {
            long rows = supervisor().states().size();
            String listed = shell("hassette:watcher");
            return listed.lines().count() - 1 == rows
                    && Platform.status(context, "watcher").reason().equals("tracking " + rows + " core resources (hassette:watcher lists them)");
        });
    }

    @Test
    void theWatcherRefusesToRestartItselfAndSaysWhatToDoInstead() throws Exception {
        Exception e = assertThrows(Exception.class, () -> Gogo.run(processor, "hassette:restart watcher"));
        long bundle = bundleOf("org.hassette.watcher");
        assertEquals("the watcher cannot restart itself; restart its bundle with 'restart " + bundle + "', or 'scr:disable "
                + "org.hassette.watcher.internal.Watcher' then 'scr:enable org.hassette.watcher.internal.Watcher' (a new watcher starts "
                + "with fresh budgets and no verdicts)", e.getMessage());
        assertTrue(Platform.isReady(context, "watcher"), "nothing happened to it");
    }

    private String shell(String command) {
        try {
            return Gogo.run(processor, command);
        } catch (Exception e) {
            throw new AssertionError(command + " failed: " + e, e);
        }
    }

    private long bundleOf(String symbolicName) {
        for (org.osgi.framework.Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b.getBundleId();
            }
        }
        throw new AssertionError("no bundle " + symbolicName);
    }

    @Test
    void whyShowsTheRealWatchersPlan() throws Exception {
        // a long backoff: the planned restart is a minute away while we look
        configureBackoff(30, 60_000L, 2.0, 120_000L);
        Probes.FAILURES_LEFT.put(Probes.BACKOFF, new AtomicInteger(1));
        scr.enableComponent(description(Probes.BACKOFF)).getValue();
        Await.until("restart planned by the watcher", Duration.ofSeconds(20),
                () -> state(Probes.BACKOFF) != null && state(Probes.BACKOFF).nextAttemptAt() != null);
        java.util.concurrent.atomic.AtomicReference<String> last = new java.util.concurrent.atomic.AtomicReference<>("");
        Await.until("hassette:why names the watcher's plan", Duration.ofSeconds(20), () -> {
            try {
                last.set(Gogo.run(processor, "hassette:why " + Probes.BACKOFF));
            } catch (Exception e) {
                last.set(e.toString());
            }
            return last.get().matches("(?s).*probe\\.backoff: activation failed: .*simulated activation failure of probe\\.backoff.*"
                    + " \\(restart 1/30, next in (5[0-9]|60) s\\).*");
        });
        String why = last.get();
        assertEquals(1, why.strip().lines().count(), "one line, the resource's own: " + why);
        assertEquals(1, Probes.attempts(Probes.BACKOFF).size(), "not restarted yet");
        String status = Gogo.run(processor, "hassette:status");
        assertTrue(status.lines().anyMatch(l -> l.contains(Probes.BACKOFF)), status);
    }

    @Test
    void supervisorIsRegisteredOnlyWhileTheWatcherIsReady() throws Exception {
        String watcher = "org.hassette.watcher.internal.Watcher";
        Await.until("watcher ready", Duration.ofSeconds(10), () -> Platform.isReady(context, "watcher") && supervisor() != null);
        List<String> seen = new CopyOnWriteArrayList<>();
        ServiceListener listener = event -> {
            StatusRecord st = Platform.status(context, "watcher");
            String now = st == null ? "no status" : st.status() + (st.ready() ? "/ready" : "/not ready");
            seen.add((event.getType() == ServiceEvent.REGISTERED ? "registered while " : "unregistering while ") + now);
        };
        context.addServiceListener(listener, "(objectClass=" + Supervisor.class.getName() + ")");
        try {
            Components.disable(scr, watcher);
            Await.until("Supervisor unregistered", Duration.ofSeconds(10), () -> supervisor() == null);
            assertNull(Platform.status(context, "watcher"), "no status service while the component is disabled");
            Components.enable(scr, watcher);
            Await.until("Supervisor registered again", Duration.ofSeconds(10), () -> supervisor() != null && Platform.isReady(context, "watcher"));
        } finally {
            context.removeServiceListener(listener);
        }
        // readiness is withdrawn before the service goes; the service comes once tracking runs (RUNNING, not yet flagged ready)
        assertEquals(List.of("unregistering while RUNNING/not ready", "registered while RUNNING/not ready"), seen);
        assertTrue(Platform.status(context, "watcher").reason().startsWith("tracking "), Platform.status(context, "watcher").reason());
    }

    @Test
    void twentyFiveRestartsFollowTheConfiguredBackoffWithoutHeapGrowth() throws Exception {
        // delays where 10 % is measurable: 300 ms × 1.1^(n−1), capped at 900 ms, no jitter
        configureBackoff(30, 300L, 1.1, 900L);
        // the watcher reports each restart it issued with the instants it charged the failure and issued the
        // restart, both taken on its own thread: the policy's timing, not this test thread's view of it
        List<Event> issued = new CopyOnWriteArrayList<>();
        ServiceRegistration<EventHandler> handler = onEvents("org/hassette/watcher/RESTART", "(resource=" + Probes.BACKOFF + ")", issued::add);
        int restartsBefore = state(Probes.BACKOFF) == null ? 0 : state(Probes.BACKOFF).totalRestarts();
        long heapBefore = usedHeapAfterGc();
        try {
            Probes.FAILURES_LEFT.put(Probes.BACKOFF, new AtomicInteger(25));
            scr.enableComponent(description(Probes.BACKOFF)).getValue();
            Await.until("probe.backoff ready after 25 failed activations", Duration.ofSeconds(120),
                    () -> context.getServiceReference(Probes.ProbeService.class) != null);
            Await.until("25 issued restarts reported", Duration.ofSeconds(10), () -> issued.size() == 25);
        } finally {
            handler.unregister();
        }
        assertEquals(26, Probes.attempts(Probes.BACKOFF).size());
        StringBuilder table = new StringBuilder("restart: nominal ms, planned ms, measured ms (failure charged -> restart issued)\n");
        List<String> outside = new ArrayList<>();
        List<String> late = new ArrayList<>();
        for (int i = 0; i < issued.size(); i++) {
            Event e = issued.get(i);
            int attempt = (Integer) e.getProperty("attempt");
            long planned = (Long) e.getProperty("delay.planned.ms");
            double measured = ((Long) e.getProperty("restart.issued.nanos") - (Long) e.getProperty("failure.seen.nanos")) / 1e6;
            double nominal = Math.min(300 * Math.pow(1.1, attempt - 1), 900);
            table.append(attempt).append(": ").append(String.format("%.1f, %d, %.1f", nominal, planned, measured)).append('\n');
            assertEquals(i + 1, attempt, "restarts in order");
            assertEquals((long) nominal, planned, 1, "the planned delay is the policy's");
            // never early; within 10 %, but one timer may fire late by up to 200 ms more: on a loaded 2-core
            // machine the OS or a GC pause can hold a woken thread back (seen once: 707 -> 788 ms). The planned
            // delay is checked exactly above; two late timers would be a pattern, which is the watcher's doing.
            if (measured < nominal - 1 || measured > nominal * 1.10 + SCHEDULING_SLACK_MS) {
                outside.add("restart " + attempt + ": " + String.format("%.1f ms, nominal %.1f ms", measured, nominal));
            } else if (measured > nominal * 1.10) {
                late.add("restart " + attempt + ": " + String.format("%.1f ms, nominal %.1f ms", measured, nominal));
            }
        }
        java.nio.file.Files.writeString(java.nio.file.Paths.get(context.getProperty("hassette.home")).getParent().resolve("backoff-timings.txt"), table);
        assertEquals(List.of(), outside, "every restart never early and within 10 % (+" + SCHEDULING_SLACK_MS + " ms) of the policy:\n"
                + table);
        assertTrue(late.size() <= 1, "every restart but at most one within 10 % of the policy: " + late + "\n" + table);
        Await.until("budget reset", Duration.ofSeconds(20), () -> state(Probes.BACKOFF).restartsInWindow() == 0);
        assertEquals(25, state(Probes.BACKOFF).totalRestarts() - restartsBefore);
        long growth = usedHeapAfterGc() - heapBefore;
        assertTrue(growth < 8 * 1024 * 1024, "heap grew by " + growth + " bytes over 25 restarts");
    }

    /**
     * Overrides probe.backoff's policy by configuration of its PID, as an operator would in etc/, and
     * waits until SCR applied it (a healthy activation), then leaves the component disabled.
     */
    private void configureBackoff(int budget, long baseMs, double multiplier, long maxMs) throws Exception {
        Configuration c = configAdmin.getConfiguration(Probes.BACKOFF, "?");
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("hassette.restart.budget", budget);
        props.put("hassette.restart.backoff.base.ms", baseMs);
        props.put("hassette.restart.backoff.multiplier", multiplier);
        props.put("hassette.restart.backoff.max.ms", maxMs);
        props.put("hassette.restart.backoff.jitter", 0.0);
        c.update(props);
        // Config Admin delivers the update to SCR asynchronously: see it applied on a healthy activation
        // first, so no late configuration event re-activates the component behind the watcher's back
        enable(Probes.BACKOFF);
        Await.until("configured policy applied to probe.backoff", Duration.ofSeconds(10),
                () -> scr.getComponentConfigurationDTOs(description(Probes.BACKOFF)).stream()
                        .anyMatch(dto -> Long.valueOf(baseMs).equals(dto.properties.get("hassette.restart.backoff.base.ms"))
                                && Long.valueOf(maxMs).equals(dto.properties.get("hassette.restart.backoff.max.ms"))));
        scr.disableComponent(description(Probes.BACKOFF)).getValue();
        Probes.attempts(Probes.BACKOFF).clear();
        Probes.deactivations(Probes.BACKOFF).clear();
    }

    @Test
    void appResourcesAreNeverSupervised() throws Exception {
        ServiceRegistration<ResourceStatusService> app = registerStatus("app:lights/hall", "app", "failed");
        ServiceRegistration<ResourceStatusService> crashedApp = registerStatus("app:lights/porch", "app", "crashed");
        // a core failure registered after them is the sync point: the watcher handles events in order
        ServiceRegistration<ResourceStatusService> core = registerStatus("probe.syncpoint", "core", "failed");
        try {
            Await.until("the core failure reached the watcher", Duration.ofSeconds(10), () -> state("probe.syncpoint") != null);
            assertNull(state("app:lights/hall"), "an app's failure is not the core watcher's business");
            assertNull(state("app:lights/porch"), "nor is an app's crash");
            assertFalse(shuttingDown(), "a crashed app never shuts the platform down");
            assertEquals(0, shutdownRequests());
            assertEquals(0, sessions.crashes.get());
        } finally {
            app.unregister();
            crashedApp.unregister();
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

    /** Shutdown requests the real coordinator received, accepted or not (its internal counter, read reflectively). */
    private int shutdownRequests() {
        PlatformShutdown c = coordinator();
        try {
            return (Integer) c.getClass().getMethod("requests").invoke(c);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("the coordinator has no requests() counter", e);
        }
    }

    private ServiceRegistration<EventHandler> onEvents(String topic, String filter, EventHandler handler) {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(EventConstants.EVENT_TOPIC, topic);
        props.put(EventConstants.EVENT_FILTER, filter);
        return context.registerService(EventHandler.class, handler, props);
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
