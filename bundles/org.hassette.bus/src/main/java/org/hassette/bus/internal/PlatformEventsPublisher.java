package org.hassette.bus.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.hassette.api.bus.EventBus;
import org.hassette.api.bus.PlatformTopics;
import org.hassette.api.lifecycle.ResourceRole;
import org.hassette.api.lifecycle.ResourceStatusService;
import org.hassette.api.lifecycle.StatusRecord;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Puts the platform's own events on the bus: every resource status change on
 * {@link PlatformTopics#SERVICE_STATUS}, those of apps also on {@link PlatformTopics#APP_STATUS}, and the Home Assistant connection going up or down on
 * {@link PlatformTopics#CONNECTION}. Emitting only queues, so the thread that changed a status never
 * runs a listener.
 */
@Component(immediate = true, service = {})
public class PlatformEventsPublisher {
    static final String CONNECTION_RESOURCE = "websocket";

    private final EventBus bus;
    private final ServiceTracker<ResourceStatusService, ResourceStatusService> tracker;
    /** Last readiness seen per websocket status service, so only changes are emitted. */
    private final Map<ServiceReference<?>, Boolean> connectionReady = new ConcurrentHashMap<>();

    @Activate
    public PlatformEventsPublisher(BundleContext context, @Reference EventBus bus) {
        this.bus = bus;
        this.tracker = new ServiceTracker<>(context, ResourceStatusService.class, null) {
            @Override
            public ResourceStatusService addingService(ServiceReference<ResourceStatusService> ref) {
                ResourceStatusService s = super.addingService(ref);
                publish(ref, s);
                return s;
            }

            @Override
            public void modifiedService(ServiceReference<ResourceStatusService> ref, ResourceStatusService s) {
                publish(ref, s);
            }

            @Override
            public void removedService(ServiceReference<ResourceStatusService> ref, ResourceStatusService s) {
                Boolean wasUp = connectionReady.remove(ref);
                if (Boolean.TRUE.equals(wasUp)) {
                    bus.emit(PlatformTopics.CONNECTION, new PlatformTopics.ConnectionChange(false, "stopped"));
                }
                super.removedService(ref, s);
            }
        };
        tracker.open();
    }

    @Deactivate
    void deactivate() {
        tracker.close();
    }

    private void publish(ServiceReference<ResourceStatusService> ref, ResourceStatusService service) {
        if (service == null) {
            return;
        }
        StatusRecord record = service.status();
        bus.emit(PlatformTopics.SERVICE_STATUS, record);
        if (record.role() == ResourceRole.APP) {
            bus.emit(PlatformTopics.APP_STATUS, PlatformTopics.AppStatusChange.of(record));
        }
        if (CONNECTION_RESOURCE.equals(record.resource())) {
            Boolean before = connectionReady.put(ref, record.ready());
            if (before == null ? record.ready() : before != record.ready()) {
                bus.emit(PlatformTopics.CONNECTION, new PlatformTopics.ConnectionChange(record.ready(), record.reason()));
            }
        }
    }
}
