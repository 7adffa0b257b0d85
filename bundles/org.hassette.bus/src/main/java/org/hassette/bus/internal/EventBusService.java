package org.hassette.bus.internal;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.hassette.api.bus.EventBus;
import org.hassette.api.bus.HaEventBuilder;
import org.hassette.api.bus.InvocationListener;
import org.hassette.api.bus.InvocationRecord;
import org.hassette.api.bus.StateChange;
import org.hassette.api.bus.StateChangeBuilder;
import org.hassette.api.bus.Subscription;
import org.hassette.api.bus.TopicBuilder;
import org.hassette.api.ha.HaEvent;
import org.hassette.api.ha.HomeAssistantConnection;
import org.hassette.api.constraints.ConstraintContext;
import org.hassette.api.ha.StateCache;
import org.hassette.api.scheduler.Scheduler;
import org.hassette.api.lifecycle.HassetteResource;
import org.hassette.api.lifecycle.ResourceLifecycle;
import org.hassette.api.lifecycle.ResourceRole;
import org.hassette.api.lifecycle.RestartPolicy;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceFactory;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event bus resource. Ready (and {@link EventBus} registered) while its router thread runs,
 * with or without Home Assistant: the connection (HA events) and the state cache (state changes)
 * are optional dynamic references that feed the bus when they come and stop when they go.
 */
@Component(name = "org.hassette.bus", immediate = true, service = {})
@HassetteResource(resource = "bus", provides = EventBus.class)
@RestartPolicy(type = "permanent")
@Designate(ocd = EventBusService.Config.class)
public class EventBusService {
    private static final Logger LOG = LoggerFactory.getLogger(EventBusService.class);

    @ObjectClassDefinition(name = "Hassette event bus", description = "Listener queues and the EventAdmin bridge of the event bus")
    public @interface Config {
        @AttributeDefinition(description = "Events queued per listener at most; beyond it the newest is dropped and counted")
        int queue_capacity() default 1000;

        @AttributeDefinition(description = "Events waiting to be routed at most; beyond it the newest is dropped and counted")
        int ingress_capacity() default 10_000;

        @AttributeDefinition(description = "Post every HA event to EventAdmin as org/hassette/event/<event_type>")
        boolean eventadmin_enabled() default true;
    }

    private final ResourceLifecycle lifecycle;
    private final SystemTimeSource time = new SystemTimeSource("hassette-bus-timer");
    private final ThreadPoolExecutor handlers;
    private final BusCore core;
    private final boolean eventAdminEnabled;
    private final Map<Object, org.hassette.api.ha.Subscription> feeds = new IdentityHashMap<>();
    private volatile StateCache cache;
    private volatile HomeAssistantConnection connection;
    private volatile Scheduler scheduler;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile EventAdmin eventAdmin;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile List<InvocationListener> invocationListeners;

    @Activate
    @SuppressWarnings("unchecked")
    public EventBusService(BundleContext context, Config config) {
        this.eventAdminEnabled = config.eventadmin_enabled();
        this.lifecycle = ResourceLifecycle.open(context, "bus", ResourceRole.CORE, EventBus.class);
        lifecycle.starting("starting the dispatcher");
        AtomicInteger n = new AtomicInteger();
        handlers = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "hassette-bus-handler-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        core = new BusCore(time, handlers, () -> cache, Math.max(1, config.queue_capacity()), Math.max(1, config.ingress_capacity()),
                this::telemetry, this::toEventAdmin, LOG);
        // on the publisher's thread (the connection's reader): the status update runs elsewhere
        core.onIngressDrops(dropped -> handlers.execute(() -> lifecycle.reason(readyReason())));
        lifecycle.ready((Class<Object>) (Class<?>) EventBus.class, bundleScoped(), Map.of(), readyReason());
    }

    /**
     * A service factory: each bundle gets its own view, and its listeners are cancelled when it
     * releases the service. Registered under the EventBus name; the framework recognizes the factory.
     */
    private ServiceFactory<EventBus> bundleScoped() {
        return new ServiceFactory<EventBus>() {
            @Override
            public EventBus getService(Bundle bundle, ServiceRegistration<EventBus> registration) {
                return new BundleEventBus(core);
            }

            @Override
            public void ungetService(Bundle bundle, ServiceRegistration<EventBus> registration, EventBus service) {
                ((BundleEventBus) service).close();
            }
        };
    }

    @Deactivate
    void deactivate() {
        lifecycle.stopping("stopping");
        synchronized (feeds) {
            feeds.values().forEach(org.hassette.api.ha.Subscription::close);
            feeds.clear();
        }
        core.close();
        handlers.shutdownNow();
        time.close();
        lifecycle.close();
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindConnection(HomeAssistantConnection c) {
        synchronized (feeds) {
            feeds.put(c, c.onEvent(null, core::publish));
        }
        connection = c;
        lifecycle.reason(readyReason());
    }

    void unbindConnection(HomeAssistantConnection c) {
        synchronized (feeds) {
            org.hassette.api.ha.Subscription s = feeds.remove(c);
            if (s != null) {
                s.close();
            }
        }
        if (connection == c) {
            connection = null;
        }
        lifecycle.reason(readyReason());
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindStateCache(StateCache c) {
        synchronized (feeds) {
            feeds.put(c, c.addListener((id, o, n) -> core.publish(new StateChange(id, o, n))));
        }
        cache = c;
        lifecycle.reason(readyReason());
    }

    /** With a scheduler, listener constraints use its clock, zone and sun times. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindScheduler(Scheduler s) {
        scheduler = s;
        core.constraintContext(ConstraintContext.of(s.clock(), ConstraintContext.SunTimes.of(s), () -> cache));
    }

    void unbindScheduler(Scheduler s) {
        if (scheduler == s) {
            scheduler = null;
            core.constraintContext(core.defaultConstraintContext());
        }
    }

    void unbindStateCache(StateCache c) {
        synchronized (feeds) {
            org.hassette.api.ha.Subscription s = feeds.remove(c);
            if (s != null) {
                s.close();
            }
        }
        if (cache == c) {
            cache = null;
        }
        lifecycle.reason(readyReason());
    }

    private String readyReason() {
        return readyReason(connection != null, cache != null, core.ingressDropped());
    }

    /** The bus's status reason; names the ingress drops (events lost before routing, the router fell behind) once there are any. */
    static String readyReason(boolean connected, boolean cached, long ingressDropped) {
        return "dispatcher running; HA events " + (connected ? "connected" : "waiting for a connection")
                + "; state changes " + (cached ? "from the state cache" : "waiting for the state cache")
                + (ingressDropped > 0 ? "; " + ingressDropped + " events dropped at ingress (queue full)" : "");
    }

    private void telemetry(InvocationRecord r) {
        List<InvocationListener> ls = invocationListeners;
        if (ls == null) {
            return;
        }
        for (InvocationListener l : ls) {
            try {
                l.invoked(r);
            } catch (RuntimeException e) {
                LOG.warn("Invocation listener {} failed: {}", l.getClass().getName(), e.toString());
            }
        }
    }

    private void toEventAdmin(Object event) {
        EventAdmin ea = eventAdmin;
        if (eventAdminEnabled && ea != null && event instanceof HaEvent e) {
            ea.postEvent(EventAdminBridge.toEvent(e));
        }
    }
}
