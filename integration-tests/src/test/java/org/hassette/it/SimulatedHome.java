package org.hassette.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.UUID;
import org.hassette.api.lifecycle.ResourceProperties;
import org.hassette.api.lifecycle.ResourceStatusService;
import org.hassette.simulator.HaSimulator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;

/**
 * A core that is ready against the HA simulator, for tests about apps: readiness requires the HA
 * client, states, scheduler and bus; the websocket points at a fresh simulator with its own token.
 */
final class SimulatedHome implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(30);
    final HaSimulator sim;
    private final Path tokenFile;
    private final BundleContext context;
    private final ConfigurationAdmin configAdmin;

    private SimulatedHome(BundleContext context, ConfigurationAdmin configAdmin, HaSimulator sim, Path tokenFile) {
        this.context = context;
        this.configAdmin = configAdmin;
        this.sim = sim;
        this.tokenFile = tokenFile;
    }

    /** Starts a simulator, connects the platform to it and waits until the core is ready. */
    static SimulatedHome connect(BundleContext context, ConfigurationAdmin configAdmin, ServiceComponentRuntime scr) throws Exception {
        return start(context, configAdmin, scr).connect();
    }

    /**
     * Requires the HA client, states, scheduler and bus for readiness and starts a simulator with its
     * own token; the platform is not pointed at it yet (see {@link #connect()}).
     */
    static SimulatedHome start(BundleContext context, ConfigurationAdmin configAdmin, ServiceComponentRuntime scr) throws Exception {
        Readiness.configure(context, configAdmin, scr, 300, "websocket", "haapi", "states", "scheduler", "bus");
        String token = "it-" + UUID.randomUUID();
        HaSimulator sim = HaSimulator.builder().token(token).entities(0).build().start();
        Path tokenFile = Files.createTempFile("ha-token", ".txt");
        Files.writeString(tokenFile, token + "\n");
        return new SimulatedHome(context, configAdmin, sim, tokenFile);
    }

    /** Points the websocket at the simulator and waits until the core is ready and the bus follows the state cache. */
    SimulatedHome connect() throws Exception {
        var c = configAdmin.getConfiguration("org.hassette.websocket", "?");
        Dictionary<String, Object> p = new Hashtable<>();
        p.put("url", sim.url());
        p.put("token.file", tokenFile.toString());
        p.put("reconnect.base.ms", 100L);
        p.put("reconnect.max.ms", 500L);
        // a test that rejects auth for a moment must not wait out the default minute: the reconnect can
        // authenticate before the test lets auth through again (AppDependencyIT failed so under load)
        p.put("auth.retry.ms", 300L);
        c.update(p);
        // the previous test's home may not be gone yet (Config Admin and the reader notice on their own threads):
        // readiness only counts once the connection is to this simulator
        Await.until("the websocket connected to this simulator on port " + sim.port(), WAIT,
                () -> Boolean.TRUE.equals(property("websocket", ResourceProperties.READY))
                        && String.valueOf(property("websocket", ResourceProperties.REASON)).contains(":" + sim.port() + "/"));
        Await.until("core ready", WAIT, () -> Readiness.conditionRegistered(context));
        Await.until("the bus bound the state cache", WAIT,
                () -> String.valueOf(property("bus", ResourceProperties.REASON)).contains("from the state cache"));
        return this;
    }

    /**
     * Configures the app handler ({@code org.hassette.apps}) and waits until it runs with that
     * configuration and has registered its registry again.
     */
    static void configureAppHandler(BundleContext context, ConfigurationAdmin configAdmin, ServiceComponentRuntime scr,
            java.util.Map<String, Object> properties) throws java.io.IOException {
        Dictionary<String, Object> p = new Hashtable<>(properties);
        configAdmin.getConfiguration("org.hassette.apps", "?").update(p);
        java.util.function.Supplier<String> seen = () -> {
            var d = scr.getComponentDescriptionDTO(Readiness.bundle(context, "org.hassette.apps"), "org.hassette.apps.internal.AppHandler");
            return d == null ? "no component" : "enabled " + scr.isComponentEnabled(d) + ", configurations "
                    + scr.getComponentConfigurationDTOs(d).stream().map(c -> "state " + c.state + " " + c.properties + " unsatisfied "
                            + java.util.Arrays.stream(c.unsatisfiedReferences).map(u -> u.name).toList() + " failure " + c.failure).toList();
        };
        try {
            awaitAppHandler(context, scr, properties);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; SCR: " + seen.get(), e);
        }
    }

    /**
     * Deletes the app handler's configuration and waits until SCR runs it without one. The next
     * test may configure it at once: an update that follows a delete before SCR has applied the
     * delete is lost (Felix SCR 2.2.18 compares the new configuration's change count with the
     * deleted one's and drops it as stale; reproduced in this framework).
     */
    static void resetAppHandler(BundleContext context, ConfigurationAdmin configAdmin, ServiceComponentRuntime scr)
            throws java.io.IOException {
        configAdmin.getConfiguration("org.hassette.apps", "?").delete();
        Await.until("the app handler running without a configuration", WAIT, () -> {
            var d = scr.getComponentDescriptionDTO(Readiness.bundle(context, "org.hassette.apps"), "org.hassette.apps.internal.AppHandler");
            return d != null && scr.getComponentConfigurationDTOs(d).stream()
                    .anyMatch(c -> c.state == org.osgi.service.component.runtime.dto.ComponentConfigurationDTO.ACTIVE
                            && !c.properties.containsKey("service.pid"));
        });
    }

    private static void awaitAppHandler(BundleContext context, ServiceComponentRuntime scr, java.util.Map<String, Object> properties) {
        Await.until("the app handler runs with " + properties, WAIT, () -> {
            var d = scr.getComponentDescriptionDTO(Readiness.bundle(context, "org.hassette.apps"),
                    "org.hassette.apps.internal.AppHandler");
            if (d == null || context.getServiceReference(org.hassette.api.app.AppRegistry.class) == null) {
                return false;
            }
            for (var c : scr.getComponentConfigurationDTOs(d)) {
                if (c.state == org.osgi.service.component.runtime.dto.ComponentConfigurationDTO.ACTIVE
                        && properties.entrySet().stream().allMatch(e -> java.util.Objects.equals(c.properties.get(e.getKey()), e.getValue()))) {
                    return true;
                }
            }
            return false;
        });
    }

    /** A property of a resource's status service, or null when it has none. */
    Object property(String resource, String property) {
        ServiceReference<ResourceStatusService> r = status(resource);
        return r == null ? null : r.getProperty(property);
    }

    ServiceReference<ResourceStatusService> status(String resource) {
        try {
            var refs = context.getServiceReferences(ResourceStatusService.class, "(" + ResourceProperties.RESOURCE + "=" + resource + ")");
            return refs.isEmpty() ? null : refs.iterator().next();
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() throws Exception {
        configAdmin.getConfiguration("org.hassette.websocket", "?").delete();
        sim.close();
        Files.deleteIfExists(tokenFile);
    }
}
