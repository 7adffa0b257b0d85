package org.hassette.demo.internal;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.Dictionary;
import java.util.HexFormat;
import java.util.Map;
import org.hassette.api.ha.HomeAssistantEndpoint;
import org.hassette.simulator.HaSimulator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo home: when no Home Assistant URL is given, runs the HA simulator on an ephemeral
 * loopback port with a generated token and offers it as a {@link HomeAssistantEndpoint}, which the
 * connection uses when nothing else is configured.
 *
 * <p>On unless the framework property {@code hassette.ha.url} is set or the connection's configuration
 * (PID {@code org.hassette.websocket}) has a {@code url}, also one that arrives later; configuration PID
 * {@code org.hassette.demo} property {@code enabled} (or the framework property
 * {@code hassette.demo}) turns it off or on explicitly.
 */
@Component(name = "org.hassette.demo", configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true, service = {})
public class DemoHome {
    private static final Logger LOG = LoggerFactory.getLogger(DemoHome.class);
    static final int ENTITIES = 40;
    static final double CHANGES_PER_SECOND = 0.5;
    static final String SCENARIO = "demo-home.json";
    static final int CYCLE_MINUTES = 3;

    /** Configuration PID of the connection: a {@code url} there names a real Home Assistant. */
    static final String WEBSOCKET_PID = "org.hassette.websocket";

    private final BundleContext context;
    private final ConfigurationAdmin configAdmin;
    private ServiceRegistration<ConfigurationListener> listener;
    private HaSimulator simulator; // guarded by this
    private ServiceRegistration<HomeAssistantEndpoint> registration; // guarded by this
    private boolean active = true; // guarded by this

    @Activate
    public DemoHome(BundleContext context, Map<String, Object> config, @Reference ConfigurationAdmin configAdmin) {
        this.context = context;
        this.configAdmin = configAdmin;
        if (!enabled(context, config)) {
            LOG.debug("Demo home off");
            return;
        }
        // the connection's configuration may name a real HA (etc/org.hassette.websocket.cfg): then no demo,
        // also when that configuration arrives after this component started (FileInstall runs on its own thread)
        listener = context.registerService(ConfigurationListener.class, event -> {
            if (WEBSOCKET_PID.equals(event.getPid())) {
                update();
            }
        }, null);
        update();
    }

    /** Starts or stops the demo home to match the connection's configuration. */
    synchronized void update() {
        if (!active) {
            return;
        }
        String url = websocketConfigUrl();
        if (url != null && simulator != null) {
            LOG.info("Home Assistant configured in PID {}: stopping the demo home", WEBSOCKET_PID);
            stopSimulator();
        } else if (url != null) {
            LOG.info("Home Assistant configured in PID {}: no demo home", WEBSOCKET_PID);
        } else if (simulator == null) {
            startSimulator();
        }
    }

    /**
     * The {@code url} of the connection's configuration in ConfigAdmin, or null. Read with
     * {@code listConfigurations}, which never creates a configuration.
     */
    private String websocketConfigUrl() {
        try {
            Configuration[] found = configAdmin.listConfigurations("(" + Constants.SERVICE_PID + "=" + WEBSOCKET_PID + ")");
            if (found != null) {
                for (Configuration c : found) {
                    Dictionary<String, Object> props = c.getProperties();
                    Object url = props == null ? null : props.get("url");
                    if (url != null && !url.toString().isBlank()) {
                        return url.toString().trim();
                    }
                }
            }
            return null;
        } catch (IOException | InvalidSyntaxException | RuntimeException e) {
            LOG.warn("Cannot read the configuration of {} ({}); assuming a real Home Assistant is configured: no demo home",
                    WEBSOCKET_PID, e.toString());
            return "unknown";
        }
    }

    private void startSimulator() {
        byte[] secret = new byte[24];
        new SecureRandom().nextBytes(secret);
        String token = HexFormat.of().formatHex(secret);
        simulator = HaSimulator.builder().host("127.0.0.1").port(0).token(token).entities(ENTITIES)
                .scenarioJson(scenario()).activity(CHANGES_PER_SECOND).build().start();
        String url = simulator.url();
        registration = context.registerService(HomeAssistantEndpoint.class, new HomeAssistantEndpoint() {
            @Override
            public String url() {
                return url;
            }

            @Override
            public String token() {
                return token;
            }

            @Override
            public String toString() {
                return "demo home at " + url; // never the token
            }
        }, new java.util.Hashtable<>(Map.of("hassette.ha.endpoint", "demo")));
        LOG.info("No Home Assistant configured: running the demo home (simulator with {} entities) at {}; "
                + "its people, doors, motion and temperature follow a {}-minute script (see the org.hassette.demo README)",
                simulator.states().size(), url, CYCLE_MINUTES);
    }

    private void stopSimulator() {
        if (registration != null) {
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // bundle stopping
            }
            registration = null;
        }
        if (simulator != null) {
            simulator.stop();
            simulator = null;
        }
    }

    /** Whether the demo simulator runs now (tests). */
    synchronized boolean running() {
        return simulator != null;
    }

    /** The scripted part of the demo home (what the example apps in deploy/ react to), from {@value #SCENARIO}. */
    static String scenario() {
        try (java.io.InputStream in = DemoHome.class.getResourceAsStream(SCENARIO)) {
            if (in == null) {
                throw new IllegalStateException("bundle org.hassette.demo lacks " + SCENARIO);
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot read " + SCENARIO + ": " + e.getMessage(), e);
        }
    }

    static boolean enabled(BundleContext context, Map<String, Object> config) {
        Object explicit = config.get("enabled");
        if (explicit != null) {
            return Boolean.parseBoolean(explicit.toString());
        }
        String prop = context.getProperty("hassette.demo");
        if (prop != null) {
            return Boolean.parseBoolean(prop.trim());
        }
        String url = context.getProperty("hassette.ha.url");
        return url == null || url.isBlank();
    }

    @Deactivate
    void deactivate() {
        if (listener != null) {
            try {
                listener.unregister();
            } catch (IllegalStateException alreadyGone) {
                // bundle stopping
            }
        }
        synchronized (this) {
            active = false;
            stopSimulator();
        }
    }
}
