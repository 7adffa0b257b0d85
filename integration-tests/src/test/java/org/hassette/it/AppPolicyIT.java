package org.hassette.it;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.hassette.api.app.App;
import org.hassette.api.app.AppContext;
import org.hassette.api.app.AppError;
import org.hassette.api.app.AppInfo;
import org.hassette.api.app.AppRegistry;
import org.hassette.api.bus.BusError;
import org.hassette.api.bus.BusMessage;
import org.hassette.api.bus.EventBus;
import org.hassette.api.bus.InvocationListener;
import org.hassette.api.bus.InvocationRecord;
import org.hassette.api.bus.PlatformTopics;
import org.hassette.api.bus.Subscription;
import org.hassette.api.constraints.Constraint;
import org.hassette.api.lifecycle.ResourceStatus;
import org.hassette.api.scheduler.JobInfo;
import org.hassette.api.scheduler.JobOptions;
import org.hassette.api.scheduler.RunOutcome;
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
 * What an app sets for all of its listeners and jobs, in a real framework with the real app handler,
 * bus and scheduler: its error handler, its app-wide constraints; and its status changes reaching a
 * listener of {@link PlatformTopics#APP_STATUS}.
 */
class AppPolicyIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 10_000)
    ConfigurationAdmin configAdmin;

    @InjectService(timeout = 10_000)
    ServiceComponentRuntime scr;

    private final String run = Long.toString(System.nanoTime(), 36);
    private SimulatedHome home;
    private AppRegistry registry;
    private final List<ServiceRegistration<?>> registered = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        SimulatedHome.configureAppHandler(context, configAdmin, scr, java.util.Map.of("timeout.seconds", 5L,
                "restart.initial.ms", 60_000L, "restart.max.ms", 60_000L, "restart.budget", 3, "restart.window.seconds", 600L));
        home = SimulatedHome.connect(context, configAdmin, scr);
        registry = context.getService(context.getServiceReference(AppRegistry.class));
    }

    @AfterEach
    void tearDown() throws Exception {
        for (ServiceRegistration<?> r : registered) {
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
    void theAppsErrorHandlerGetsListenerAndJobFailures() throws Exception {
        List<AppError> errors = new CopyOnWriteArrayList<>();
        List<BusError> own = new CopyOnWriteArrayList<>();
        AtomicReference<AppContext> ctx = new AtomicReference<>();
        register(id("it.errors"), c -> {
            ctx.set(c);
            c.onError(errors::add);
            c.bus().onTopic("it.errors." + run).subscribe("it.errors.thrower", m -> {
                throw new IllegalStateException("listener broke");
            });
            c.bus().onTopic("it.errors." + run).onError(own::add).subscribe("it.errors.own", m -> {
                throw new IllegalStateException("its own handler gets this");
            });
            c.scheduler().runIn(Duration.ofMillis(100), () -> { // the default method without options gets the app's policy too
                throw new IllegalStateException("job broke");
            });
        });
        awaitStatus(app("it.errors"), ResourceStatus.RUNNING);
        ctx.get().bus().emit("it.errors." + run, "go");
        Await.until("a listener and a job failure reached the app's handler: " + errors, WAIT, () -> errors.size() >= 2);
        AppError listener = errors.stream().filter(e -> e.source() == AppError.Source.LISTENER).findFirst().orElseThrow();
        assertEquals(app("it.errors"), listener.appId());
        assertEquals(app("it.errors") + ":it.errors.thrower", listener.name(), "the name as registered: scoped to the instance");
        assertEquals(BusError.Phase.HANDLER, listener.listenerError().phase());
        assertEquals("listener broke", listener.error().getMessage());
        AppError job = errors.stream().filter(e -> e.source() == AppError.Source.JOB).findFirst().orElseThrow();
        assertEquals(job.job().name(), job.name());
        assertEquals("job broke", job.error().getMessage());
        Await.until("the listener with its own handler reported there", WAIT, () -> own.size() == 1);
        assertEquals(2, errors.size(), "a listener's own error handler wins: " + errors);
        assertEquals(ResourceStatus.RUNNING, registry.app(app("it.errors")).orElseThrow().status(), "failures never stop the app");
    }

    @Test
    void constrainAllGatesEveryListenerAndJobAndNamesTheAppConstraint() throws Exception {
        List<InvocationRecord> records = new CopyOnWriteArrayList<>();
        registered.add(context.registerService(InvocationListener.class, r -> {
            if (r.listener().equals(app("it.gated") + ":it.gated.listener_" + run)) {
                records.add(r);
            }
        }, null));
        AtomicBoolean allowed = new AtomicBoolean();
        List<String> ran = new CopyOnWriteArrayList<>();
        AtomicReference<AppContext> ctx = new AtomicReference<>();
        String job = "it.gated.job_" + run;
        register(id("it.gated"), c -> {
            ctx.set(c);
            c.constrainAll(Constraint.of("it-gate", cc -> allowed.get()));
            c.bus().onTopic("it.gated." + run).subscribe("it.gated.listener_" + run, m -> ran.add("listener"));
            c.scheduler().runEvery(Duration.ofMillis(200), () -> ran.add("job"), JobOptions.builder().name(job).build());
        });
        awaitStatus(app("it.gated"), ResourceStatus.RUNNING);
        assertEquals(List.of("it-gate"), registry.app(app("it.gated")).orElseThrow().constraints(),
                "the app's info names its app-wide constraints");
        ctx.get().bus().emit("it.gated." + run, "go");
        Await.until("the listener's call skipped", WAIT, () -> !records.isEmpty());
        InvocationRecord skipped = records.get(0);
        assertEquals(InvocationRecord.Outcome.SKIPPED, skipped.outcome());
        assertEquals("it-gate (app-wide): said no", skipped.detail());
        Await.until("a job run skipped", WAIT, () -> ctx.get().scheduler().job(job).isPresent()
                && jobInfo(ctx.get(), job).lastOutcome().orElse(null) == RunOutcome.SKIPPED);
        assertEquals("constraint: it-gate (app-wide): said no", jobInfo(ctx.get(), job).lastRun().orElseThrow().detail());
        assertEquals(List.of(), ran, "nothing ran while the app-wide constraint said no");

        allowed.set(true);
        ctx.get().bus().emit("it.gated." + run, "go");
        Await.until("both ran once the constraint allowed them: " + ran, WAIT, () -> ran.contains("listener") && ran.contains("job"));
    }

    @Test
    void twoInstancesOfOneAppUseTheSameNamesEachScopedToItself() throws Exception {
        List<String> ran = new CopyOnWriteArrayList<>();
        java.util.Map<String, AppContext> contexts = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.function.Function<String, App> instance = label -> c -> {
            contexts.put(label, c);
            // the same names in both instances, as a README example would write them
            c.bus().onTopic("it.twins." + run).subscribe("on", m -> ran.add(label + " listener"));
            c.scheduler().runEvery(Duration.ofMillis(200), () -> ran.add(label + " job"),
                    JobOptions.builder().name("tick").group("lights").build());
        };
        register(id("it.twins~a"), instance.apply("a"));
        register(id("it.twins~b"), instance.apply("b"));
        awaitStatus(app("it.twins~a"), ResourceStatus.RUNNING);
        awaitStatus(app("it.twins~b"), ResourceStatus.RUNNING);

        contexts.get("a").bus().emit("it.twins." + run, "go");
        Await.until("both listeners and both jobs ran: " + ran, WAIT,
                () -> ran.containsAll(List.of("a listener", "b listener", "a job", "b job")));
        AppContext a = contexts.get("a");
        assertEquals(app("it.twins~a") + ":tick", a.scheduler().job("tick").orElseThrow().name(), "a finds its own job by the name it gave");
        assertEquals(List.of(app("it.twins~a") + ":tick"), a.scheduler().jobs("lights").stream().map(JobInfo::name).toList(),
                "a group is the instance's own");

        assertEquals(1, a.scheduler().cancelGroup("lights"));
        assertTrue(a.scheduler().job("tick").isEmpty());
        assertTrue(contexts.get("b").scheduler().job("tick").isPresent(), "cancelling a's group leaves b's job alone");
    }

    @Test
    void appStatusTopicShowsAnAppStartingAndFailing() throws Exception {
        List<PlatformTopics.AppStatusChange> seen = new CopyOnWriteArrayList<>();
        EventBus bus = context.getService(context.getServiceReference(EventBus.class));
        String appId = app("it.status");
        Subscription sub = bus.onTopic(PlatformTopics.APP_STATUS).subscribe("it.app-status_" + run, (BusMessage m) -> {
            PlatformTopics.AppStatusChange c = (PlatformTopics.AppStatusChange) m.payload();
            if (c.appId().equals(appId)) {
                seen.add(c);
            }
        });
        try {
            AtomicBoolean broken = new AtomicBoolean();
            register(id("it.status"), c -> {
                if (broken.get()) {
                    throw new IllegalStateException("it.status cannot start");
                }
            });
            Await.until("RUNNING on the app status topic: " + seen, WAIT,
                    () -> seen.stream().anyMatch(c -> c.status() == ResourceStatus.RUNNING && c.running()));
            broken.set(true);
            AppInfo info = registry.reload(appId);
            assertEquals(ResourceStatus.FAILED, info.status(), info.toString());
            Await.until("FAILED on the app status topic: " + seen, WAIT, () -> seen.stream().anyMatch(PlatformTopics.AppStatusChange::failed));
            PlatformTopics.AppStatusChange failed = seen.stream().filter(PlatformTopics.AppStatusChange::failed).findFirst().orElseThrow();
            assertEquals(ResourceStatus.FAILED, failed.status());
            assertFalse(failed.running());
            assertEquals("IllegalStateException: it.status cannot start", failed.exception());
            assertTrue(seen.indexOf(failed) > seen.stream().map(PlatformTopics.AppStatusChange::status).toList().indexOf(ResourceStatus.RUNNING),
                    "in order: " + seen);
        } finally {
            sub.cancel();
        }
    }

    private static JobInfo jobInfo(AppContext c, String name) {
        return c.scheduler().job(name).orElseThrow().info(); // a lookup through the app's view: the name it gave
    }

    private void register(String pid, App app) {
        Dictionary<String, Object> p = new Hashtable<>();
        p.put("service.pid", pid);
        registered.add(context.registerService(App.class, app, p));
    }

    private void awaitStatus(String appId, ResourceStatus status) {
        Await.until(appId + " " + status + " (" + registry.app(appId) + ")", WAIT,
                () -> registry.app(appId).map(a -> a.status() == status).orElse(false));
    }

    private String id(String base) {
        return base + "_" + run;
    }

    private String app(String base) {
        return "app:" + id(base);
    }
}
