package org.hassette.it;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.Hashtable;
import org.hassette.api.ha.HomeAssistantApi;
import org.hassette.api.ha.HomeAssistantConnection;
import org.hassette.api.ha.HomeAssistantEndpoint;
import org.hassette.api.ha.StateCache;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/**
 * Without a configured HA the demo home runs the simulator inside the platform and the connection
 * uses it. (test.bndrun turns the demo off with hassette.demo=false; the test turns it on by
 * configuration, as an operator could.)
 */
class DemoHomeIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 10_000)
    ConfigurationAdmin configAdmin;

    @Test
    void unconfiguredPlatformConnectsToTheDemoHome() throws Exception {
        assertNull(context.getServiceReference(HomeAssistantEndpoint.class), "demo off in tests by default");
        Configuration demo = configAdmin.getConfiguration("org.hassette.demo", "?");
        Hashtable<String, Object> p = new Hashtable<>();
        p.put("enabled", true);
        demo.update(p);
        try {
            Await.until("StateCache synced from the demo home", WAIT, () -> context.getServiceReference(StateCache.class) != null);
            StateCache cache = context.getService(context.getServiceReference(StateCache.class));
            assertTrue(cache.size() >= 40, "demo entities: " + cache.size());
            assertTrue(cache.get("sun.sun").isPresent());
            HomeAssistantApi api = context.getService(context.getServiceReference(HomeAssistantApi.class));
            String light = cache.domain("light").get(0).entityId();
            api.turnOn(light).get();
            Await.until("the demo light is on in the cache", WAIT,
                    () -> "on".equals(cache.get(light).map(s -> s.state()).orElse(null)));
            ServiceReference<HomeAssistantEndpoint> ep = context.getServiceReference(HomeAssistantEndpoint.class);
            for (String k : ep.getPropertyKeys()) {
                assertFalse(String.valueOf(ep.getProperty(k)).contains(context.getService(ep).token()), "token in property " + k);
            }
        } finally {
            demo.delete();
        }
        Await.until("connection withdrawn when the demo home stops", WAIT,
                () -> context.getServiceReference(HomeAssistantConnection.class) == null);
    }

    /**
     * A Home Assistant named in the connection's configuration (etc/org.hassette.websocket.cfg, as
     * FileInstall puts it into Config Admin) stops the demo home, also when it arrives after the demo
     * started: the demo apps must never act on a real HA while the connection is pointed at the simulator.
     */
    @Test
    void demoHomeStopsWhenTheConnectionConfigurationNamesAHomeAssistant() throws Exception {
        Configuration demo = configAdmin.getConfiguration("org.hassette.demo", "?");
        Configuration ws = configAdmin.getConfiguration("org.hassette.websocket", "?");
        java.nio.file.Path tokenFile = java.nio.file.Files.createTempFile("ha-token", ".txt");
        java.nio.file.Files.writeString(tokenFile, "real-ha-token\n");
        try (org.hassette.simulator.HaSimulator real = org.hassette.simulator.HaSimulator.builder().token("real-ha-token")
                .entities(7).build().start()) {
            Hashtable<String, Object> p = new Hashtable<>();
            p.put("enabled", true);
            demo.update(p);
            Await.until("the demo home runs", WAIT, () -> context.getServiceReference(HomeAssistantEndpoint.class) != null);

            Hashtable<String, Object> c = new Hashtable<>();
            c.put("url", real.url());
            c.put("token.file", tokenFile.toString());
            ws.update(c);
            Await.until("the demo home stopped for the configured HA", WAIT,
                    () -> context.getServiceReference(HomeAssistantEndpoint.class) == null);
            Await.until("the state cache mirrors the configured HA, not the demo home", WAIT, () -> {
                ServiceReference<StateCache> r = context.getServiceReference(StateCache.class);
                return r != null && context.getService(r).size() == real.states().size();
            });
        } finally {
            ws.delete();
            java.nio.file.Files.deleteIfExists(tokenFile);
        }
        try {
            // the url is gone again and the demo is still switched on: the demo home comes back
            Await.until("the demo home runs again once the url is gone", WAIT,
                    () -> context.getServiceReference(HomeAssistantEndpoint.class) != null);
        } finally {
            demo.delete();
        }
        Await.until("the demo home stopped with its configuration", WAIT,
                () -> context.getServiceReference(HomeAssistantEndpoint.class) == null);
        Await.until("connection withdrawn", WAIT, () -> context.getServiceReference(HomeAssistantConnection.class) == null);
    }
}
