package org.hassette.demo.internal;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import org.hassette.api.ha.HomeAssistantEndpoint;
import org.hassette.simulator.HaSimulator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo home: when no Home Assistant URL is given, runs the HA simulator on an ephemeral
 * loopback port with a generated token and offers it as a {@link HomeAssistantEndpoint}, which the
 * connection uses when nothing else is configured.
 *
 * <p>On unless the framework property {@code hassette.ha.url} is set; configuration PID
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

    private HaSimulator simulator;
    private ServiceRegistration<HomeAssistantEndpoint> registration;

    @Activate
    public DemoHome(BundleContext context, Map<String, Object> config) {
        if (!enabled(context, config)) {
            LOG.debug("Demo home off");
            return;
        }
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
        if (registration != null) {
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // bundle stopping
            }
        }
        if (simulator != null) {
            simulator.stop();
        }
    }
}
