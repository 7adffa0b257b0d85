package org.hassette.lifecycle.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.hassette.api.lifecycle.ResourceProperties;
import org.hassette.api.lifecycle.ResourceStatusService;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.event.EventConstants;

/**
 * Posts an EventAdmin event for each status transition of any resource (core or app): topic
 * {@code org/hassette/resource/<STATUS>} with the properties {@code resource, role, status,
 * previous, ready, reason, exception, timestamp}. A change of readiness with the same status is a
 * transition too (RUNNING not ready → RUNNING ready); a change of reason alone is not.
 */
@Component(immediate = true, service = {})
public class StatusEventPublisher {
    private final BundleContext context;
    private final EventAdmin events;
    private final Map<Long, Seen> seen = new ConcurrentHashMap<>();
    private final ServiceListener listener = this::statusChanged;

    private record Seen(String status, boolean ready) {
    }

    @Activate
    public StatusEventPublisher(BundleContext context, @Reference EventAdmin events) throws InvalidSyntaxException {
        this.context = context;
        this.events = events;
        context.addServiceListener(listener, "(objectClass=" + ResourceStatusService.class.getName() + ")");
        for (ServiceReference<?> ref : context.getServiceReferences(ResourceStatusService.class, null)) {
            seen.putIfAbsent(id(ref), seen(ref));
        }
    }

    @Deactivate
    void deactivate() {
        context.removeServiceListener(listener);
    }

    /** Runs on the thread that changed the status, in order for each resource; posting is asynchronous. */
    private void statusChanged(ServiceEvent event) {
        ServiceReference<?> ref = event.getServiceReference();
        long id = id(ref);
        if (event.getType() == ServiceEvent.UNREGISTERING) {
            seen.remove(id);
            return;
        }
        Seen now = seen(ref);
        Seen before = seen.put(id, now);
        if (before == null || before.equals(now)) {
            return; // registration (NOT_STARTED, no transition yet) or a change of reason only
        }
        Map<String, Object> props = new HashMap<>();
        props.put("resource", String.valueOf(ref.getProperty(ResourceProperties.RESOURCE)));
        props.put("role", String.valueOf(ref.getProperty(ResourceProperties.ROLE)));
        props.put("status", now.status());
        props.put("previous", before.status());
        props.put("ready", now.ready());
        props.put("reason", String.valueOf(ref.getProperty(ResourceProperties.REASON)));
        Object exception = ref.getProperty(ResourceProperties.EXCEPTION);
        if (exception != null) {
            props.put("exception", exception.toString());
        }
        props.put(EventConstants.TIMESTAMP, System.currentTimeMillis());
        events.postEvent(new Event(ResourceProperties.TOPIC_PREFIX + now.status().toUpperCase(java.util.Locale.ROOT), props));
    }

    private static Seen seen(ServiceReference<?> ref) {
        return new Seen(String.valueOf(ref.getProperty(ResourceProperties.STATUS)), Boolean.TRUE.equals(ref.getProperty(ResourceProperties.READY)));
    }

    private static long id(ServiceReference<?> ref) {
        return (Long) ref.getProperty(Constants.SERVICE_ID);
    }
}
