package org.hassette.it;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.hassette.api.app.App;
import org.hassette.api.app.AppContext;
import org.hassette.api.app.AppInfo;
import org.hassette.api.app.AppRegistry;
import org.hassette.api.bus.EventBus;
import org.hassette.api.bus.Subscription;
import org.hassette.api.lifecycle.ResourceProperties;
import org.hassette.api.lifecycle.ResourceStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/**
 * App supervision in a real framework: failed starts are retried with backoff and quarantined when
 * the budget is spent, operator actions work and disabling persists, a hanging start times out
 * without holding anyone else up, and each app's store is its own and durable.
 */
class AppSupervisionIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 10_000)
    ConfigurationAdmin configAdmin;

    @InjectService(timeout = 10_000)
    ServiceComponentRuntime scr;

    @InjectService(timeout = 10_000)
    org.apache.felix.service.command.CommandProcessor processor;

    /** Operator settings persist in the database across runs: every run uses its own app ids. */
    private final String run = Long.toString(System.nanoTime(), 36);
    private SimulatedHome home;
    private AppRegistry registry;
    private final List<ServiceRegistration<App>> registered = new ArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void setUp() throws Exception {
        SimulatedHome.configureAppHandler(context, configAdmin, scr, java.util.Map.of("timeout.seconds", 1L,
                "restart.initial.ms", 50L, "restart.max.ms", 200L, "restart.budget", 3, "restart.window.seconds", 600L));
        home = SimulatedHome.connect(context, configAdmin, scr);
        registry = context.getService(context.getServiceReference(AppRegistry.class));
    }

    @AfterEach
    void tearDown() throws Exception {
        release.countDown();
        for (ServiceRegistration<App> r : registered) {
            try {
                r.unregister();
            } catch (IllegalStateException gone) {
                // unregistered by the test
            }
        }
        Await.until("test apps removed", WAIT, () -> registry.apps().stream().noneMatch(a -> a.appId().endsWith("_" + run)));
        SimulatedHome.resetAppHandler(context, configAdmin, scr);
        home.close();
    }

    @Test
    void failingAppIsRetriedWithBackoffThenQuarantinedWhileOthersRun() throws Exception {
        AtomicInteger goodStarts = new AtomicInteger();
        register(id("it.quick"), ctx -> goodStarts.incrementAndGet());
        AtomicInteger attempts = new AtomicInteger();
        AtomicBoolean fixed = new AtomicBoolean();
        register(id("it.flaky"), ctx -> {
            attempts.incrementAndGet();
            if (!fixed.get()) {
                throw new IllegalStateException("boom #" + attempts.get());
            }
        });

        Await.until("it.flaky quarantined (" + registry.apps() + ")", WAIT,
                () -> registry.app(app("it.flaky")).map(AppInfo::quarantined).orElse(false));
        AppInfo q = registry.app(app("it.flaky")).orElseThrow();
        assertEquals(ResourceStatus.EXHAUSTED_DEAD, q.status());
        assertEquals(4, attempts.get(), "the first start and 3 restarts, then no more");
        assertEquals(4, q.failures());
        assertFalse(q.enabled());
        assertTrue(q.reason().startsWith("quarantined: 4 failed starts") && q.reason().contains("boom #4"), q.reason());
        assertEquals(ResourceStatus.EXHAUSTED_DEAD.label(), home.property(app("it.flaky"), ResourceProperties.STATUS));
        AppInfo good = registry.app(app("it.quick")).orElseThrow();
        assertEquals(ResourceStatus.RUNNING, good.status());
        assertEquals(1, goodStarts.get(), "the healthy app was started once and left alone");

        // the quarantine outlives the service (same jar): re-registering does not start it again
        unregister(id("it.flaky"));
        Await.until("it.flaky gone", WAIT, () -> registry.app(app("it.flaky")).isEmpty());
        register(id("it.flaky"), ctx -> {
            attempts.incrementAndGet();
            if (!fixed.get()) {
                throw new IllegalStateException("boom #" + attempts.get());
            }
        });
        Await.until("it.flaky listed again", WAIT, () -> registry.app(app("it.flaky")).isPresent());
        assertTrue(registry.app(app("it.flaky")).orElseThrow().quarantined());
        assertEquals(4, attempts.get(), "a quarantined app is not started");
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> registry.start(app("it.flaky")));
        assertTrue(refused.getMessage().contains("quarantined; enable it instead"), refused.getMessage());

        // fixed: enable lifts the quarantine and starts it
        fixed.set(true);
        AppInfo enabled = registry.enable(app("it.flaky"));
        assertEquals(ResourceStatus.RUNNING, enabled.status(), enabled.toString());
        assertFalse(enabled.quarantined());
        assertEquals(5, attempts.get());
    }

    @Test
    void operatorActionsStopStartReloadAndDisableSurvivesReRegistration() throws Exception {
        AtomicInteger starts = new AtomicInteger();
        AtomicInteger stops = new AtomicInteger();
        register(id("it.ops"), new App() {
            @Override
            public void start(AppContext ctx) {
                starts.incrementAndGet();
                ctx.bus().onEvent("it_ops_event").subscribe("it.ops:listener", e -> { });
            }

            @Override
            public void stop() {
                stops.incrementAndGet();
            }
        });
        awaitStatus(app("it.ops"), ResourceStatus.RUNNING);
        assertEquals(1, registry.app(app("it.ops")).orElseThrow().listeners());
        EventBus bus = context.getService(context.getServiceReference(EventBus.class));
        assertEquals(List.of(app("it.ops") + ":it.ops:listener"), listenerNames(bus));

        AppInfo stopped = registry.stop(app("it.ops"));
        assertEquals(ResourceStatus.STOPPED, stopped.status());
        assertEquals("stopped by an operator", stopped.reason());
        assertEquals(1, stops.get());
        assertEquals(0, stopped.listeners());
        assertEquals(List.of(), listenerNames(bus), "a stopped app has no listener");

        assertEquals(ResourceStatus.RUNNING, registry.start(app("it.ops")).status());
        assertEquals(ResourceStatus.RUNNING, registry.reload(app("it.ops")).status());
        assertEquals(3, starts.get());
        assertEquals(2, stops.get());
        assertEquals(List.of(app("it.ops") + ":it.ops:listener"), listenerNames(bus), "exactly one listener after a reload");

        // disable through the shell: one line per app, then the state; it survives re-registration
        String out = shell("hassette:app disable " + id("it.ops"));
        assertTrue(out.lines().anyMatch(l -> l.startsWith(app("it.ops")) && l.contains("stopped (disabled)")), out);
        unregister(id("it.ops"));
        Await.until("it.ops gone", WAIT, () -> registry.app(app("it.ops")).isEmpty());
        register(id("it.ops"), ctx -> starts.incrementAndGet());
        Await.until("it.ops listed again", WAIT, () -> registry.app(app("it.ops")).isPresent());
        AppInfo disabled = registry.app(app("it.ops")).orElseThrow();
        assertFalse(disabled.enabled());
        assertEquals(ResourceStatus.STOPPED, disabled.status());
        assertTrue(disabled.reason().startsWith("disabled by an operator"), disabled.reason());
        assertEquals(3, starts.get(), "a disabled app is not started");
        assertEquals(ResourceStatus.RUNNING, registry.enable(app("it.ops")).status());
        assertEquals(4, starts.get());

        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> registry.stop("app:nope"));
        assertTrue(unknown.getMessage().contains("no app 'app:nope'") && unknown.getMessage().contains(app("it.ops")), unknown.getMessage());
        // the shell command throws its failures (the console prints "error: ...", exec exits 1)
        String none = assertThrows(IllegalArgumentException.class, () -> shell("hassette:app stop nope")).getMessage();
        assertTrue(none.startsWith("no app 'app:nope'; known apps: ") && none.contains(app("it.ops")), none);
        String shown = assertThrows(IllegalArgumentException.class, () -> shell("hassette:app show nope")).getMessage();
        assertTrue(shown.startsWith("no app 'app:nope'; known apps: ") && shown.contains(app("it.ops")), shown);
        assertEquals("unknown action 'frobnicate'; usage: hassette:app start|stop|reload|enable|disable|show <app id>",
                assertThrows(IllegalArgumentException.class, () -> shell("hassette:app frobnicate " + id("it.ops"))).getMessage());
        assertEquals("usage: hassette:app start|stop|reload|enable|disable|show <app id>", shell("hassette:app show"));
    }

    @Test
    void anInvalidScheduleFailsTheAppOnceWithoutRestartsOrQuarantine() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        register(id("it.cron"), ctx -> {
            attempts.incrementAndGet();
            ctx.scheduler().runCron("every tuesday", () -> { });
        });
        AtomicInteger wrappedAttempts = new AtomicInteger();
        register(id("it.cronwrapped"), ctx -> {
            wrappedAttempts.incrementAndGet();
            try {
                ctx.scheduler().runCron("61 * * * *", () -> { });
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("cannot set up the schedule", e);
            }
        });
        awaitStatus(app("it.cron"), ResourceStatus.FAILED);
        awaitStatus(app("it.cronwrapped"), ResourceStatus.FAILED);

        AppInfo failed = registry.app(app("it.cron")).orElseThrow();
        assertTrue(failed.reason().startsWith("configuration: Invalid schedule 'every tuesday'")
                && failed.reason().endsWith("(fix the configuration; a change restarts the app)"), failed.reason());
        assertEquals(0, failed.restarts(), failed.toString());
        assertFalse(failed.quarantined());
        AppInfo wrapped = registry.app(app("it.cronwrapped")).orElseThrow();
        assertTrue(wrapped.reason().startsWith("configuration: Invalid schedule '61 * * * *'"), wrapped.reason());
        assertEquals(0, wrapped.restarts(), wrapped.toString());

        // a failed start with a restart planned would run again after 50 ms (restart.initial.ms); a control app
        // failing the ordinary way shows that restarts happen meanwhile, so the count below is not just too early
        AtomicInteger flaky = new AtomicInteger();
        register(id("it.flakyctl"), ctx -> {
            flaky.incrementAndGet();
            throw new IllegalStateException("boom");
        });
        Await.until("the control app retried", WAIT, () -> flaky.get() >= 3);
        assertEquals(1, attempts.get(), "an invalid schedule is not retried");
        assertEquals(1, wrappedAttempts.get(), "also when it is the cause");
        assertEquals(ResourceStatus.FAILED, registry.app(app("it.cron")).orElseThrow().status());
    }

    @Test
    void hangingStartTimesOutAndDoesNotHoldUpOtherApps() throws Exception {
        register(id("it.hang"), ctx -> release.await());
        awaitStatus(app("it.hang"), ResourceStatus.STARTING);
        AtomicInteger quick = new AtomicInteger();
        register(id("it.quick"), ctx -> quick.incrementAndGet());
        awaitStatus(app("it.quick"), ResourceStatus.RUNNING);
        // the quick app ran while the hanging one was still inside its start
        Await.until("it.hang failed by timeout (" + registry.app(app("it.hang")) + ")", WAIT,
                () -> registry.app(app("it.hang")).map(a -> a.reason() != null && a.reason().contains("did not return within 1 s")).orElse(false));
        assertEquals(1, quick.get());
        assertEquals(ResourceStatus.RUNNING, registry.app(app("it.quick")).orElseThrow().status());
    }

    @Test
    void eachAppHasItsOwnDurableStore() throws Exception {
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        App counter = ctx -> {
            int n = Integer.parseInt(ctx.store().get("count", "0")) + 1;
            ctx.store().put("count", String.valueOf(n));
            seen.add(ctx.appId() + "=" + n + " " + ctx.store().entries());
        };
        register(id("it.store.a"), counter);
        awaitStatus(app("it.store.a"), ResourceStatus.RUNNING);
        registry.reload(app("it.store.a"));
        unregister(id("it.store.a"));
        Await.until("it.store.a gone", WAIT, () -> registry.app(app("it.store.a")).isEmpty());
        register(id("it.store.a"), counter);
        awaitStatus(app("it.store.a"), ResourceStatus.RUNNING);
        register(id("it.store.b"), counter);
        awaitStatus(app("it.store.b"), ResourceStatus.RUNNING);
        assertEquals(List.of(app("it.store.a") + "=1 {count=1}", app("it.store.a") + "=2 {count=2}",
                app("it.store.a") + "=3 {count=3}", app("it.store.b") + "=1 {count=1}"), seen);

        AtomicBoolean refused = new AtomicBoolean();
        register(id("it.quick"), ctx -> {
            try {
                ctx.store().put("k".repeat(201), "v");
            } catch (IllegalArgumentException e) {
                refused.set(e.getMessage().contains("1 to 200 characters"));
            }
            assertTrue(ctx.store().remove("nothing") == false);
        });
        awaitStatus(app("it.quick"), ResourceStatus.RUNNING);
        assertTrue(refused.get(), "a 201-character key is refused with the limit");
    }

    private void register(String pid, App app) {
        Dictionary<String, Object> p = new Hashtable<>();
        p.put("service.pid", pid);
        registered.add(context.registerService(App.class, app, p));
    }

    private void unregister(String pid) {
        for (ServiceRegistration<App> r : registered) {
            try {
                if (pid.equals(r.getReference().getProperty("service.pid"))) {
                    r.unregister();
                }
            } catch (IllegalStateException gone) {
                // already unregistered
            }
        }
    }

    private void awaitStatus(String appId, ResourceStatus status) {
        Await.until(appId + " " + status + " (" + registry.app(appId) + ")", WAIT,
                () -> registry.app(appId).map(a -> a.status() == status).orElse(false));
    }

    private static List<String> listenerNames(EventBus bus) {
        return bus.listeners().stream().filter(s -> !s.isCancelled()).map(Subscription::name).sorted().toList();
    }

    private String shell(String command) throws Exception {
        return Gogo.run(processor, command);
    }

    private String id(String base) {
        return base + "_" + run;
    }

    private String app(String base) {
        return "app:" + id(base);
    }
}
