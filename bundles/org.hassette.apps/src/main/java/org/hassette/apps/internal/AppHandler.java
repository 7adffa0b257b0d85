package org.hassette.apps.internal;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.hassette.api.app.App;
import org.hassette.api.app.AppInfo;
import org.hassette.api.app.AppRegistry;
import org.hassette.api.lifecycle.ResourceLifecycle;
import org.hassette.api.lifecycle.ResourceRole;
import org.hassette.api.lifecycle.StatusRecord;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts every {@link App} service and stops it when the service goes away.
 *
 * <p>SCR calls bind/unbind on its own threads; they only queue work. Each app instance has its own
 * ordered chain of steps (start, stop) on the handler's control pool, and {@code App.start} runs on
 * a worker with a timeout, so a slow or failing app never delays SCR or another app.
 */
@Component(service = AppRegistry.class, configurationPid = AppHandler.PID, immediate = true)
@Designate(ocd = AppHandler.Config.class)
public class AppHandler implements AppRegistry {
    static final String PID = "org.hassette.apps";
    private static final Logger LOG = LoggerFactory.getLogger(AppHandler.class);

    @ObjectClassDefinition(name = "Hassette apps", description = "How apps are started and stopped")
    public @interface Config {
        @AttributeDefinition(description = "How long App.start and App.stop may take (seconds)")
        long timeout_seconds() default 10;
    }

    private final Map<Long, AppInstance> apps = new ConcurrentHashMap<>();
    private final Map<Long, CompletableFuture<Void>> chains = new ConcurrentHashMap<>();
    private final BundleContext context;
    private final Duration timeout;
    private final ExecutorService control = Executors.newCachedThreadPool(threads("hassette-apps-control-"));
    private final ExecutorService workers = Executors.newCachedThreadPool(threads("hassette-app-"));
    private volatile boolean active = true;

    @Activate
    public AppHandler(BundleContext context, Config config) {
        this.context = context;
        this.timeout = Duration.ofSeconds(Math.max(1, config.timeout_seconds()));
    }

    @Reference(service = App.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindApp(ServiceReference<App> reference) {
        long id = serviceId(reference);
        step(id, () -> start(id, reference));
    }

    void unbindApp(ServiceReference<App> reference) {
        long id = serviceId(reference);
        step(id, () -> stop(id, "the app service was unregistered"));
    }

    @Deactivate
    void deactivate() {
        active = false;
        for (Long id : List.copyOf(apps.keySet())) {
            step(id, () -> stop(id, "the app handler is stopping"));
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

    @Override
    public List<AppInfo> apps() {
        return apps.values().stream().map(AppHandler::info).sorted(Comparator.comparing(AppInfo::appId)).toList();
    }

    @Override
    public Optional<AppInfo> app(String appId) {
        return apps().stream().filter(a -> a.appId().equals(appId)).findFirst();
    }

    private static AppInfo info(AppInstance a) {
        StatusRecord r = a.lifecycle.status();
        return new AppInfo(a.appId, a.bundle(), "", r.status(), r.reason(), true, false, 0, 0, 0,
                a.scoped.subscriptionCount(), a.scoped.jobCount(), r.timestamp());
    }

    @Override
    public AppInfo start(String appId) {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public AppInfo stop(String appId) {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public AppInfo reload(String appId) {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public AppInfo enable(String appId) {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public AppInfo disable(String appId) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Runs {@code work} after the earlier steps of the same app instance. */
    private void step(long id, Runnable work) {
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

    private void start(long id, ServiceReference<App> reference) {
        if (!active || apps.containsKey(id)) {
            return;
        }
        String appId = appId(reference);
        AppInstance a = new AppInstance(appId, reference, ResourceLifecycle.open(context, appId, ResourceRole.APP, null));
        apps.put(id, a);
        a.lifecycle.starting("starting");
        try {
            AppInstance.Context ctx = a.open(context);
            App app = a.app;
            call(() -> {
                app.start(ctx);
                return null;
            }, a);
            a.lifecycle.ready("running from bundle " + a.bundle());
            LOG.info("{} started ({} listeners, {} jobs)", appId, a.scoped.subscriptionCount(), a.scoped.jobCount());
        } catch (Throwable e) {
            String reason = "start failed: " + describe(e);
            LOG.error("{}: {}", appId, reason, e);
            try {
                a.release(context);
            } catch (RuntimeException cleanup) {
                LOG.warn("{}: cleanup after the failed start: {}", appId, cleanup.toString());
            }
            a.lifecycle.failed(reason, e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e);
        }
    }

    private void stop(long id, String why) {
        AppInstance a = apps.remove(id);
        if (a == null) {
            return;
        }
        try {
            if (a.app != null) {
                a.lifecycle.stopping(why);
                App app = a.app;
                try {
                    call(() -> {
                        app.stop();
                        return null;
                    }, a);
                } catch (Throwable e) {
                    LOG.warn("{}: stop failed: {}", a.appId, describe(e));
                }
                a.release(context);
            }
        } catch (RuntimeException e) {
            LOG.warn("{}: cleanup failed: {}", a.appId, e.toString());
        } finally {
            a.lifecycle.close();
            LOG.info("{} stopped: {}", a.appId, why);
        }
    }

    private <T> T call(java.util.concurrent.Callable<T> work, AppInstance a) throws Exception {
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

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
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
