package org.hassette.apps.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import org.hassette.api.app.App;
import org.hassette.api.app.AppContext;
import org.hassette.api.app.AppErrorHandler;
import org.hassette.api.constraints.Constraint;
import org.hassette.api.app.AppStore;
import org.hassette.api.bus.EventBus;
import org.hassette.api.ha.HomeAssistantApi;
import org.hassette.api.ha.StateCache;
import org.hassette.api.lifecycle.ResourceLifecycle;
import org.hassette.api.scheduler.Scheduler;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One App service: its status, what it registered in its current run, its counters and what the
 * operator wants of it. Touched only from the app's own control chain (see {@link AppHandler}),
 * except the counters and {@link #scoped}, which are read by the registry from any thread.
 */
final class AppInstance {
    /** What should happen to the app. */
    enum Want {
        /** Run it; restart it after failures while the budget lasts. */
        RUN,
        /** Stopped by an operator until started again (not persisted). */
        STOPPED,
        /** Disabled by an operator (persisted). */
        DISABLED,
        /** Kept failing; disabled by the platform (persisted, lifted by a new jar or enable). */
        QUARANTINED
    }

    final long serviceId;
    final String appId;
    final ServiceReference<App> reference;
    final ResourceLifecycle lifecycle;
    final RestartBudget budget;
    volatile Scoped scoped;
    volatile Want want = Want.RUN;
    /** Its service went away: it is being stopped and leaves the registry once it has (no restart meanwhile). */
    volatile boolean removing;
    volatile boolean running;
    volatile int starts;
    volatile int failures;
    volatile int restarts;
    ScheduledFuture<?> pendingRestart;
    private final List<ServiceReference<?>> gotten = new ArrayList<>();
    private BundleContext appContext;
    private App app;

    AppInstance(long serviceId, String appId, ServiceReference<App> reference, ResourceLifecycle lifecycle, RestartBudget budget) {
        this.serviceId = serviceId;
        this.appId = appId;
        this.reference = reference;
        this.lifecycle = lifecycle;
        this.budget = budget;
        this.scoped = new Scoped(appId, logger());
    }

    private Logger logger() {
        return LoggerFactory.getLogger("hassette." + appId.replace(':', '.'));
    }

    String bundle() {
        Bundle b = reference.getBundle();
        return b == null ? "?" : b.getSymbolicName();
    }

    String bundleVersion() {
        Bundle b = reference.getBundle();
        return b == null ? "" : b.getVersion().toString();
    }

    /** Identifies the jar: a new jar (update or redeploy) lifts a quarantine. */
    String bundleStamp() {
        Bundle b = reference.getBundle();
        return b == null ? "" : b.getSymbolicName() + ";" + b.getVersion() + ";" + b.getLastModified();
    }

    App app() {
        return app;
    }

    /**
     * Gets the App object and the core services through the app bundle's own context (so the bus's
     * per-bundle scope applies) and builds a fresh context for one run.
     *
     * @param activationFailure how to explain a null App object (SCR's failure text for the component)
     */
    Context open(BundleContext handlerContext, AppStore store, java.util.function.Supplier<String> activationFailure) {
        Bundle b = reference.getBundle();
        if (b == null) {
            throw new IllegalStateException("the app service is gone");
        }
        appContext = b.getBundleContext();
        if (appContext == null) {
            throw new IllegalStateException("bundle " + b.getSymbolicName() + " is not active");
        }
        scoped = new Scoped(appId, logger());
        app = handlerContext.getService(reference);
        if (app == null) {
            throw new IllegalStateException("the app component could not be activated: " + activationFailure.get());
        }
        EventBus bus = get(EventBus.class);
        Scheduler scheduler = get(Scheduler.class);
        StateCache states = get(StateCache.class);
        HomeAssistantApi ha = get(HomeAssistantApi.class);
        return new Context(appId, scoped.bus(bus), scoped.scheduler(scheduler), states, ha, logger(), store, scoped);
    }

    private <S> S get(Class<S> type) {
        ServiceReference<S> ref = appContext.getServiceReference(type);
        S service = ref == null ? null : appContext.getService(ref);
        if (service == null) {
            throw new IllegalStateException(type.getSimpleName() + " is not available (is the core ready?)");
        }
        gotten.add(ref);
        return service;
    }

    /** Cancels the run's listeners and jobs and releases its services and the App object. */
    void release(BundleContext handlerContext) {
        try {
            scoped.close();
        } finally {
            for (ServiceReference<?> ref : gotten) {
                try {
                    appContext.ungetService(ref);
                } catch (IllegalStateException bundleStopped) {
                    // the framework released them with the bundle
                }
            }
            gotten.clear();
            if (app != null) {
                try {
                    handlerContext.ungetService(reference);
                } catch (IllegalStateException stopped) {
                    // handler stopping
                }
                app = null;
            }
        }
    }

    record Context(String appId, EventBus bus, Scheduler scheduler, StateCache states, HomeAssistantApi ha, Logger log,
            AppStore store, Scoped policy) implements AppContext {
        @Override
        public void onError(AppErrorHandler handler) {
            policy.onError(handler);
        }

        @Override
        public void constrainAll(Constraint... constraints) {
            policy.constrainAll(constraints);
        }
    }
}
