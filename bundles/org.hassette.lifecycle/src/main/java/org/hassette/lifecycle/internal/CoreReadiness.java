package org.hassette.lifecycle.internal;

import java.util.Map;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.hassette.api.lifecycle.ReadinessReport;
import org.hassette.api.lifecycle.ResourceProperties;
import org.hassette.api.lifecycle.ResourceReport;
import org.hassette.api.lifecycle.ResourceRole;
import org.hassette.api.lifecycle.ResourceStatusService;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.condition.Condition;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the {@code hassette.core.ready} {@link Condition} exactly while every required core
 * resource has a status service saying {@code hassette.ready=true}, and logs the startup verdict.
 *
 * <p><b>Down is synchronous.</b> A resource publishes {@code ready=false} before it unregisters its
 * service; the listener sees that {@code MODIFIED} on the resource's own thread and unregisters the
 * condition before returning, so SCR deactivates every gated component before the resource's
 * service goes away. <b>Up is serialized.</b> Registration happens in a drain loop that one thread
 * runs at a time and that re-checks readiness after every registration, so a resource flapping on
 * another thread (or a gated component changing a resource while it activates on the registering
 * thread) can never leave the condition registered while a required resource is not ready. No lock
 * is held while registering or unregistering: gated components activate on that thread. A
 * resource going down on another thread while gated components activate inside
 * {@code registerService} waits for that activation to end, then withdraws the condition, so the
 * components are stopped before its service goes.
 */
@Component(immediate = true, service = {}, configurationPid = ReadinessConfig.PID)
@Designate(ocd = ReadinessConfig.class)
public class CoreReadiness {
    private static final String CORE_STATUS_FILTER = "(" + ResourceProperties.ROLE + "=" + ResourceRole.CORE.label() + ")";
    private static final Logger LOG = LoggerFactory.getLogger(CoreReadiness.class);

    private final BundleContext context;
    private final ReadinessReport report;
    private final long activatedNanos = System.nanoTime();
    private final Set<ServiceReference<?>> coreStatus = ConcurrentHashMap.newKeySet();
    private final AtomicReference<ServiceRegistration<Condition>> condition = new AtomicReference<>();
    private final AtomicInteger pendingChecks = new AtomicInteger();
    private final AtomicBoolean everReady = new AtomicBoolean();
    private final AtomicBoolean timeoutLogged = new AtomicBoolean();
    private final AtomicBoolean lossWarningPending = new AtomicBoolean();
    /** When the core stopped being ready ({@link System#nanoTime()}), or -1 while it is ready or was never lost. */
    private final AtomicLong lostAtNanos = new AtomicLong(-1);
    private final ScheduledExecutorService logger;
    private final ServiceListener listener = this::statusChanged;
    private volatile List<String> required;
    private volatile boolean closed;
    private ScheduledFuture<?> timeoutCheck;

    @Activate
    public CoreReadiness(BundleContext context, @Reference ReadinessReport report, ReadinessConfig config, Map<String, Object> properties)
            throws InvalidSyntaxException {
        this.context = context;
        this.report = report;
        this.required = List.of(config.required());
        this.logger = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "hassette-readiness-log");
            t.setDaemon(true);
            return t;
        });
        String filter = "(&(objectClass=" + ResourceStatusService.class.getName() + ")" + CORE_STATUS_FILTER + ")";
        context.addServiceListener(listener, filter);
        coreStatus.addAll(context.getServiceReferences(ResourceStatusService.class, CORE_STATUS_FILTER));
        scheduleTimeoutCheck(StartupTimeout.of(context, config, properties, LOG::error));
        LOG.info("Waiting for core resources {} (condition {})", required, ReadinessReport.CORE_READY_CONDITION);
        check();
    }

    @Modified
    void modified(ReadinessConfig config, Map<String, Object> properties) {
        required = List.of(config.required());
        scheduleTimeoutCheck(StartupTimeout.of(context, config, properties, LOG::error));
        withdrawIfNotReady();
        check();
    }

    @Deactivate
    void deactivate() {
        closed = true;
        context.removeServiceListener(listener);
        withdraw(false);
        check(); // a registration in flight on another thread is withdrawn by its own re-check
        logger.shutdownNow();
    }

    /** Whether the status service {@code ref} belongs to {@code resource} and says ready. */
    private static boolean isReady(ServiceReference<?> ref, String resource) {
        return resource.equals(ref.getProperty(ResourceProperties.RESOURCE)) && StatusView.isReady(ref);
    }

    private void statusChanged(ServiceEvent event) {
        ServiceReference<?> ref = event.getServiceReference();
        switch (event.getType()) {
            case ServiceEvent.REGISTERED, ServiceEvent.MODIFIED -> coreStatus.add(ref); // MODIFIED also when it matches again
            default -> coreStatus.remove(ref); // UNREGISTERING, MODIFIED_ENDMATCH
        }
        withdrawIfNotReady();
        check();
    }

    private boolean allRequiredReady() {
        return !closed && required.stream().allMatch(name -> coreStatus.stream().anyMatch(r -> isReady(r, name)));
    }

    /** A registration of the condition under way: gated components activate inside it, on {@code thread}. */
    private record InFlight(Thread thread, CountDownLatch done) {
    }

    private static final long ACTIVATION_WAIT_SECONDS = 10;
    private volatile InFlight inFlight;

    /** The synchronous way down: on the thread that reported the change, before it goes on. */
    private void withdrawIfNotReady() {
        if (!allRequiredReady()) {
            InFlight registering = inFlight;
            if (registering != null && registering.thread != Thread.currentThread()) {
                // gated components are activating inside registerService on another thread: wait until that is
                // over and the registration is published, then withdraw it, so they are stopped before this
                // resource's service goes. Bounded: a gated component waiting for this thread must not hang us.
                try {
                    if (!registering.done.await(ACTIVATION_WAIT_SECONDS, TimeUnit.SECONDS)) {
                        LOG.warn("Gated components still activating after {} s on thread {}; withdrawing readiness without waiting longer",
                                ACTIVATION_WAIT_SECONDS, registering.thread.getName());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            withdraw(true);
        }
    }

    /**
     * Brings the condition in line with readiness. Only one thread runs the loop; a thread arriving
     * while it runs just counts itself in, and the loop runs again for it.
     */
    private void check() {
        if (pendingChecks.getAndIncrement() != 0) {
            return;
        }
        int missed = 1;
        do {
            if (!allRequiredReady()) {
                withdraw(true);
            } else if (!isLive(condition.get())) {
                Dictionary<String, Object> props = new Hashtable<>();
                props.put(Condition.CONDITION_ID, ReadinessReport.CORE_READY_CONDITION);
                props.put("hassette.required", required.toArray(String[]::new));
                // Gated components activate inside registerService, on this thread, before the registration is
                // known to anyone: a resource going down meanwhile on another thread finds no condition to withdraw.
                // It waits for `activated` instead (see withdrawIfNotReady), then withdraws what this published.
                CountDownLatch activated = new CountDownLatch(1);
                inFlight = new InFlight(Thread.currentThread(), activated);
                try {
                    // checked again after announcing the registration: a resource that went down before it could
                    // not see it, so it must be seen here (and then it is withdrawn in the next round)
                    if (allRequiredReady()) {
                        condition.set(context.registerService(Condition.class, Condition.INSTANCE, props));
                    }
                } finally {
                    inFlight = null;
                    activated.countDown();
                }
                if (condition.get() != null) {
                    announceReady();
                }
            }
            missed = pendingChecks.addAndGet(-missed);
        } while (missed != 0);
    }

    /** The first readiness says how long the start took; every later one how long the core was down. */
    private void announceReady() {
        String resources = String.join(", ", required);
        if (everReady.compareAndSet(false, true)) {
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - activatedNanos);
            LOG.info("Hassette core ready in {} ms ({})", ms, resources);
            return;
        }
        long lost = lostAtNanos.getAndSet(-1);
        if (lost >= 0) {
            Duration outage = Duration.ofNanos(System.nanoTime() - lost);
            // through the log thread, so it follows the warning about the loss
            runLogged(() -> LOG.info("Hassette core ready again after {} ({})", human(outage), resources));
        }
    }

    /** {@code 850 ms}, {@code 4.2 s}, {@code 3 min 5 s}, {@code 2 h 10 min}: an outage in an operator's units. */
    static String human(Duration d) {
        long ms = Math.max(0, d.toMillis());
        if (ms < 1000) {
            return ms + " ms";
        }
        if (ms < 60_000) {
            return String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        long s = ms / 1000;
        if (s < 3600) {
            return s / 60 + " min " + s % 60 + " s";
        }
        return s / 3600 + " h " + s % 3600 / 60 + " min";
    }

    private static boolean isLive(ServiceRegistration<?> registration) {
        if (registration == null) {
            return false;
        }
        try {
            registration.getReference();
            return true;
        } catch (IllegalStateException unregistered) {
            return false;
        }
    }

    private void withdraw(boolean warn) {
        ServiceRegistration<Condition> registration = condition.getAndSet(null);
        if (registration == null) {
            return;
        }
        boolean loss = warn && !closed && !frameworkStopping();
        if (loss) {
            // before the unregistration: gated components stop inside it, and the core may be back by its end
            lostAtNanos.compareAndSet(-1, System.nanoTime());
        }
        try {
            registration.unregister();
        } catch (IllegalStateException alreadyGone) {
            // bundle stopping
        }
        if (loss && lossWarningPending.compareAndSet(false, true)) {
            // one warning per burst: a flapping resource queues at most one explanation at a time
            runLogged(() -> {
                lossWarningPending.set(false);
                List<ResourceReport> blocked = blocked();
                LOG.warn("Hassette core is no longer ready{}", blocked.isEmpty() ? " (ready again since)" : ". Blocked resources:" + lines(blocked));
            });
        }
    }

    /** A platform that is shutting down loses readiness on purpose: no warning for that. */
    private boolean frameworkStopping() {
        try {
            return context.getBundle(0).getState() == org.osgi.framework.Bundle.STOPPING;
        } catch (IllegalStateException invalidContext) {
            return true;
        }
    }

    private synchronized void scheduleTimeoutCheck(Duration timeout) {
        if (timeoutCheck != null) {
            timeoutCheck.cancel(false);
        }
        long delay = Math.max(0, timeout.toNanos() - (System.nanoTime() - activatedNanos));
        try {
            timeoutCheck = logger.schedule(() -> explaining(() -> logTimeout(timeout)), delay, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            timeoutCheck = null;
        }
    }

    private void logTimeout(Duration timeout) {
        if (everReady.get() || closed || !timeoutLogged.compareAndSet(false, true)) {
            return;
        }
        LOG.error("Hassette core is not ready after {} s. Blocked resources:{}", timeout.toSeconds(), lines(blocked()));
    }

    /** The required resources that are not ready, each with its chain (computed on the log thread: SCR DTOs are not free). */
    private List<ResourceReport> blocked() {
        return report.resources().stream().filter(r -> required.contains(r.resource()) && !r.ready()).toList();
    }

    private static String lines(List<ResourceReport> blocked) {
        return blocked.stream().map(r -> "\n  - " + String.join(" → ", r.chain())).collect(Collectors.joining());
    }

    private void runLogged(Runnable task) {
        try {
            logger.execute(() -> explaining(task));
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // deactivated meanwhile
        }
    }

    private static void explaining(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.warn("Could not explain the core readiness change: {}", e.toString());
        }
    }
}
