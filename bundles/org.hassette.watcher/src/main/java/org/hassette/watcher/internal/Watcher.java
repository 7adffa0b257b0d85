package org.hassette.watcher.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.hassette.api.lifecycle.ConfigurationErrors;
import org.hassette.api.lifecycle.HassetteResource;
import org.hassette.api.lifecycle.ResourceLifecycle;
import org.hassette.api.lifecycle.ResourceProperties;
import org.hassette.api.lifecycle.ResourceRole;
import org.hassette.api.lifecycle.ResourceStatus;
import org.hassette.api.lifecycle.ResourceStatusService;
import org.hassette.api.lifecycle.SupervisionState;
import org.hassette.api.lifecycle.Supervisor;
import org.hassette.api.platform.PlatformShutdown;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.event.EventConstants;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.runtime.dto.UnsatisfiedReferenceDTO;
import org.osgi.util.tracker.ServiceTracker;
import org.osgi.util.tracker.ServiceTrackerCustomizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watcher: follows every core resource's status service (ServiceEvents, synchronous) and SCR's
 * component state ({@code service.changecount}, for activation failures), and hands both to the
 * {@link SupervisionEngine}. Ready — and registered as {@link Supervisor} — once tracking runs.
 * App resources are ignored: apps have their own supervision.
 */
@Component(immediate = true, service = {})
@HassetteResource(resource = "watcher", provides = Supervisor.class)
public class Watcher implements Supervisor {
    private static final Logger LOG = LoggerFactory.getLogger(Watcher.class);
    private static final String SELF = "watcher";

    private final BundleContext context;
    private final ServiceComponentRuntime scr;
    private final ResourceLifecycle lifecycle;
    private final ScheduledExecutorService executor;
    private final java.util.concurrent.ExecutorService scanner;
    private final java.util.concurrent.atomic.AtomicBoolean scanQueued = new java.util.concurrent.atomic.AtomicBoolean();
    private final SupervisionEngine engine;
    private final ServiceTracker<ResourceStatusService, String> statusTracker;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile PlatformShutdown shutdown;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile EventAdmin events;

    /** Topic of the event sent for each restart the backoff planned, once it is issued. */
    static final String RESTART_TOPIC = "org/hassette/watcher/RESTART";

    @Activate
    public Watcher(BundleContext context, @Reference ServiceComponentRuntime scr) {
        this.context = context;
        this.scr = scr;
        this.lifecycle = ResourceLifecycle.open(context, SELF, ResourceRole.CORE, Supervisor.class);
        lifecycle.starting("opening trackers");
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "hassette-watcher");
            t.setDaemon(true);
            return t;
        });
        // SCR's DTOs are read on a thread of their own: a scan (all component descriptions) must not
        // delay a restart that is due on the decision thread
        this.scanner = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "hassette-watcher-scan");
            t.setDaemon(true);
            return t;
        });
        this.engine = new SupervisionEngine(executor, new ScrActions(), this::policyOf, Clock.systemUTC(), new Random());
        this.statusTracker = new ServiceTracker<>(context, ResourceStatusService.class, new StatusCustomizer());
        this.scrListener = event -> {
            if (event.getType() == org.osgi.framework.ServiceEvent.MODIFIED) {
                requestScan();
            }
        };
        statusTracker.open();
        try {
            context.addServiceListener(scrListener, "(objectClass=" + ServiceComponentRuntime.class.getName() + ")");
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        requestScan();
        synchronized (reasonLock) {
            lifecycle.ready(Supervisor.class, this, Map.of(), trackingReason());
            readyAnnounced = true;
        }
    }

    /** Guards the reason: the first count comes with readiness, later ones from the engine's thread. */
    private final Object reasonLock = new Object();
    private boolean readyAnnounced;

    /**
     * The resources the watcher supervises, counted as {@code hassette:watcher} lists them: core
     * resources other than itself that it has heard of. Read under the lock, so the last writer
     * always writes the newest count.
     */
    private String trackingReason() {
        return "tracking " + engine.states().size() + " core resources (hassette:watcher lists them)";
    }

    private void trackingChanged() {
        synchronized (reasonLock) {
            if (readyAnnounced) {
                lifecycle.reason(trackingReason());
            }
        }
    }

    @Deactivate
    void deactivate() {
        context.removeServiceListener(scrListener);
        statusTracker.close();
        scanner.shutdownNow();
        executor.shutdownNow();
        lifecycle.close();
    }

    /** SCR's {@code service.changecount} moved (MODIFIED): component states changed somewhere. */
    private final org.osgi.framework.ServiceListener scrListener;

    @Override
    public Optional<SupervisionState> state(String resource) {
        return engine.state(resource);
    }

    @Override
    public List<SupervisionState> states() {
        return engine.states();
    }

    @Override
    public void restartNow(String resource) {
        if (SELF.equals(resource)) {
            // disabling its own component would end this very call and the thread that should re-enable it
            throw new IllegalArgumentException("the watcher cannot restart itself; restart its bundle with 'restart "
                    + context.getBundle().getBundleId() + "', or 'scr:disable " + Watcher.class.getName() + "' then 'scr:enable "
                    + Watcher.class.getName() + "' (a new watcher starts with fresh budgets and no verdicts)");
        }
        if (componentOf(resource) == null) {
            throw new IllegalArgumentException("no core resource named '" + resource + "'; known: " + coreResources().keySet());
        }
        engine.restartNow(resource);
    }

    /** For tests in this bundle's package. */
    SupervisionEngine engine() {
        return engine;
    }

    /** Coalesces bursts of change counts into one scan at a time. */
    private void requestScan() {
        if (!scanner.isShutdown() && scanQueued.compareAndSet(false, true)) {
            try {
                scanner.execute(() -> {
                    scanQueued.set(false);
                    if (!executor.isShutdown()) {
                        scanComponents();
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                scanQueued.set(false);
            }
        }
    }

    private void scanComponents() {
        for (Map.Entry<String, ComponentDescriptionDTO> e : coreResources().entrySet()) {
            ComponentDescriptionDTO d = e.getValue();
            for (ComponentConfigurationDTO c : scr.getComponentConfigurationDTOs(d)) {
                if (c.state == ComponentConfigurationDTO.FAILED_ACTIVATION && c.failure != null) {
                    // the engine reads the failure again on its own thread (this scan may be stale by then)
                    engine.onActivationFailure(e.getKey(), d.name);
                }
            }
        }
    }

    /** Core resources by name, from the component descriptions carrying {@code hassette.resource}. */
    private Map<String, ComponentDescriptionDTO> coreResources() {
        Map<String, ComponentDescriptionDTO> map = new HashMap<>();
        for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs()) {
            Object resource = d.properties.get(ResourceProperties.RESOURCE);
            Object role = d.properties.get(ResourceProperties.ROLE);
            if (resource != null && !SELF.equals(resource) && (role == null || ResourceRole.CORE.label().equals(role))) {
                map.put(resource.toString(), d);
            }
        }
        return map;
    }

    private ComponentDescriptionDTO componentOf(String resource) {
        return coreResources().get(resource);
    }

    private Policy policyOf(String resource) {
        ComponentDescriptionDTO d = componentOf(resource);
        if (d == null) {
            return Policy.defaults();
        }
        // configuration properties (overrides from etc/) win over the declared ones
        for (ComponentConfigurationDTO c : scr.getComponentConfigurationDTOs(d)) {
            return Policy.from(c.properties);
        }
        return Policy.from(d.properties);
    }

    /** The root cause of an SCR failure text (a stack trace): its last "Caused by:" line, else its first line. */
    static String firstLine(String text) {
        String summary = text.strip().lines().findFirst().orElse(text);
        for (String line : (Iterable<String>) text.lines()::iterator) {
            if (line.startsWith("Caused by: ")) {
                summary = line.substring("Caused by: ".length());
            }
        }
        return summary;
    }

    private final class StatusCustomizer implements ServiceTrackerCustomizer<ResourceStatusService, String> {
        @Override
        public String addingService(ServiceReference<ResourceStatusService> ref) {
            String resource = (String) ref.getProperty(ResourceProperties.RESOURCE);
            forward(ref);
            return resource;
        }

        @Override
        public void modifiedService(ServiceReference<ResourceStatusService> ref, String resource) {
            forward(ref);
        }

        @Override
        public void removedService(ServiceReference<ResourceStatusService> ref, String resource) {
            if (resource != null && !executor.isShutdown()) {
                engine.onStatusGone(resource);
            }
        }

        private void forward(ServiceReference<ResourceStatusService> ref) {
            String resource = (String) ref.getProperty(ResourceProperties.RESOURCE);
            if (resource == null || SELF.equals(resource) || executor.isShutdown()
                    || !ResourceRole.CORE.label().equals(ref.getProperty(ResourceProperties.ROLE))) {
                return;
            }
            ResourceStatus status;
            try {
                status = ResourceStatus.parse(String.valueOf(ref.getProperty(ResourceProperties.STATUS)));
            } catch (IllegalArgumentException e) {
                LOG.warn("Resource '{}' publishes an unknown status: {}", resource, e.getMessage());
                return;
            }
            engine.onStatus(resource, status, Boolean.TRUE.equals(ref.getProperty(ResourceProperties.READY)),
                    String.valueOf(ref.getProperty(ResourceProperties.REASON)), (String) ref.getProperty(ResourceProperties.EXCEPTION),
                    (String) ref.getProperty(ResourceProperties.WAITING_ON));
        }
    }

    private final class ScrActions implements SupervisionEngine.Actions {
        @Override
        public CompletionStage<Void> restart(String component) {
            ComponentDescriptionDTO d = byName(component);
            if (d == null) {
                return CompletableFuture.failedFuture(new IllegalStateException("component " + component + " is gone"));
            }
            if (!scr.isComponentEnabled(d)) {
                // disabled by someone else (an operator, a test): never re-enable behind their back
                return CompletableFuture.failedFuture(new SupervisionEngine.ComponentDisabledException(component));
            }
            CompletableFuture<Void> done = new CompletableFuture<>();
            LOG.info("Restarting component {}", component);
            scr.disableComponent(d).then(p -> scr.enableComponent(d)).onResolve(() -> done.complete(null));
            return done;
        }

        @Override
        public void disable(String component) {
            ComponentDescriptionDTO d = byName(component);
            if (d != null) {
                scr.disableComponent(d);
            }
        }

        @Override
        public String activationFailure(String component) {
            ComponentDescriptionDTO d = byName(component);
            if (d == null) {
                return null;
            }
            for (ComponentConfigurationDTO c : scr.getComponentConfigurationDTOs(d)) {
                if (c.state == ComponentConfigurationDTO.FAILED_ACTIVATION && c.failure != null) {
                    String named = ConfigurationErrors.describe(c.failure, c.properties);
                    return named != null ? named : firstLine(c.failure);
                }
            }
            return null;
        }

        @Override
        public String unsatisfiedReferences(String component) {
            ComponentDescriptionDTO d = byName(component);
            if (d == null) {
                return null;
            }
            Set<String> waits = new TreeSet<>();
            for (ComponentConfigurationDTO c : scr.getComponentConfigurationDTOs(d)) {
                if (c.state != ComponentConfigurationDTO.UNSATISFIED_REFERENCE) {
                    continue;
                }
                for (UnsatisfiedReferenceDTO u : c.unsatisfiedReferences) {
                    String type = Arrays.stream(d.references).filter(r -> r.name.equals(u.name))
                            .map(r -> r.interfaceName.substring(r.interfaceName.lastIndexOf('.') + 1)).findFirst().orElse(u.name);
                    waits.add(type);
                }
            }
            return waits.isEmpty() ? null : String.join(", ", waits);
        }

        @Override
        public void fatal(String resource, String reason) {
            PlatformShutdown s = shutdown;
            if (s != null) {
                s.shutdownFatal(resource, reason, null);
                return;
            }
            LOG.error("FATAL: '{}': {}. No platform coordinator is running, stopping the framework directly", resource, reason);
            System.setProperty("hassette.exit.code", Integer.toString(PlatformShutdown.FATAL_EXIT_CODE));
            System.setProperty("hassette.exit.reason", resource + ": " + reason);
            Thread t = new Thread(() -> {
                try {
                    context.getBundle(0).stop();
                } catch (Exception e) {
                    LOG.error("Could not stop the framework", e);
                }
            }, "hassette-fatal-stop");
            t.start();
        }

        @Override
        public boolean shuttingDown() {
            PlatformShutdown s = shutdown;
            if (s != null && s.isShuttingDown()) {
                return true;
            }
            int framework = context.getBundle(0).getState();
            return framework == org.osgi.framework.Bundle.STOPPING || framework == org.osgi.framework.Bundle.RESOLVED;
        }

        @Override
        public void verdict(String resource, ResourceStatus verdict, ResourceStatus previous, Instant retryAt, String reason) {
            EventAdmin ea = events;
            if (ea == null) {
                return;
            }
            Map<String, Object> props = new HashMap<>();
            props.put("resource", resource);
            props.put("role", ResourceRole.CORE.label());
            props.put("status", verdict.label());
            props.put("previous", previous == null ? "unknown" : previous.label());
            props.put("ready", false);
            props.put("reason", reason);
            props.put("origin", SELF);
            if (retryAt != null) {
                props.put("retry.at", retryAt.toString());
                props.put("retry.at.millis", retryAt.toEpochMilli());
            }
            props.put(EventConstants.TIMESTAMP, System.currentTimeMillis());
            try {
                // synchronous: a CRASHED verdict reaches its listeners before the shutdown is requested
                ea.sendEvent(new Event(ResourceProperties.TOPIC_PREFIX + verdict.name(), props));
            } catch (RuntimeException e) {
                LOG.warn("Could not send the {} event of '{}': {}", verdict.label(), resource, e.toString());
            }
        }

        @Override
        public void restartIssued(String resource, int attempt, long failureSeenNanos, long plannedDelayMs, long issuedNanos) {
            EventAdmin ea = events;
            if (ea == null) {
                return;
            }
            Map<String, Object> props = new HashMap<>();
            props.put("resource", resource);
            props.put("attempt", attempt);
            props.put("delay.planned.ms", plannedDelayMs);
            props.put("failure.seen.nanos", failureSeenNanos);
            props.put("restart.issued.nanos", issuedNanos);
            props.put("delay.actual.ms", (issuedNanos - failureSeenNanos) / 1_000_000.0);
            props.put(EventConstants.TIMESTAMP, System.currentTimeMillis());
            ea.postEvent(new Event(RESTART_TOPIC, props));
        }

        @Override
        public void tracking(int count) {
            trackingChanged();
        }

        @Override
        public String componentOf(String resource) {
            ComponentDescriptionDTO d = Watcher.this.componentOf(resource);
            return d == null ? null : d.name;
        }

        private ComponentDescriptionDTO byName(String name) {
            for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs()) {
                if (d.name.equals(name)) {
                    return d;
                }
            }
            return null;
        }
    }
}
