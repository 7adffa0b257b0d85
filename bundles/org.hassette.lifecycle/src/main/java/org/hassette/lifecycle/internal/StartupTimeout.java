package org.hassette.lifecycle.internal;

import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import org.hassette.api.lifecycle.ConfigurationErrors;
import org.osgi.framework.BundleContext;

/** The startup timeout: the configuration's value, else the framework property, else 60 s. */
final class StartupTimeout {
    static final String FRAMEWORK_PROPERTY = "hassette.startup.timeout.seconds";
    static final long DEFAULT_SECONDS = 60;

    private StartupTimeout() {
    }

    /**
     * A configured value DS cannot convert is reported through {@code report} (with the file and
     * value) and treated as unset, so the readiness components stay up whatever the file says.
     */
    static Duration of(BundleContext context, ReadinessConfig configured, Map<String, Object> properties, Consumer<String> report) {
        ReadinessConfig config = ConfigurationErrors.checked(ReadinessConfig.class, configured, properties, null, report);
        if (config.startup_timeout_seconds() > 0) {
            return Duration.ofSeconds(config.startup_timeout_seconds());
        }
        String value = context.getProperty(FRAMEWORK_PROPERTY);
        if (value != null && !value.isBlank()) {
            try {
                long seconds = Long.parseLong(value.trim());
                if (seconds > 0) {
                    return Duration.ofSeconds(seconds);
                }
            } catch (NumberFormatException ignored) {
                // fall through to the default; the launcher validates the option it sets
            }
        }
        return Duration.ofSeconds(DEFAULT_SECONDS);
    }
}
