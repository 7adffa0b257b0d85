package org.hassette.lifecycle.internal;

import java.time.Duration;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.felix.hc.api.HealthCheck;
import org.apache.felix.hc.api.Result;
import org.hassette.api.lifecycle.ReadinessReport;
import org.hassette.api.lifecycle.ResourceProperties;
import org.hassette.api.lifecycle.ResourceReport;
import org.hassette.api.lifecycle.ResourceRole;
import org.hassette.api.lifecycle.ResourceStatusService;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.util.tracker.ServiceTracker;
import org.osgi.util.tracker.ServiceTrackerCustomizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Felix {@link HealthCheck} per resource, registered as resources appear:
 * <ul>
 * <li>per core resource (every required one from the start, others as their status service
 * appears) {@code Hassette ready: <name>} (tags {@code systemready}, {@code hassette}) and
 * {@code Hassette alive: <name>} (tags {@code systemalive}, {@code hassette}); a required
 * resource's checks stay registered while it restarts, so a failing resource never makes its check
 * vanish; those of a resource that is neither required nor present any more are removed;</li>
 * <li>per app instance {@code Hassette app: <app id>} (tags {@code apps}, {@code hassette}), removed
 * when the app's status service goes away.</li>
 * </ul>
 * The verdicts are in {@link ResourceHealth}. Registrations run on one thread of their own, never
 * inside the status change that announced the resource.
 */
@Component(immediate = true, configurationPid = ReadinessConfig.PID)
public class ResourceHealthChecks {
    static final String READY_PREFIX = "Hassette ready: ";
    static final String ALIVE_PREFIX = "Hassette alive: ";
    static final String APP_PREFIX = "Hassette app: ";
    private static final Logger LOG = LoggerFactory.getLogger(ResourceHealthChecks.class);

    private final BundleContext context;
    private final ReportCache reports;
    private final long activatedNanos = System.nanoTime();
    private final ExecutorService registrar = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "hassette-health-checks");
        t.setDaemon(true);
        return t;
    });
    /** key: role + ':' + resource name; value: the registrations of that resource's checks. */
    private final Map<String, List<ServiceRegistration<HealthCheck>>> registered = new ConcurrentHashMap<>();
    private volatile ServiceTracker<ResourceStatusService, ServiceReference<ResourceStatusService>> tracker;
    private volatile Set<String> required;
    private volatile Duration startupTimeout;

    @Activate
    public ResourceHealthChecks(BundleContext context, @Reference ReadinessReport report, ReadinessConfig config, Map<String, Object> properties) {
        this.context = context;
        this.reports = new ReportCache(report);
        modified(config, properties);
        ServiceTracker<ResourceStatusService, ServiceReference<ResourceStatusService>> t =
                new ServiceTracker<>(context, ResourceStatusService.class, new Customizer());
        this.tracker = t;
        t.open();
    }

    @Modified
    void modified(ReadinessConfig config, Map<String, Object> properties) {
        required = Set.of(config.required());
        startupTimeout = StartupTimeout.of(context, config, properties, ignored -> { } /* CoreReadiness logs it */);
        for (String name : required) {
            registrar.execute(() -> ensureCore(name));
        }
        for (String key : registered.keySet()) {
            if (key.startsWith("core:")) {
                String name = key.substring("core:".length());
                registrar.execute(() -> removeCoreUnlessNeeded(name));
            }
        }
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        tracker.close();
        registrar.shutdown();
        registrar.awaitTermination(5, TimeUnit.SECONDS);
        registered.values().forEach(regs -> regs.forEach(ResourceHealthChecks::unregister));
        registered.clear();
    }

    private void ensureCore(String name) {
        registered.computeIfAbsent("core:" + name, k -> List.of(
                register(READY_PREFIX + name, new String[] { "systemready", "hassette" }, name,
                        r -> ResourceHealth.ready(name, r, required.contains(name), starting())),
                register(ALIVE_PREFIX + name, new String[] { "systemalive", "hassette" }, name,
                        r -> ResourceHealth.alive(name, r, required.contains(name)))));
    }

    private void ensureApp(String name) {
        registered.computeIfAbsent("app:" + name, k -> List.of(
                register(APP_PREFIX + name, new String[] { "apps", "hassette" }, name, r -> ResourceHealth.app(name, r))));
    }

    private void removeAppUnlessStillThere(String name) {
        if (!hasStatusService(name)) { // else a new instance of the same app is already there
            remove("app:" + name);
        }
    }

    /**
     * A core resource keeps its checks while it is required (also while it restarts and its status
     * service is gone) or while it has a status service; one that is neither is nobody's concern.
     */
    private void removeCoreUnlessNeeded(String name) {
        if (!required.contains(name) && !hasStatusService(name)) {
            remove("core:" + name);
        }
    }

    private boolean hasStatusService(String name) {
        ServiceTracker<ResourceStatusService, ServiceReference<ResourceStatusService>> t = tracker;
        ServiceReference<ResourceStatusService>[] refs = t == null ? null : t.getServiceReferences();
        if (refs != null) {
            for (ServiceReference<ResourceStatusService> ref : refs) {
                if (name.equals(ref.getProperty(ResourceProperties.RESOURCE))) {
                    return true;
                }
            }
        }
        return false;
    }

    private void remove(String key) {
        List<ServiceRegistration<HealthCheck>> regs = registered.remove(key);
        if (regs != null) {
            regs.forEach(ResourceHealthChecks::unregister);
        }
    }

    private ServiceRegistration<HealthCheck> register(String checkName, String[] tags, String resource,
            Function<ResourceReport, Result> verdict) {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(HealthCheck.NAME, checkName);
        props.put(HealthCheck.TAGS, tags);
        props.put(ResourceProperties.RESOURCE, resource);
        props.put(Constants.SERVICE_DESCRIPTION, "Hassette health of resource " + resource);
        HealthCheck check = () -> verdict.apply(reports.get(resource));
        return context.registerService(HealthCheck.class, check, props);
    }

    private boolean starting() {
        return System.nanoTime() - activatedNanos < startupTimeout.toNanos();
    }

    private static void unregister(ServiceRegistration<?> reg) {
        try {
            reg.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the bundle is stopping; the framework removes it anyway
        }
    }

    private void submit(Runnable work) {
        try {
            registrar.execute(() -> {
                try {
                    work.run();
                } catch (IllegalStateException stopping) {
                    LOG.debug("health check registration skipped: {}", stopping.getMessage());
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException deactivated) {
            // deactivating: nothing more to register
        }
    }

    private final class Customizer implements ServiceTrackerCustomizer<ResourceStatusService, ServiceReference<ResourceStatusService>> {
        @Override
        public ServiceReference<ResourceStatusService> addingService(ServiceReference<ResourceStatusService> ref) {
            Object name = ref.getProperty(ResourceProperties.RESOURCE);
            Object role = ref.getProperty(ResourceProperties.ROLE);
            if (!(name instanceof String n) || role == null) {
                return null;
            }
            if (ResourceRole.APP.label().equalsIgnoreCase(role.toString())) {
                submit(() -> ensureApp(n));
            } else {
                submit(() -> ensureCore(n));
            }
            return ref;
        }

        @Override
        public void modifiedService(ServiceReference<ResourceStatusService> ref, ServiceReference<ResourceStatusService> same) {
            // verdicts are computed when a check runs; nothing to re-register
        }

        @Override
        public void removedService(ServiceReference<ResourceStatusService> ref, ServiceReference<ResourceStatusService> same) {
            Object name = ref.getProperty(ResourceProperties.RESOURCE);
            Object role = ref.getProperty(ResourceProperties.ROLE);
            if (name instanceof String n && role != null) {
                if (ResourceRole.APP.label().equalsIgnoreCase(role.toString())) {
                    submit(() -> removeAppUnlessStillThere(n));
                } else {
                    // a required resource keeps its checks: while it restarts it must fail them, not vanish
                    submit(() -> removeCoreUnlessNeeded(n));
                }
            }
        }
    }

    /**
     * The report is computed from SCR's DTOs and the registry; many checks run in parallel on one
     * request, so they share one computation for a short while.
     */
    static final class ReportCache {
        private static final long TTL_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
        private final ReadinessReport report;
        private long takenAt;
        private Map<String, ResourceReport> byName;

        ReportCache(ReadinessReport report) {
            this.report = report;
        }

        synchronized ResourceReport get(String name) {
            long now = System.nanoTime();
            if (byName == null || now - takenAt > TTL_NANOS) {
                Map<String, ResourceReport> m = new java.util.HashMap<>();
                for (ResourceReport r : report.resources()) {
                    m.put(r.resource(), r);
                }
                byName = m;
                takenAt = now;
            }
            return byName.get(name);
        }
    }
}
