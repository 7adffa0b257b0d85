package org.hassette.it;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hassette.api.app.App;
import org.hassette.api.app.AppInfo;
import org.hassette.api.app.AppRegistry;
import org.hassette.api.bus.EventBus;
import org.hassette.api.bus.Subscription;
import org.hassette.api.lifecycle.ResourceProperties;
import org.hassette.api.lifecycle.ResourceStatus;
import org.hassette.api.lifecycle.ResourceStatusService;
import org.hassette.api.scheduler.Scheduler;
import org.hassette.simulator.HaSimulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/**
 * Apps in a real framework: the motion lights example bundle, configured by factory configuration,
 * starts only with the core-ready condition, drives the HA simulator's lights, and leaves no
 * listener or job behind when its configuration is deleted; a failing app is FAILED alone.
 */
class AppsIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String PID = "org.hassette.example.motionlights";
    private static final String BSN = "org.hassette.example.motionlights";
    private static final String COMPONENT = "org.hassette.example.motionlights.MotionLights";

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 10_000)
    ConfigurationAdmin configAdmin;

    @InjectService(timeout = 10_000)
    ServiceComponentRuntime scr;

    /** Looked up after the handler is configured: a configuration change replaces the component. */
    AppRegistry registry;

    @InjectService(timeout = 10_000)
    Scheduler scheduler;

    @InjectService(timeout = 10_000)
    org.apache.felix.service.command.CommandProcessor processor;

    private SimulatedHome home;
    private HaSimulator sim;
    private final List<Configuration> appConfigs = new ArrayList<>();
    private ServiceRegistration<App> failing;
    private ServiceReference<EventBus> appBusRef;

    @BeforeEach
    void setUp() throws Exception {
        // the core this test needs: Home Assistant (simulated), states, scheduler, bus
        // a failed app is retried after a minute here: the test sees it FAILED throughout
        SimulatedHome.configureAppHandler(context, configAdmin, scr, Map.of("restart.initial.ms", 60_000L));
        registry = context.getService(context.getServiceReference(AppRegistry.class));
        home = SimulatedHome.start(context, configAdmin, scr);
        sim = home.sim;
    }

    @AfterEach
    void tearDown() throws Exception {
        if (failing != null) {
            failing.unregister();
        }
        if (appBusRef != null) {
            exampleBundle().getBundleContext().ungetService(appBusRef);
        }
        for (Configuration c : appConfigs) {
            try {
                c.delete();
            } catch (IllegalStateException alreadyDeleted) {
                // deleted by the test
            }
        }
        SimulatedHome.resetAppHandler(context, configAdmin, scr);
        Await.until("no motion lights app left", WAIT,
                () -> registry.apps().stream().noneMatch(a -> a.appId().startsWith("app:" + PID + "~")));
        home.close();
    }

    @Test
    void appStartsWithCoreReadyDrivesLightsAndLeavesNothingBehind() throws Exception {
        sim.setState("binary_sensor.it_hall_motion", "off", Map.of());
        sim.setState("light.it_hall", "off", Map.of());
        String appId = configureApp("hall", "binary_sensor.it_hall_motion", "light.it_hall", 600);

        // configured, but the core is not ready (no Home Assistant): SCR holds it back on the condition
        Await.until("the app component waits for the core-ready condition", WAIT,
                () -> configurations().stream().anyMatch(c -> c.state == ComponentConfigurationDTO.UNSATISFIED_REFERENCE
                        && List.of(c.unsatisfiedReferences).stream().anyMatch(r -> r.name.equals("osgi.ds.satisfying.condition"))));
        assertFalse(Readiness.conditionRegistered(context), "core not ready yet");
        // the registry reads SCR again when SCR's change count moves (debounced by SCR): await it
        Readiness.awaitEquals("the pending app listed with why", "not_started: waiting for the Hassette core to be ready (see hassette:status)",
                () -> registry.app(appId).map(a -> a.status().label() + ": " + a.reason()).orElse(null));
        assertNull(status(appId), "no status for an app that never started");

        connectHomeAssistant();
        Await.until(appId + " running (" + registry.apps() + ")", WAIT,
                () -> registry.app(appId).map(a -> a.status() == ResourceStatus.RUNNING).orElse(false));
        assertTrue(Readiness.conditionRegistered(context));
        assertEquals("app", status(appId).getProperty(ResourceProperties.ROLE));
        assertEquals(BSN, registry.app(appId).orElseThrow().bundle());

        // the app's listeners live on its bundle's bus
        appBusRef = exampleBundle().getBundleContext().getServiceReference(EventBus.class);
        EventBus appBus = exampleBundle().getBundleContext().getService(appBusRef);
        assertEquals(List.of(appId + ":motion-off", appId + ":motion-on"), names(appBus));

        // a second app that throws in start is FAILED with the reason; the first is untouched
        Dictionary<String, Object> fp = new Hashtable<>();
        fp.put("service.pid", "it.failing");
        failing = context.registerService(App.class, ctx -> {
            throw new IllegalStateException("boom from the failing app");
        }, fp);
        Await.until("the failing app is FAILED (" + registry.apps() + ")", WAIT,
                () -> registry.app("app:it.failing").map(a -> a.status() == ResourceStatus.FAILED).orElse(false));
        AppInfo failed = registry.app("app:it.failing").orElseThrow();
        assertTrue(failed.reason().contains("boom from the failing app"), failed.reason());
        assertEquals("failed", status("app:it.failing").getProperty(ResourceProperties.STATUS));
        assertEquals(ResourceStatus.RUNNING, registry.app(appId).orElseThrow().status());
        String table = shell("hassette:apps");
        assertTrue(table.lines().anyMatch(l -> l.startsWith(appId) && l.contains(BSN) && l.contains("running")), table);
        assertTrue(table.lines().anyMatch(l -> l.startsWith("app:it.failing") && l.contains("failed")
                && l.contains("boom from the failing app")), table);

        // a factory instance id (with its '~') works as a shell argument
        String shown = shell("hassette:app show " + appId.substring("app:".length()));
        assertTrue(shown.lines().anyMatch(l -> l.startsWith(appId) && l.contains("running")), shown);

        // motion on turns the light on (simulator truth)
        sim.setState("binary_sensor.it_hall_motion", "on", Map.of());
        Await.until("light.it_hall on", WAIT, () -> "on".equals(simState("light.it_hall")));

        // motion off schedules the off job (10 minutes here): it is the app's
        sim.setState("binary_sensor.it_hall_motion", "off", Map.of());
        Await.until("off job scheduled", WAIT, () -> scheduler.job(appId + ":off").isPresent());
        assertEquals(1, scheduler.jobs().stream().filter(j -> j.name().startsWith(appId + ":")).count(), "the off job carries the instance's name");

        // deleting the configuration stops the app: its listeners and its job are gone
        configAdmin.getFactoryConfiguration(PID, "hall", "?").delete();
        Await.until(appId + " gone from the registry", WAIT, () -> registry.app(appId).isEmpty());
        Readiness.awaitEquals("a deployed app bundle without configuration says what it needs",
                "waiting for a configuration: add etc/" + PID + ".cfg, or etc/" + PID + "-<name>.cfg for one instance per file",
                () -> registry.app("app:" + PID).map(AppInfo::reason).orElse(null));
        assertFalse(registry.app("app:" + PID).orElseThrow().bundleVersion().isEmpty(), "a waiting app names its bundle's version too");
        Await.until("status service of " + appId + " unregistered", WAIT, () -> status(appId) == null);
        assertEquals(List.of(), names(appBus), "no listener of the stopped app");
        assertEquals(Optional.empty(), scheduler.job(appId + ":off"), "no job of the stopped app");
        assertEquals(List.of(), scheduler.jobs().stream().filter(j -> j.name().startsWith(appId + ":")).toList());
        assertEquals(ResourceStatus.FAILED, registry.app("app:it.failing").orElseThrow().status());

        // unregistering the failing app removes it too
        failing.unregister();
        failing = null;
        Await.until("failing app removed", WAIT, () -> registry.app("app:it.failing").isEmpty());
    }

    @Test
    void lightsGoOffAfterTheQuietPeriod() throws Exception {
        sim.setState("binary_sensor.it_porch_motion", "off", Map.of());
        sim.setState("light.it_porch", "off", Map.of());
        connectHomeAssistant();
        String appId = configureApp("porch", "binary_sensor.it_porch_motion", "light.it_porch", 1);
        Await.until(appId + " running (" + registry.apps() + ")", WAIT,
                () -> registry.app(appId).map(a -> a.status() == ResourceStatus.RUNNING).orElse(false));

        sim.setState("binary_sensor.it_porch_motion", "on", Map.of());
        Await.until("light.it_porch on", WAIT, () -> "on".equals(simState("light.it_porch")));
        sim.setState("binary_sensor.it_porch_motion", "off", Map.of());
        Await.until("light.it_porch off after one quiet second", WAIT, () -> "off".equals(simState("light.it_porch")));
    }

    @Test
    void configurationMissingRequiredPropertiesFailsAtOnceNamingThemAndAFixStartsIt() throws Exception {
        connectHomeAssistant();
        Configuration c = configAdmin.getFactoryConfiguration(PID, "attic", "?");
        Dictionary<String, Object> p = new Hashtable<>();
        p.put("off.after.seconds", 30);
        c.update(p);
        appConfigs.add(c);
        String appId = "app:" + c.getPid();
        Await.until(appId + " failed on its configuration (" + registry.app(appId) + ")", WAIT,
                () -> registry.app(appId).map(a -> a.status() == ResourceStatus.FAILED).orElse(false));
        AppInfo failed = registry.app(appId).orElseThrow();
        assertTrue(failed.reason().startsWith("configuration: sensor: required, not set (Motion sensor entity id"), failed.reason());
        assertTrue(failed.reason().contains("lights: required, not set"), failed.reason());
        assertEquals(0, failed.restarts(), "a configuration error is not retried");

        p.put("sensor", "binary_sensor.it_attic_motion");
        p.put("lights", new String[] {"light.it_attic"});
        c.update(p);
        Await.until(appId + " running after the fix (" + registry.app(appId) + ")", WAIT,
                () -> registry.app(appId).map(a -> a.status() == ResourceStatus.RUNNING).orElse(false));
    }

    private String configureApp(String name, String sensor, String light, int offAfterSeconds) throws Exception {
        Configuration c = configAdmin.getFactoryConfiguration(PID, name, "?");
        Dictionary<String, Object> p = new Hashtable<>();
        p.put("sensor", sensor);
        p.put("lights", new String[] {light});
        p.put("off.after.seconds", offAfterSeconds);
        c.update(p);
        appConfigs.add(c);
        return "app:" + c.getPid();
    }

    private void connectHomeAssistant() throws Exception {
        home.connect();
    }

    private String shell(String command) throws Exception {
        return Gogo.run(processor, command);
    }

    private List<ComponentConfigurationDTO> configurations() {
        ComponentDescriptionDTO d = scr.getComponentDescriptionDTO(exampleBundle(), COMPONENT);
        return d == null ? List.of() : List.copyOf(scr.getComponentConfigurationDTOs(d));
    }

    private Bundle exampleBundle() {
        return Readiness.bundle(context, BSN);
    }

    private static List<String> names(EventBus bus) {
        return bus.listeners().stream().filter(s -> !s.isCancelled()).map(Subscription::name).sorted().toList();
    }

    private String simState(String entityId) {
        return sim.state(entityId).map(s -> s.state()).orElse(null);
    }

    private ServiceReference<ResourceStatusService> status(String resource) {
        return home.status(resource);
    }
}
