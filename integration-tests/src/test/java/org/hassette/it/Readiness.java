package org.hassette.it;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Objects;
import org.hassette.api.lifecycle.ReadinessReport;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.condition.Condition;

/** Shared steps of the readiness tests: configuration, SCR state, the core-ready condition. */
final class Readiness {
    static final String PID = "org.hassette.lifecycle.readiness";
    static final String CORE_READINESS = "org.hassette.lifecycle.internal.CoreReadiness";
    static final String HEALTH_CHECK = "org.hassette.lifecycle.internal.CoreReadyHealthCheck";
    static final Duration WAIT = Duration.ofSeconds(20);

    private Readiness() {
    }

    /**
     * Sets the readiness configuration and waits until every lifecycle component that is enabled
     * runs with it (SCR shows the configured properties in its DTOs).
     */
    static void configure(BundleContext context, ConfigurationAdmin configAdmin, ServiceComponentRuntime scr,
            long timeoutSeconds, String... required) throws IOException {
        Configuration config = configAdmin.getConfiguration(PID, "?");
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("required", required);
        props.put("startup.timeout.seconds", timeoutSeconds);
        config.update(props);
        try {
            awaitApplied(context, scr, timeoutSeconds, required);
        } catch (AssertionError timedOut) {
            throw new AssertionError(timedOut.getMessage() + " (Config Admin has " + Arrays.toString((String[]) config.getProperties().get("required"))
                    + ", change count " + config.getChangeCount() + "; SCR has " + seen(context, scr) + ")", timedOut);
        }
    }

    private static void awaitApplied(BundleContext context, ServiceComponentRuntime scr, long timeoutSeconds, String... required) {
        Await.until("readiness configuration " + Arrays.toString(required) + " applied", WAIT, () -> {
            for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs(bundle(context, "org.hassette.lifecycle"))) {
                if (!Arrays.asList(d.configurationPid).contains(PID) || !scr.isComponentEnabled(d)) {
                    continue;
                }
                for (ComponentConfigurationDTO c : scr.getComponentConfigurationDTOs(d)) {
                    if (!Arrays.equals((String[]) c.properties.get("required"), required)
                            || !Objects.equals(c.properties.get("startup.timeout.seconds"), timeoutSeconds)) {
                        return false;
                    }
                }
            }
            return true;
        });
    }

    /** What each lifecycle component with the readiness PID runs with now, for a failure message. */
    private static String seen(BundleContext context, ServiceComponentRuntime scr) {
        StringBuilder out = new StringBuilder();
        for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs(bundle(context, "org.hassette.lifecycle"))) {
            if (Arrays.asList(d.configurationPid).contains(PID)) {
                out.append(d.name.substring(d.name.lastIndexOf('.') + 1)).append(scr.isComponentEnabled(d) ? "" : " (disabled)");
                for (ComponentConfigurationDTO c : scr.getComponentConfigurationDTOs(d)) {
                    out.append(" state ").append(c.state).append(' ').append(Arrays.toString((String[]) c.properties.get("required")));
                }
                out.append("; ");
            }
        }
        return out.toString();
    }

    /** Waits until {@code actual} supplies {@code expected}; the failure shows the last value seen. */
    static <T> void awaitEquals(String what, T expected, java.util.function.Supplier<T> actual) {
        java.util.concurrent.atomic.AtomicReference<T> last = new java.util.concurrent.atomic.AtomicReference<>();
        try {
            Await.until(what, WAIT, () -> {
                last.set(actual.get());
                return Objects.equals(expected, last.get());
            });
        } catch (AssertionError timedOut) {
            throw new AssertionError(timedOut.getMessage() + "\nexpected: " + expected + "\nlast seen: " + last.get());
        }
    }

    static boolean conditionRegistered(BundleContext context) {
        try {
            return !context.getServiceReferences(Condition.class,
                    "(osgi.condition.id=" + ReadinessReport.CORE_READY_CONDITION + ")").isEmpty();
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static ComponentDescriptionDTO component(BundleContext context, ServiceComponentRuntime scr, String bsn, String name) {
        ComponentDescriptionDTO d = scr.getComponentDescriptionDTO(bundle(context, bsn), name);
        if (d == null) {
            throw new AssertionError("no component " + name + " in " + bsn);
        }
        return d;
    }

    /** The state of the component's configuration(s), e.g. [8] when active, [] when it has none. */
    static List<Integer> states(ServiceComponentRuntime scr, ComponentDescriptionDTO d) {
        return scr.getComponentConfigurationDTOs(d).stream().map(c -> c.state).toList();
    }

    static Bundle bundle(BundleContext context, String bsn) {
        for (Bundle b : context.getBundles()) {
            if (bsn.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError(bsn + " is not installed");
    }
}
