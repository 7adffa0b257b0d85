package org.hassette.it;

import static org.junit.jupiter.api.Assertions.*;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import org.hassette.api.app.AppInfo;
import org.hassette.api.app.AppRegistry;
import org.hassette.api.database.Database;
import org.hassette.api.lifecycle.ResourceStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/**
 * Apps built as real DS components in their own bundles: an app that needs another app's typed
 * service starts only after it and stops with it, and an app whose component cannot be created is
 * reported with SCR's root cause and quarantined, while the others keep running.
 */
class AppDependencyIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 10_000)
    ConfigurationAdmin configAdmin;

    @InjectService(timeout = 10_000)
    ServiceComponentRuntime scr;

    @InjectService(timeout = 10_000)
    Database database;

    private SimulatedHome home;
    private AppRegistry registry;

    @BeforeEach
    void setUp() throws Exception {
        SimulatedHome.configureAppHandler(context, configAdmin, scr, Map.of("restart.initial.ms", 20L, "restart.max.ms", 50L,
                "restart.budget", 2));
        registry = context.getService(context.getServiceReference(AppRegistry.class));
        home = SimulatedHome.connect(context, configAdmin, scr);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (String pid : List.of("it.welcome", "it.greeter", "it.broken")) {
            configAdmin.getConfiguration(pid, "?").delete();
        }
        Await.until("test apps stopped", WAIT, () -> registry.apps().stream()
                .noneMatch(a -> a.appId().startsWith("app:it.") && a.status() != ResourceStatus.NOT_STARTED));
        SimulatedHome.resetAppHandler(context, configAdmin, scr);
        home.close();
    }

    @Test
    void appNeedingAnotherAppsServiceStartsAfterItAndStopsWithIt() throws Exception {
        configure("it.welcome");
        Await.until("WelcomeApp waits for the Greeter service", WAIT, () -> configurations("org.hassette.itest.welcome",
                "org.hassette.itest.welcome.WelcomeApp").stream().anyMatch(c -> c.state == ComponentConfigurationDTO.UNSATISFIED_REFERENCE
                        && Arrays.stream(c.unsatisfiedReferences).anyMatch(r -> r.name.equals("greeter"))));
        assertEquals(List.of(), registry.apps().stream().filter(a -> a.appId().startsWith("app:it.") && a.status() != ResourceStatus.NOT_STARTED)
                .toList(), "no app runs before the one it needs");
        Await.until("the registry says what the welcome app waits for", WAIT, () -> registry.app("app:it.welcome")
                .map(a -> a.reason().equals("waiting for org.hassette.itest.greeter.Greeter (reference 'greeter')")).orElse(false));
        IllegalStateException notStarted = assertThrows(IllegalStateException.class, () -> registry.start("app:it.welcome"));
        assertEquals("app:it.welcome has not started: waiting for org.hassette.itest.greeter.Greeter (reference 'greeter')",
                notStarted.getMessage());

        configure("it.greeter");
        awaitStatus("app:it.greeter", ResourceStatus.RUNNING);
        awaitStatus("app:it.welcome", ResourceStatus.RUNNING);
        String greeting = storeValue("app:it.welcome", "greeting");
        assertNotNull(greeting, "the welcome app used the greeter while starting");
        assertTrue(greeting.startsWith("hello app:it.welcome from "), greeting);

        configAdmin.getConfiguration("it.greeter", "?").delete();
        Await.until("both apps stopped with the greeter gone (" + registry.apps() + ")", WAIT,
                () -> registry.app("app:it.greeter").map(a -> a.status() == ResourceStatus.NOT_STARTED).orElse(false)
                        && registry.app("app:it.welcome").map(a -> a.status() == ResourceStatus.NOT_STARTED).orElse(false));
    }

    @Test
    void gatedAppStopsWhileTheCoreIsNotReadyAndStartsAgainWhenItIs() throws Exception {
        configure("it.greeter");
        awaitStatus("app:it.greeter", ResourceStatus.RUNNING);
        home.sim.rejectAuth(true);
        home.sim.dropAllConnections();
        Await.until("the greeter waits for the core (" + registry.app("app:it.greeter") + ")", WAIT, () -> registry.app("app:it.greeter")
                .map(a -> a.status() == ResourceStatus.NOT_STARTED && a.reason().contains("the Hassette core to be ready")).orElse(false));
        assertFalse(Readiness.conditionRegistered(context));
        home.sim.rejectAuth(false);
        awaitStatus("app:it.greeter", ResourceStatus.RUNNING);
        assertEquals(1, registry.app("app:it.greeter").orElseThrow().starts(), "a new instance, started once");
    }

    @Test
    void configurationErrorFailsAtOnceWithoutRetries() throws Exception {
        java.util.concurrent.atomic.AtomicInteger attempts = new java.util.concurrent.atomic.AtomicInteger();
        Dictionary<String, Object> p = new Hashtable<>();
        p.put("service.pid", "it.misconfigured");
        var reg = context.registerService(org.hassette.api.app.App.class, ctx -> {
            attempts.incrementAndGet();
            throw new org.hassette.api.app.AppConfigurationException("sensor: not set; give the motion sensor's entity id");
        }, p);
        try {
            awaitStatus("app:it.misconfigured", ResourceStatus.FAILED);
            assertEquals("configuration: sensor: not set; give the motion sensor's entity id (fix the configuration; a change restarts the app)",
                    registry.app("app:it.misconfigured").orElseThrow().reason());
            // restarts are 20 ms apart here: a retry would have happened long before the greeter below is running
            configure("it.greeter");
            awaitStatus("app:it.greeter", ResourceStatus.RUNNING);
            assertEquals(1, attempts.get(), "a configuration error is not retried");
            assertEquals(0, registry.app("app:it.misconfigured").orElseThrow().restarts());
        } finally {
            reg.unregister();
        }
    }

    @Test
    void appWhoseComponentCannotBeCreatedIsReportedWithTheCauseAndQuarantined() throws Exception {
        configure("it.greeter");
        awaitStatus("app:it.greeter", ResourceStatus.RUNNING);
        configure("it.broken");
        Await.until("it.broken quarantined (" + registry.app("app:it.broken") + ")", WAIT,
                () -> registry.app("app:it.broken").map(AppInfo::quarantined).orElse(false));
        AppInfo broken = registry.app("app:it.broken").orElseThrow();
        assertEquals(ResourceStatus.EXHAUSTED_DEAD, broken.status());
        assertEquals(3, broken.failures(), "first start and two restarts");
        assertTrue(broken.reason().contains("the app component could not be activated: java.lang.IllegalStateException: "
                + "simulated: config file has no 'sensor'"), broken.reason());
        assertEquals(ResourceStatus.RUNNING, registry.app("app:it.greeter").orElseThrow().status());
        assertEquals(1, registry.app("app:it.greeter").orElseThrow().starts(), "the healthy app never restarted");
    }

    private void configure(String pid) throws Exception {
        Dictionary<String, Object> p = new Hashtable<>();
        p.put("configured.by", "AppDependencyIT");
        configAdmin.getConfiguration(pid, "?").update(p);
    }

    private void awaitStatus(String appId, ResourceStatus status) {
        Await.until(appId + " " + status + " (" + registry.apps() + ")", WAIT,
                () -> registry.app(appId).map(a -> a.status() == status).orElse(false));
    }

    private List<ComponentConfigurationDTO> configurations(String bsn, String component) {
        ComponentDescriptionDTO d = scr.getComponentDescriptionDTO(Readiness.bundle(context, bsn), component);
        return d == null ? List.of() : List.copyOf(scr.getComponentConfigurationDTOs(d));
    }

    private String storeValue(String appId, String key) throws Exception {
        return database.read(c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT value FROM app_store WHERE app_id = ? AND key = ?")) {
                p.setString(1, appId);
                p.setString(2, key);
                try (ResultSet r = p.executeQuery()) {
                    return r.next() ? r.getString(1) : null;
                }
            }
        });
    }
}
