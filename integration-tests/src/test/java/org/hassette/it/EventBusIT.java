package org.hassette.it;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.hassette.api.bus.EventBus;
import org.hassette.api.bus.StateChange;
import org.hassette.api.bus.Subscription;
import org.hassette.api.ha.HomeAssistantConnection;
import org.hassette.api.ha.StateCache;
import org.hassette.api.lifecycle.ResourceProperties;
import org.hassette.api.lifecycle.ResourceStatusService;
import org.hassette.simulator.HaSimulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/**
 * The event bus in a real framework: ready without Home Assistant, then fed by the connection and
 * the state cache once the HA simulator is configured through Config Admin.
 */
class EventBusIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 10_000)
    ConfigurationAdmin configAdmin;

    @InjectService(timeout = 10_000)
    EventBus bus;

    @InjectService(timeout = 10_000)
    org.osgi.service.component.runtime.ServiceComponentRuntime scr;

    private HaSimulator sim;
    private Path tokenFile;
    private Subscription subscription;
    private ServiceRegistration<EventHandler> handlerRegistration;

    @AfterEach
    void tearDown() throws Exception {
        if (subscription != null) {
            subscription.cancel();
        }
        if (handlerRegistration != null) {
            handlerRegistration.unregister();
        }
        configAdmin.getConfiguration("org.hassette.websocket", "?").delete();
        Await.until("HomeAssistantConnection withdrawn after the configuration was deleted", WAIT,
                () -> context.getServiceReference(HomeAssistantConnection.class) == null);
        if (sim != null) {
            sim.close();
        }
        if (tokenFile != null) {
            Files.deleteIfExists(tokenFile);
        }
    }

    @Test
    void busIsRegisteredOnlyWhileReady() throws Exception {
        String component = "org.hassette.bus";
        Await.until("bus ready", WAIT, () -> Platform.isReady(context, "bus") && context.getServiceReference(EventBus.class) != null);
        List<String> seen = new CopyOnWriteArrayList<>();
        org.osgi.framework.ServiceListener listener = event -> {
            org.hassette.api.lifecycle.StatusRecord s = Platform.status(context, "bus");
            String state = s == null ? "no status" : s.status() + (s.ready() ? "/ready" : "/not ready");
            seen.add((event.getType() == org.osgi.framework.ServiceEvent.REGISTERED ? "registered while " : "unregistering while ") + state);
        };
        context.addServiceListener(listener, "(objectClass=" + EventBus.class.getName() + ")");
        try {
            Components.disable(scr, component);
            Await.until("EventBus unregistered", WAIT, () -> context.getServiceReference(EventBus.class) == null);
            assertNull(Platform.status(context, "bus"), "no status service while the component is disabled");
            Components.enable(scr, component);
            Components.awaitState(scr, component, org.osgi.service.component.runtime.dto.ComponentConfigurationDTO.ACTIVE, WAIT);
            Await.until("EventBus registered again", WAIT,
                    () -> context.getServiceReference(EventBus.class) != null && Platform.isReady(context, "bus"));
        } finally {
            context.removeServiceListener(listener);
        }
        // readiness is withdrawn before the service goes; the service comes once the dispatcher runs (RUNNING), then ready=true
        assertEquals(List.of("unregistering while RUNNING/not ready", "registered while RUNNING/not ready"), seen);
        assertEquals(org.hassette.api.lifecycle.ResourceStatus.RUNNING, Platform.status(context, "bus").status());
    }

    @Test
    void simulatorStateChangeReachesBusListenerOnceAndEventAdmin() throws Exception {
        // the bus is ready before any HA is configured
        assertNull(context.getServiceReference(HomeAssistantConnection.class), "no connection yet");
        assertNotNull(bus);

        List<Object> seen = new CopyOnWriteArrayList<>();
        List<String> threads = new CopyOnWriteArrayList<>();
        subscription = bus.onStateChange("sensor.bus_it").subscribe("bus-it", (StateChange c) -> {
            threads.add(Thread.currentThread().getName());
            seen.add(c.newValue());
        });
        List<Event> posted = new CopyOnWriteArrayList<>();
        Dictionary<String, Object> hp = new Hashtable<>();
        hp.put(EventConstants.EVENT_TOPIC, "org/hassette/event/state_changed");
        hp.put(EventConstants.EVENT_FILTER, "(entity_id=sensor.bus_it)");
        handlerRegistration = context.registerService(EventHandler.class, posted::add, hp);

        String token = "it-" + UUID.randomUUID();
        sim = HaSimulator.builder().token(token).entities(10).build().start();
        tokenFile = Files.createTempFile("ha-token", ".txt");
        Files.writeString(tokenFile, token + "\n");
        Configuration c = configAdmin.getConfiguration("org.hassette.websocket", "?");
        Dictionary<String, Object> p = new Hashtable<>();
        p.put("url", sim.url());
        p.put("token.file", tokenFile.toString());
        p.put("reconnect.base.ms", 100L);
        p.put("reconnect.max.ms", 500L);
        c.update(p);
        // the state cache feeds the bus once it is registered (synced); changes before it are not state changes
        Await.until("StateCache registered", WAIT, () -> context.getServiceReference(StateCache.class) != null);
        Await.until("the bus bound the state cache (bus reason: " + busReason() + ")", WAIT,
                () -> busReason().contains("from the state cache") && busReason().contains("HA events connected"));

        sim.setState("sensor.bus_it", "42", Map.of("unit_of_measurement", "W"));
        Await.until("the bus listener saw 42", WAIT, () -> seen.contains("42"));
        Await.until("EventAdmin got the state_changed event", WAIT, () -> !posted.isEmpty());
        Event e = posted.get(0);
        assertEquals("org/hassette/event/state_changed", e.getTopic());
        assertEquals("state_changed", e.getProperty("event_type"));

        // exactly once: a later change arrives next, with no second 42 in between (per-listener order)
        sim.setState("sensor.bus_it", "43", Map.of("unit_of_measurement", "W"));
        Await.until("the bus listener saw 43", WAIT, () -> seen.contains("43"));
        assertEquals(List.of("42", "43"), seen);
        assertEquals(2, subscription.stats().invoked());
        assertTrue(threads.stream().allMatch(t -> t.startsWith("hassette-bus-handler-")), threads.toString());
    }

    @Test
    void eventAdminPostingStopsWhenSwitchedOff() throws Exception {
        List<String> posted = new CopyOnWriteArrayList<>();
        Dictionary<String, Object> hp = new Hashtable<>();
        hp.put(EventConstants.EVENT_TOPIC, new String[] {"org/hassette/event/state_changed", "it/eventadmin/marker"});
        hp.put(EventConstants.EVENT_FILTER, "(|(entity_id=sensor.ea_off)(marker=*))");
        handlerRegistration = context.registerService(EventHandler.class, e -> posted.add(e.getTopic().equals("it/eventadmin/marker")
                ? "marker " + e.getProperty("marker")
                : String.valueOf(((Map<?, ?>) ((Map<?, ?>) e.getProperty("data")).get("new_state")).get("state"))), hp);
        org.osgi.service.event.EventAdmin eventAdmin = context.getService(context.getServiceReference(org.osgi.service.event.EventAdmin.class));
        connectSimulator();
        Configuration busConfig = configAdmin.getConfiguration("org.hassette.bus", "?");
        try {
            EventBus off = reconfigureBus(busConfig, false);
            List<Object> seen = new CopyOnWriteArrayList<>();
            subscription = off.onStateChange("sensor.ea_off").subscribe("ea-off", (StateChange c) -> seen.add(c.newValue()));
            sim.setState("sensor.ea_off", "1", Map.of());
            Await.until("the bus listener saw 1", WAIT, () -> seen.contains("1"));
            // the bridge posts before routing: once the listener ran, a post would have been handed to EventAdmin;
            // a marker posted now is delivered after anything posted before it
            eventAdmin.postEvent(new Event("it/eventadmin/marker", Map.of("marker", "off")));
            Await.until("the marker arrived", WAIT, () -> posted.contains("marker off"));
            assertEquals(List.of("marker off"), posted, "nothing posted to EventAdmin while it is switched off");
            subscription.cancel();
            subscription = null;

            // switched on again (the default), the same kind of event reaches the same handler
            EventBus on = reconfigureBus(busConfig, true);
            List<Object> seenOn = new CopyOnWriteArrayList<>();
            subscription = on.onStateChange("sensor.ea_off").subscribe("ea-on", (StateChange c) -> seenOn.add(c.newValue()));
            sim.setState("sensor.ea_off", "2", Map.of());
            Await.until("EventAdmin got 2", WAIT, () -> posted.contains("2"));
            assertEquals(List.of("marker off", "2"), posted);
        } finally {
            busConfig.delete();
        }
    }

    /** Sets {@code eventadmin.enabled} and waits for the bus to come back with it, fed again; returns the new service. */
    private EventBus reconfigureBus(Configuration busConfig, boolean eventAdmin) throws Exception {
        Object before = context.getServiceReference(EventBus.class).getProperty(org.osgi.framework.Constants.SERVICE_ID);
        Dictionary<String, Object> p = new Hashtable<>();
        p.put("eventadmin.enabled", eventAdmin);
        busConfig.update(p);
        Await.until("the bus re-registered with eventadmin.enabled=" + eventAdmin, WAIT, () -> {
            var ref = context.getServiceReference(EventBus.class);
            return ref != null && !ref.getProperty(org.osgi.framework.Constants.SERVICE_ID).equals(before);
        });
        Await.until("the new bus is fed (bus reason: " + busReason() + ")", WAIT,
                () -> busReason().contains("from the state cache") && busReason().contains("HA events connected"));
        return context.getService(context.getServiceReference(EventBus.class));
    }

    private void connectSimulator() throws Exception {
        String token = "it-" + UUID.randomUUID();
        sim = HaSimulator.builder().token(token).entities(10).build().start();
        tokenFile = Files.createTempFile("ha-token", ".txt");
        Files.writeString(tokenFile, token + "\n");
        Configuration c = configAdmin.getConfiguration("org.hassette.websocket", "?");
        Dictionary<String, Object> p = new Hashtable<>();
        p.put("url", sim.url());
        p.put("token.file", tokenFile.toString());
        p.put("reconnect.base.ms", 100L);
        p.put("reconnect.max.ms", 500L);
        c.update(p);
        Await.until("the bus bound the state cache (bus reason: " + busReason() + ")", WAIT,
                () -> busReason().contains("from the state cache") && busReason().contains("HA events connected"));
    }

    private String busReason() {
        try {
            var refs = context.getServiceReferences(ResourceStatusService.class, "(" + ResourceProperties.RESOURCE + "=bus)");
            return refs.isEmpty() ? "no status" : String.valueOf(refs.iterator().next().getProperty(ResourceProperties.REASON));
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new AssertionError(e);
        }
    }
}
