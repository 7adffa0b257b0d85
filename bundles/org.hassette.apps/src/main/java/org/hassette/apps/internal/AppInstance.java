package org.hassette.apps.internal;

import java.util.ArrayList;
import java.util.List;
import org.hassette.api.app.App;
import org.hassette.api.app.AppContext;
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

/** One App service: its status, its scoped services, and what must be released when it stops. */
final class AppInstance {
    final String appId;
    final ServiceReference<App> reference;
    final ResourceLifecycle lifecycle;
    final Scoped scoped = new Scoped();
    private final List<ServiceReference<?>> gotten = new ArrayList<>();
    private BundleContext appContext;
    App app;
    Context context;

    AppInstance(String appId, ServiceReference<App> reference, ResourceLifecycle lifecycle) {
        this.appId = appId;
        this.reference = reference;
        this.lifecycle = lifecycle;
    }

    String bundle() {
        Bundle b = reference.getBundle();
        return b == null ? "?" : b.getSymbolicName();
    }

    /**
     * Gets the app's services through the app bundle's own context, so the bus's per-bundle scope
     * applies to it, and builds its context.
     */
    Context open(BundleContext handlerContext) {
        Bundle b = reference.getBundle();
        if (b == null) {
            throw new IllegalStateException("the app service is gone");
        }
        appContext = b.getBundleContext();
        if (appContext == null) {
            throw new IllegalStateException("bundle " + b.getSymbolicName() + " is not active");
        }
        app = handlerContext.getService(reference);
        if (app == null) {
            throw new IllegalStateException("the app service could not be obtained");
        }
        EventBus bus = get(EventBus.class);
        Scheduler scheduler = get(Scheduler.class);
        StateCache states = get(StateCache.class);
        HomeAssistantApi ha = get(HomeAssistantApi.class);
        context = new Context(appId, scoped.bus(bus), scoped.scheduler(scheduler), states, ha,
                LoggerFactory.getLogger("hassette." + appId.replace(':', '.')));
        return context;
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

    /** Cancels the app's listeners and jobs and releases its services. */
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

    record Context(String appId, EventBus bus, Scheduler scheduler, StateCache states, HomeAssistantApi ha, Logger log)
            implements AppContext {
        @Override
        public org.hassette.api.app.AppStore store() {
            throw new UnsupportedOperationException("not yet");
        }
    }
}
