package org.hassette.apps.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.hassette.api.app.App;
import org.hassette.api.app.AppInfo;
import org.hassette.api.app.AppRegistry;
import org.hassette.api.database.Database;
import org.hassette.api.lifecycle.ConfigurationErrors;
import org.hassette.api.lifecycle.ResourceLifecycle;
import org.hassette.api.lifecycle.ResourceRole;
import org.hassette.api.lifecycle.StatusRecord;
import org.hassette.apps.internal.AppInstance.Want;
import org.hassette.apps.internal.AppTables.Setting;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts every {@link App} service, restarts it with backoff when its start fails, quarantines it
 * when it keeps failing, stops it when the service goes away, and carries out operator actions.
 *
 * <p>SCR calls bind/unbind on its own threads; they only queue work. Each app instance has its own
 * ordered chain of steps on the control pool, and app code runs on a worker with a timeout, so a
 * slow or failing app never delays SCR, the core or another app.
 */
@Component(service = AppRegistry.class, configurationPid = AppHandler.PID, immediate = true)
@Designate(ocd = AppHandler.Config.class)
public class AppHandler implements AppRegistry {
    static final String PID = "org.hassette.apps";
    /** Service property of an App: {@code false} lists it as STOPPED until an operator starts it. */
    public static final String AUTOSTART = "hassette.app.autostart";
    private static final Logger LOG = LoggerFactory.getLogger(AppHandler.class);

    @ObjectClassDefinition(name = "Hassette apps", description = "How apps are started, restarted and quarantined")
    public @interface Config {
        @AttributeDefinition(description = "How long App.start and App.stop may take (seconds)")
        long timeout_seconds() default 10;

        @AttributeDefinition(description = "Delay before the first automatic restart after a failed start (ms); doubles per failure in a row")
        long restart_initial_ms() default 1000;

        @AttributeDefinition(description = "Longest delay between automatic restarts (ms)")
        long restart_max_ms() default 60_000;

        @AttributeDefinition(description = "Automatic restarts allowed within the window; one more failure quarantines the app")
        int restart_budget() default 5;

        @AttributeDefinition(description = "The window the restart budget applies to (seconds)")
        long restart_window_seconds() default 600;
    }

    private final Map<Long, AppInstance> apps = new ConcurrentHashMap<>();
    /** One ordered chain of steps per app id: a re-registration (unbind old, bind new) keeps its order. */
    private final Map<String, CompletableFuture<Void>> chains = new ConcurrentHashMap<>();
    /** Services whose app id was taken when they came; adopted when the holder goes away. */
    private final Map<String, ServiceReference<App>> waiting = new ConcurrentHashMap<>();
    private final BundleContext context;
    private volatile Config config;
    private volatile Duration timeout;
    private final AppTables tables;
    private final ExecutorService control = Executors.newCachedThreadPool(threads("hassette-apps-control-"));
    private final ExecutorService workers = Executors.newCachedThreadPool(threads("hassette-app-"));
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(threads("hassette-apps-restart-"));
    private volatile boolean active = true;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ServiceComponentRuntime scr;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile org.osgi.service.metatype.MetaTypeService metatype;

    /**
     * A value in this configuration that DS cannot convert never stops the handler (no app would
     * run): it is logged with the property, value and file, and the default is used instead.
     */
    @Activate
    public AppHandler(BundleContext context, Config config, Map<String, Object> properties, @Reference Database database) {
        this.context = context;
        this.config = checked(config, properties, null);
        this.timeout = Duration.ofSeconds(Math.max(1, this.config.timeout_seconds()));
        this.tables = new AppTables(database);
        tables.create();
    }

    /**
     * A changed configuration applies without restarting any app: the timeout at once, the restart
     * settings to apps added from now on. A value DS cannot convert keeps the one in use.
     */
    @org.osgi.service.component.annotations.Modified
    void modified(Config changed, Map<String, Object> properties) {
        Config config = checked(changed, properties, this.config);
        this.config = config;
        this.timeout = Duration.ofSeconds(Math.max(1, config.timeout_seconds()));
        LOG.info("app handler configuration changed: timeout {} s, restarts {}..{} ms, budget {} in {} s", timeout.toSeconds(),
                config.restart_initial_ms(), config.restart_max_ms(), config.restart_budget(), config.restart_window_seconds());
    }

    /** The configuration with every value read once; unconvertible ones logged and replaced by {@code previous}'s or the default. */
    static Config checked(Config config, Map<String, Object> properties, Config previous) {
        return ConfigurationErrors.checked(Config.class, config, properties, previous, LOG::error);
    }

    @Reference(service = App.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindApp(ServiceReference<App> reference) {
        long id = serviceId(reference);
        step(appId(reference), () -> added(id, reference));
    }

    /**
     * The App service's properties changed: its configuration was updated while SCR kept the
     * service (a component not activated yet, or one with a modified method). An instance that is
     * not running because of a failure gets a fresh start with the new configuration; a running one
     * is left alone (SCR re-creates components without a modified method, which unbinds and binds).
     */
    void updatedApp(ServiceReference<App> reference) {
        long id = serviceId(reference);
        step(appId(reference), () -> {
            AppInstance a = apps.get(id);
            if (a != null && a.want == Want.QUARANTINED) {
                LOG.warn("{}: configuration changed, but it stays quarantined; run 'hassette:app enable {}' to start it with the"
                        + " new configuration", a.appId, a.appId);
                return;
            }
            if (a != null && active && a.want == Want.RUN && !a.running) {
                LOG.info("{}: configuration changed; starting it again", a.appId);
                resume(a, "configuration changed");
            }
        });
    }

    void unbindApp(ServiceReference<App> reference) {
        long id = serviceId(reference);
        String appId = appId(reference);
        step(appId, () -> {
            if (waiting.remove(appId, reference)) {
                return; // it never ran
            }
            removed(id, "the app service was unregistered");
            ServiceReference<App> next = waiting.remove(appId);
            if (next != null) {
                added(serviceId(next), next);
            }
        });
    }

    @Deactivate
    void deactivate() {
        active = false;
        timer.shutdownNow();
        for (AppInstance a : List.copyOf(apps.values())) {
            step(a.appId, () -> removed(a.serviceId, "the app handler is stopping"));
        }
        CompletableFuture<?>[] all = chains.values().toArray(new CompletableFuture<?>[0]);
        try {
            CompletableFuture.allOf(all).get(timeout.toMillis() * 2, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("apps did not all stop in time: {}", e.toString());
        }
        control.shutdownNow();
        workers.shutdownNow();
    }

    // ---- the registry

    @Override
    public List<AppInfo> apps() {
        List<AppInfo> out = new java.util.ArrayList<>(apps.values().stream().map(AppHandler::info).toList());
        java.util.Set<String> known = new java.util.HashSet<>(out.stream().map(AppInfo::appId).toList());
        for (AppInfo p : pending()) {
            if (known.add(p.appId())) {
                out.add(p);
            }
        }
        out.sort(Comparator.comparing(AppInfo::appId));
        return out;
    }

    /** SCR's change count and the pending apps computed at it: apps() is read often (the execution history, the dashboard). */
    private volatile Object[] pendingCache = { null, List.of() };

    /**
     * The app components without a running instance. Recomputed from SCR's DTOs only when SCR's
     * {@code service.changecount} moved (every component state change bumps it), not on every read.
     */
    @SuppressWarnings("unchecked")
    private List<AppInfo> pending() {
        ServiceComponentRuntime runtime = scr;
        if (runtime == null) {
            return List.of();
        }
        ServiceReference<ServiceComponentRuntime> ref = context.getServiceReference(ServiceComponentRuntime.class);
        Object count = ref == null ? null : ref.getProperty(Constants.SERVICE_CHANGECOUNT);
        Object[] cached = pendingCache;
        if (count != null && count.equals(cached[0])) {
            return (List<AppInfo>) cached[1];
        }
        List<AppInfo> fresh = PendingApps.list(runtime);
        pendingCache = new Object[] { count, fresh };
        return fresh;
    }

    @Override
    public Optional<AppInfo> app(String appId) {
        Optional<AppInfo> running = find(appId).map(AppHandler::info);
        return running.isPresent() ? running : pending().stream().filter(p -> p.appId().equals(appId)).findFirst();
    }

    @Override
    public AppInfo start(String appId) {
        return act(appId, a -> {
            if (a.want == Want.DISABLED || a.want == Want.QUARANTINED) {
                throw new IllegalStateException(appId + " is " + (a.want == Want.DISABLED ? "disabled" : "quarantined")
                        + "; enable it instead");
            }
            resume(a, "started by an operator");
        });
    }

    @Override
    public AppInfo stop(String appId) {
        return act(appId, a -> {
            if (a.want == Want.RUN) {
                a.want = Want.STOPPED;
            }
            cancelRestart(a);
            halt(a, "stopped by an operator");
        });
    }

    @Override
    public AppInfo reload(String appId) {
        return act(appId, a -> {
            if (a.want != Want.RUN && a.want != Want.STOPPED) {
                throw new IllegalStateException(appId + " is " + a.want.name().toLowerCase() + "; enable it instead");
            }
            cancelRestart(a);
            halt(a, "reloading");
            resume(a, "reloaded by an operator");
        });
    }

    @Override
    public AppInfo enable(String appId) {
        return act(appId, a -> {
            tables.save(a.appId, Setting.NONE);
            resume(a, "enabled by an operator");
        });
    }

    /** An operator wants it running: a fresh restart budget, no pending restart, started unless it runs. */
    private void resume(AppInstance a, String why) {
        a.want = Want.RUN;
        a.budget.succeeded();
        a.restarts = 0;
        cancelRestart(a);
        if (!a.running) {
            run(a, why);
        }
    }

    @Override
    public AppInfo disable(String appId) {
        return act(appId, a -> {
            String reason = "disabled by an operator at " + Instant.now();
            tables.save(a.appId, new Setting(true, false, reason, a.bundleStamp()));
            a.want = Want.DISABLED;
            cancelRestart(a);
            halt(a, reason);
        });
    }

    private Optional<AppInstance> find(String appId) {
        return apps.values().stream().filter(a -> a.appId.equals(appId)).findFirst();
    }

    /** Runs an operator action on the app's chain and waits for it. */
    private AppInfo act(String appId, java.util.function.Consumer<AppInstance> action) {
        if (!active) {
            throw new IllegalStateException("the app handler is stopping");
        }
        Optional<AppInstance> found = find(appId);
        if (found.isEmpty()) {
            Optional<AppInfo> pending = app(appId);
            if (pending.isPresent()) {
                throw new IllegalStateException(appId + " has not started: " + pending.get().reason());
            }
            List<AppInfo> all = apps();
            throw new IllegalArgumentException("no app '" + appId + "'; known apps: "
                    + (all.isEmpty() ? "none" : String.join(", ", all.stream().map(AppInfo::appId).toList())));
        }
        AppInstance a = found.get();
        CompletableFuture<Void> done = new CompletableFuture<>();
        step(a.appId, () -> {
            try {
                if (apps.get(a.serviceId) != a) {
                    throw new IllegalStateException(appId + " went away");
                }
                action.accept(a);
                done.complete(null);
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        try {
            done.get(timeout.toMillis() * 3, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException(appId + ": the action did not finish within " + timeout.toSeconds() * 3 + " s");
        }
        return info(a);
    }

    private static AppInfo info(AppInstance a) {
        StatusRecord r = a.lifecycle.status();
        return new AppInfo(a.appId, a.bundle(), a.bundleVersion(), r.status(), r.reason(),
                a.want == Want.RUN || a.want == Want.STOPPED, a.want == Want.QUARANTINED, a.starts, a.failures,
                a.restarts, a.running ? a.scoped.subscriptionCount() : 0, a.running ? a.scoped.jobCount() : 0, r.timestamp(),
                a.running ? a.scoped.constraintNames() : List.of());
    }

    // ---- steps (each runs on the app's own chain)

    /** Runs {@code work} after the earlier steps of the same app instance. */
    private void step(String id, Runnable work) {
        chains.compute(id, (k, tail) -> {
            CompletableFuture<Void> prev = tail == null ? CompletableFuture.completedFuture(null) : tail;
            return prev.thenRunAsync(() -> {
                try {
                    work.run();
                } catch (RuntimeException e) {
                    LOG.error("app step failed", e);
                }
            }, control);
        });
    }

    private void added(long id, ServiceReference<App> reference) {
        if (!active || apps.containsKey(id) || reference.getBundle() == null) {
            return; // (no bundle: unregistered meanwhile)
        }
        String appId = appId(reference);
        if (find(appId).isPresent()) {
            waiting.put(appId, reference);
            LOG.error("{}: a second app service with this id (service {} of {}) waits until the first is gone; give each"
                    + " instance its own configuration", appId, id, reference.getBundle());
            return;
        }
        RestartBudget budget = new RestartBudget(Duration.ofMillis(Math.max(0, config.restart_initial_ms())),
                Duration.ofMillis(Math.max(Math.max(0, config.restart_initial_ms()), config.restart_max_ms())),
                Math.max(0, config.restart_budget()), Duration.ofSeconds(Math.max(1, config.restart_window_seconds())));
        AppInstance a = new AppInstance(id, appId, reference, ResourceLifecycle.open(context, appId, ResourceRole.APP, null), budget);
        Setting s;
        try {
            s = tables.setting(appId);
            if (s.quarantined() && !a.bundleStamp().equals(s.bundleStamp())) {
                LOG.info("{}: new jar {}; lifting its quarantine ({})", appId, a.bundleStamp(), s.reason());
                tables.save(appId, new Setting(s.disabled(), false, s.disabled() ? s.reason() : null, s.bundleStamp()));
                s = tables.setting(appId);
            }
        } catch (RuntimeException e) {
            apps.put(id, a); // known, so that its removal closes it
            throw e;
        }
        // listed only once its stored state (disabled, quarantined) is applied, never briefly as a plain app
        if (s.disabled()) {
            a.want = Want.DISABLED;
            a.lifecycle.stopped(s.reason() == null ? "disabled" : s.reason());
            apps.put(id, a);
            LOG.info("{} is disabled; not starting it ({})", appId, s.reason());
        } else if (s.quarantined()) {
            a.want = Want.QUARANTINED;
            a.lifecycle.exhausted(s.reason(), null);
            apps.put(id, a);
            // also on a configuration change (SCR re-creates the component): say how to lift it
            LOG.warn("{} stays quarantined: {}. A restart or configuration change does not lift a quarantine: fix the cause,"
                    + " then run 'hassette:app enable {}' (or deploy a new jar)", appId, s.reason(), appId);
        } else if (Boolean.FALSE.equals(autostart(reference))) {
            a.want = Want.STOPPED;
            a.lifecycle.stopped("autostart is off; start it with 'hassette:app start " + appId + "'");
            apps.put(id, a);
        } else {
            apps.put(id, a);
            run(a, "deployed");
        }
    }

    private void removed(long id, String why) {
        AppInstance a = apps.get(id);
        if (a == null) {
            return;
        }
        a.removing = true;
        cancelRestart(a);
        try {
            halt(a, why);
        } finally {
            // listed until it has stopped: once it is gone from the registry none of its code runs
            apps.remove(id);
            a.lifecycle.close();
            LOG.info("{} removed: {}", a.appId, why);
        }
    }

    /** Starts the app once; on failure schedules a restart or quarantines it. */
    private void run(AppInstance a, String why) {
        if (!org.hassette.api.lifecycle.StatusTransitions.isAllowed(a.lifecycle.status().status(),
                org.hassette.api.lifecycle.ResourceStatus.STARTING)) {
            a.lifecycle.stopped(why); // e.g. out of quarantine: EXHAUSTED_DEAD -> STOPPED -> STARTING
        }
        a.lifecycle.starting(why);
        List<String> invalid = ConfigValidator.problems(metatype, a.reference);
        if (!invalid.isEmpty()) {
            a.failures++;
            String reason = "configuration: " + String.join("; ", invalid) + " (fix the configuration; a change restarts the app)";
            a.lifecycle.failed(reason, null);
            LOG.error("{}: {}", a.appId, reason);
            return;
        }
        if (platformStopping()) {
            a.lifecycle.stopped("not started: the platform is stopping");
            LOG.info("{} not started: the platform is stopping", a.appId);
            return;
        }
        try {
            AppInstance.Context ctx = a.open(context, new AppTables.Store(tables, a.appId), () -> activationFailure(a.reference));
            App app = a.app();
            call(() -> {
                app.start(ctx);
                return null;
            });
            a.running = true;
            a.starts++;
            a.budget.succeeded();
            a.lifecycle.ready("running from bundle " + a.bundle() + " " + a.bundleVersion());
            LOG.info("{} started ({} listeners, {} jobs)", a.appId, a.scoped.subscriptionCount(), a.scoped.jobCount());
        } catch (Throwable e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            a.failures++;
            try {
                a.release(context);
            } catch (RuntimeException cleanup) {
                LOG.warn("{}: cleanup after the failed start: {}", a.appId, cleanup.toString());
            }
            String badValue = configurationProblem(a, cause);
            if (badValue != null) {
                // deterministic: retrying the same configuration cannot help, so no restart and no stack trace
                String what = badValue.startsWith("configuration ") ? badValue : "configuration: " + badValue;
                a.lifecycle.failed(what + " (fix the configuration; a change restarts the app)", cause);
                LOG.error("{}: {}. Fix the configuration; a change restarts the app.", a.appId, what);
                return;
            }
            if (platformStopping()) {
                // SCR refuses activations while the framework goes down: the stop explains it, nothing failed
                a.lifecycle.stopped("not started: the platform is stopping");
                LOG.info("{} not started: the platform is stopping ({})", a.appId, describe(cause));
                return;
            }
            failed(a, "start failed: " + describe(cause), cause);
        }
    }

    /** True once the framework (or this handler) is on its way down: no app should start or be restarted then. */
    private boolean platformStopping() {
        if (!active) {
            return true;
        }
        try {
            return context.getBundle(0).getState() == org.osgi.framework.Bundle.STOPPING;
        } catch (IllegalStateException contextGone) {
            return true;
        }
    }

    /**
     * The configuration problem behind a failed start, or null when retrying might help: an
     * {@code AppConfigurationException}, a schedule the scheduler refused ({@code InvalidScheduleException},
     * typically a cron expression from the app's configuration), each also as a cause, or a value DS
     * could not convert.
     */
    static String configurationProblem(AppInstance a, Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof org.hassette.api.app.AppConfigurationException
                    || t instanceof org.hassette.api.scheduler.InvalidScheduleException) {
                return t.getMessage();
            }
        }
        return a == null ? null : badConfiguredValue(a, cause);
    }

    /**
     * DS converts configuration values when the component reads them, often only in {@code start}: a
     * value that is not a number then surfaces as a {@code ComponentException} caused by a
     * {@code NumberFormatException}. Names the property and file when the value is one the app's
     * service has, else null.
     */
    private static String badConfiguredValue(AppInstance a, Throwable cause) {
        StringBuilder chain = new StringBuilder();
        for (Throwable t = cause; t != null && chain.length() < 4000; t = t.getCause()) {
            chain.append(t).append('\n');
        }
        Map<String, Object> properties = new java.util.HashMap<>();
        for (String key : a.reference.getPropertyKeys()) {
            properties.put(key, a.reference.getProperty(key));
        }
        return ConfigurationErrors.describe(chain.toString(), properties);
    }

    private void failed(AppInstance a, String reason, Throwable cause) {
        RestartBudget.Decision d = a.budget.failed(Instant.now());
        if (d.giveUp()) {
            String q = "quarantined: " + a.budget.failuresInWindow() + " failed starts within "
                    + a.budget.window().toSeconds() + " s (budget " + a.budget.budget() + " restarts); last: " + reason;
            tables.save(a.appId, new Setting(false, true, q, a.bundleStamp()));
            a.lifecycle.exhausted(q, cause);
            a.want = Want.QUARANTINED; // last: whoever sees the flag also sees the status
            LOG.error("{} {}. Fix the app and redeploy it, or run 'hassette:app enable {}'", a.appId, q, a.appId, cause);
            return;
        }
        a.restarts = d.attempt();
        String r = reason + " (restart " + d.attempt() + "/" + a.budget.budget() + " in " + human(d.delay()) + ")";
        a.lifecycle.failed(r, cause);
        LOG.error("{}: {}", a.appId, r, cause);
        if (active) {
            a.pendingRestart = timer.schedule(() -> step(a.appId, () -> {
                a.pendingRestart = null;
                if (apps.get(a.serviceId) == a && !a.removing && a.want == Want.RUN && !a.running) {
                    run(a, "restart " + d.attempt() + "/" + a.budget.budget());
                }
            }), d.delay().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Stops a running app (App.stop with the timeout, then everything it registered is removed). */
    private void halt(AppInstance a, String why) {
        if (!a.running) {
            if (a.want != Want.QUARANTINED) {
                a.lifecycle.stopped(why);
            }
            return;
        }
        a.lifecycle.stopping(why);
        App app = a.app();
        try {
            if (app != null) {
                call(() -> {
                    app.stop();
                    return null;
                });
            }
        } catch (Throwable e) {
            LOG.warn("{}: stop failed: {}", a.appId, describe(e));
        } finally {
            a.running = false;
            try {
                a.release(context);
            } catch (RuntimeException e) {
                LOG.warn("{}: cleanup failed: {}", a.appId, e.toString());
            }
            a.lifecycle.stopped(why);
            LOG.info("{} stopped: {}", a.appId, why);
        }
    }

    private static void cancelRestart(AppInstance a) {
        if (a.pendingRestart != null) {
            a.pendingRestart.cancel(false);
            a.pendingRestart = null;
        }
    }

    private <T> T call(Callable<T> work) throws Exception {
        Future<T> f = workers.submit(work);
        try {
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new TimeoutException("did not return within " + timeout.toSeconds() + " s");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception ex) {
                throw ex;
            }
            throw e;
        }
    }

    /** SCR's failure text for the app's component (the root cause line), when SCR has one. */
    private String activationFailure(ServiceReference<App> reference) {
        ServiceComponentRuntime runtime = scr;
        Object name = reference.getProperty("component.name");
        if (runtime == null || name == null || reference.getBundle() == null) {
            return "see the log for SCR's error";
        }
        ComponentDescriptionDTO d = runtime.getComponentDescriptionDTO(reference.getBundle(), name.toString());
        if (d != null) {
            for (ComponentConfigurationDTO c : runtime.getComponentConfigurationDTOs(d)) {
                if (c.failure != null) {
                    String named = ConfigurationErrors.describe(c.failure, c.properties);
                    return named != null ? named : rootCause(c.failure);
                }
            }
        }
        return "see the log for SCR's error";
    }

    /** The last "Caused by:" line of a stack trace, else its first line. */
    static String rootCause(String trace) {
        String summary = trace.strip().lines().findFirst().orElse(trace);
        for (String line : (Iterable<String>) trace.lines()::iterator) {
            if (line.startsWith("Caused by: ")) {
                summary = line.substring("Caused by: ".length());
            }
        }
        return summary;
    }

    private static Object autostart(ServiceReference<?> reference) {
        Object v = reference.getProperty(AUTOSTART);
        return v instanceof String s ? Boolean.valueOf(s) : v;
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    private static String human(Duration d) {
        return d.toMillis() < 1000 ? d.toMillis() + " ms" : d.toSeconds() + " s";
    }

    /** {@code app:<service.pid>} (a factory configuration names the instance), else {@code app:<component.name>}. */
    static String appId(ServiceReference<?> reference) {
        Object pid = reference.getProperty(Constants.SERVICE_PID);
        if (pid instanceof String[] pids && pids.length > 0) {
            pid = pids[pids.length - 1];
        } else if (pid instanceof java.util.Collection<?> c && !c.isEmpty()) {
            pid = List.copyOf(c).get(c.size() - 1);
        }
        if (pid != null) {
            return "app:" + pid;
        }
        Object name = reference.getProperty("component.name");
        if (name != null) {
            return "app:" + name;
        }
        return "app:" + reference.getBundle().getSymbolicName() + "/" + serviceId(reference);
    }

    private static long serviceId(ServiceReference<?> reference) {
        return (Long) reference.getProperty(Constants.SERVICE_ID);
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
