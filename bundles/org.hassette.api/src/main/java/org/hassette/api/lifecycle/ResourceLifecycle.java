package org.hassette.api.lifecycle;

import java.time.Clock;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * The status and readiness of one managed resource, published as OSGi state.
 *
 * <p>A core component opens one in its {@code @Activate} and closes it in {@code @Deactivate}. It
 * registers a {@link ResourceStatusService} at once and keeps its properties current. The
 * resource's own service is registered by {@link #ready} and unregistered when readiness ends, so
 * consumers with mandatory references start only while it is ready and stop when it is not: the
 * service registry, not a polling loop, carries readiness.
 *
 * <p>Ordering guarantees: on the way up the service is registered before the status says
 * {@code ready=true}; on the way down the status says {@code ready=false} before the service is
 * unregistered. Anything derived from the ready flag (the core-ready condition) therefore never
 * outlives the service. All changes are serialized by one lock; registry callbacks (consumer
 * activation) run on the calling thread while it is held, so consumers must not block on another
 * thread that would need this resource.
 */
public final class ResourceLifecycle implements ResourceStatusService, AutoCloseable {
    private final ReentrantLock lock = new ReentrantLock();
    private final BundleContext context;
    private final Clock clock;
    private final String provides;
    private volatile StatusRecord record;
    private ServiceRegistration<ResourceStatusService> statusRegistration;
    private ServiceRegistration<?> readyRegistration;
    /** What outside the platform the resource waits for ({@link #waitingOn}), or {@code null}. */
    private volatile String waitingOn;

    private ResourceLifecycle(BundleContext context, String name, ResourceRole role, Class<?> provides, Clock clock) {
        this.context = Objects.requireNonNull(context, "context");
        this.clock = clock;
        this.provides = provides == null ? null : provides.getName();
        this.record = StatusRecord.initial(name, role, clock.instant());
    }

    /**
     * Opens the lifecycle of a resource and registers its status service (NOT_STARTED).
     *
     * @param provides the service interface this resource registers while ready, or {@code null}
     */
    public static ResourceLifecycle open(BundleContext context, String name, ResourceRole role, Class<?> provides) {
        return open(context, name, role, provides, Clock.systemUTC());
    }

    static ResourceLifecycle open(BundleContext context, String name, ResourceRole role, Class<?> provides, Clock clock) {
        ResourceLifecycle lc = new ResourceLifecycle(context, name, role, provides, clock);
        lc.lock.lock();
        try {
            lc.statusRegistration = context.registerService(ResourceStatusService.class, lc, lc.properties());
        } finally {
            lc.lock.unlock();
        }
        return lc;
    }

    @Override
    public StatusRecord status() {
        return record;
    }

    /** The resource name. */
    public String name() {
        return record.resource();
    }

    /** Whether the resource is ready now. */
    public boolean isReady() {
        return record.ready();
    }

    /** NOT_STARTED/STOPPED/FAILED → STARTING. */
    public void starting(String reason) {
        transition(ResourceStatus.STARTING, false, reason, null);
    }

    /** Running but not (yet) ready, e.g. connecting. */
    public void running(String reason) {
        lock.lock();
        try {
            withdrawReadiness(reason);
            if (record.status() != ResourceStatus.RUNNING) {
                toRunning(reason);
            } else {
                publish(record.withReadiness(false, reason, clock.instant()));
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Ready: registers {@code service} under {@code type} (moving to RUNNING first if needed), then
     * publishes {@code ready=true}. Calling it again while ready replaces nothing and only updates
     * the reason.
     */
    public <S> void ready(Class<S> type, S service, Map<String, ?> properties, String reason) {
        lock.lock();
        try {
            if (record.status() != ResourceStatus.RUNNING) {
                toRunning(reason);
            }
            if (readyRegistration == null) {
                Hashtable<String, Object> props = new Hashtable<>();
                if (properties != null) {
                    props.putAll(properties);
                }
                props.put(ResourceProperties.RESOURCE, name());
                readyRegistration = context.registerService(type, service, props);
            }
            publish(record.withReadiness(true, reason, clock.instant()));
        } finally {
            lock.unlock();
        }
    }

    /** Ready without a service of its own (e.g. a watcher). */
    public void ready(String reason) {
        lock.lock();
        try {
            if (record.status() != ResourceStatus.RUNNING) {
                toRunning(reason);
            }
            publish(record.withReadiness(true, reason, clock.instant()));
        } finally {
            lock.unlock();
        }
    }

    /** Not ready any more (status unchanged): publishes {@code ready=false}, then unregisters the service. */
    public void notReady(String reason) {
        lock.lock();
        try {
            withdrawReadiness(reason);
            publish(record.withReadiness(false, reason, clock.instant()));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Running and not ready because something outside the platform is not there yet, e.g. Home
     * Assistant being down or a token being rejected: the resource retries by itself and needs no
     * restart. The watcher does not charge a restart that ends in this state as failed (a restart
     * cannot bring Home Assistant back). It holds until the next change of status or readiness;
     * {@link #reason} keeps it.
     *
     * @param party what is waited for, in a few words, e.g. {@code "Home Assistant"}
     * @since 1.3
     */
    public void waitingOn(String party, String reason) {
        Objects.requireNonNull(party, "party");
        lock.lock();
        try {
            withdrawReadiness(reason);
            if (record.status() != ResourceStatus.RUNNING) {
                toRunning(reason);
            }
            publish(record.withReadiness(false, reason, clock.instant()), party);
        } finally {
            lock.unlock();
        }
    }

    /**
     * What the resource is waiting for outside the platform ({@link #waitingOn}), or {@code null}.
     *
     * @since 1.3
     */
    public String waitingOn() {
        return waitingOn;
    }

    /** Updates the human reason without changing status or readiness (progress such as "attempt 3/5"). */
    public void reason(String reason) {
        lock.lock();
        try {
            publish(record.withReadiness(record.ready(), reason, clock.instant()), waitingOn);
        } finally {
            lock.unlock();
        }
    }

    /** Recoverable failure: the watcher may restart the component. */
    public void failed(String reason, Throwable error) {
        transition(ResourceStatus.FAILED, false, reason, error);
    }

    /** Fatal failure of this resource. */
    public void crashed(String reason, Throwable error) {
        transition(ResourceStatus.CRASHED, false, reason, error);
    }

    public void stopping(String reason) {
        transition(ResourceStatus.STOPPING, false, reason, null);
    }

    /**
     * STOPPED while the resource stays known (its status service stays registered), e.g. an app an
     * operator stopped. Goes through STOPPING when the current status cannot reach STOPPED directly.
     */
    public void stopped(String reason) {
        lock.lock();
        try {
            if (!StatusTransitions.isAllowed(record.status(), ResourceStatus.STOPPED) && record.status() != ResourceStatus.STOPPED) {
                transition(ResourceStatus.STOPPING, false, reason, null);
            }
            transition(ResourceStatus.STOPPED, false, reason, null);
        } finally {
            lock.unlock();
        }
    }

    /** The platform gave up on this resource (EXHAUSTED_DEAD) until someone acts. */
    public void exhausted(String reason, Throwable error) {
        transition(ResourceStatus.EXHAUSTED_DEAD, false, reason, error);
    }

    /** STOPPED, then the status service is unregistered. Safe to call more than once. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (statusRegistration == null) {
                return;
            }
            withdrawReadiness("stopping");
            if (record.status() != ResourceStatus.STOPPED && StatusTransitions.isAllowed(record.status(), ResourceStatus.STOPPED)) {
                publish(record.transition(ResourceStatus.STOPPED, false, "stopped", null, clock.instant()));
            }
            try {
                statusRegistration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // bundle stopping: the framework unregistered it already
            }
            statusRegistration = null;
        } finally {
            lock.unlock();
        }
    }

    /** To RUNNING along legal edges: through STARTING when the current status cannot go there directly. */
    private void toRunning(String reason) {
        if (!StatusTransitions.isAllowed(record.status(), ResourceStatus.RUNNING)) {
            transition(ResourceStatus.STARTING, false, reason, null);
        }
        transition(ResourceStatus.RUNNING, false, reason, null);
    }

    private void transition(ResourceStatus next, boolean ready, String reason, Throwable error) {
        lock.lock();
        try {
            if (!ready) {
                withdrawReadiness(reason);
            }
            if (record.status() == next) {
                publish(new StatusRecord(record.resource(), record.role(), next, record.previous(), ready,
                        reason, StatusRecord.summarize(error), clock.instant()));
            } else {
                publish(record.transition(next, ready, reason, error, clock.instant()));
            }
        } finally {
            lock.unlock();
        }
    }

    /** Flag first, service second: nothing derived from the flag outlives the service. */
    private void withdrawReadiness(String reason) {
        if (record.ready()) {
            publish(record.withReadiness(false, reason, clock.instant()));
        }
        if (readyRegistration != null) {
            try {
                readyRegistration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // bundle stopping
            }
            readyRegistration = null;
        }
    }

    /** Every change but {@link #waitingOn} and {@link #reason} ends what the resource waited for. */
    private void publish(StatusRecord next) {
        publish(next, null);
    }

    private void publish(StatusRecord next, String party) {
        record = next;
        waitingOn = party;
        if (statusRegistration != null) {
            try {
                statusRegistration.setProperties(properties());
            } catch (IllegalStateException alreadyGone) {
                statusRegistration = null;
            }
        }
    }

    private Dictionary<String, Object> properties() {
        StatusRecord r = record;
        Hashtable<String, Object> p = new Hashtable<>();
        p.put(ResourceProperties.RESOURCE, r.resource());
        p.put(ResourceProperties.ROLE, r.role().label());
        p.put(ResourceProperties.STATUS, r.status().label());
        p.put(ResourceProperties.READY, r.ready());
        p.put(ResourceProperties.REASON, r.reason());
        if (r.exception() != null) {
            p.put(ResourceProperties.EXCEPTION, r.exception());
        }
        if (waitingOn != null) { // only ever set with a not-ready record
            p.put(ResourceProperties.WAITING_ON, waitingOn);
        }
        if (provides != null) {
            p.put(ResourceProperties.PROVIDES, provides);
        }
        p.put("service.description", "Hassette " + r.role().label() + " resource '" + r.resource() + "'");
        return p;
    }
}
