package org.hassette.it;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.hassette.itest.probes.ResourceControl;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/** Status transitions reach EventAdmin subscribers as org/hassette/resource/<STATUS> events. */
class StatusEventsIT {
    @InjectBundleContext
    BundleContext context;
    @InjectService(filter = "(probe.resource=probe.gamma)")
    ResourceControl gamma;

    @Test
    void eachTransitionIsPostedWithItsPreviousStatusAndReadiness() {
        List<Event> events = new CopyOnWriteArrayList<>();
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(EventConstants.EVENT_TOPIC, "org/hassette/resource/*");
        props.put(EventConstants.EVENT_FILTER, "(resource=probe.gamma)");
        ServiceRegistration<EventHandler> handler = context.registerService(EventHandler.class, events::add, props);
        try {
            gamma.ready("up");
            gamma.failed("lost its disk", new IllegalStateException("disk gone"));
            Await.until("two transitions of gamma", Readiness.WAIT, () -> events.stream().anyMatch(e -> e.getTopic().endsWith("/FAILED")));
            Event ready = events.stream().filter(e -> Boolean.TRUE.equals(e.getProperty("ready"))).findFirst().orElseThrow();
            assertEquals("org/hassette/resource/RUNNING", ready.getTopic());
            assertEquals("core", ready.getProperty("role"));
            assertEquals("up", ready.getProperty("reason"));
            Event failed = events.stream().filter(e -> e.getTopic().endsWith("/FAILED")).findFirst().orElseThrow();
            assertEquals("failed", failed.getProperty("status"));
            assertEquals("running", failed.getProperty("previous"));
            assertEquals(false, failed.getProperty("ready"));
            assertEquals("lost its disk", failed.getProperty("reason"));
            assertEquals("IllegalStateException: disk gone", failed.getProperty("exception"));
            assertTrue(failed.getProperty(EventConstants.TIMESTAMP) instanceof Long);
        } finally {
            handler.unregister();
            gamma.notReady("test over");
        }
    }
}
