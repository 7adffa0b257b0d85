package org.hassette.web.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Changes log levels at run time through Pax Logging's own configuration: Config Admin PID
 * {@code org.ops4j.pax.logging}, property {@code org.ops4j.pax.logging.logback.config.file}. The
 * file it points to is the platform's logback file ({@code etc/logback.xml}, framework property
 * {@code org.ops4j.pax.logging.StaticLogbackFile}) with one {@code <logger>} element per override
 * added at its end, written to this bundle's data area; Pax reconfigures logback from it. The
 * overrides last until the platform stops (the framework cache is wiped at each start).
 */
@Component(service = LogLevels.class)
public class LogLevels {
    static final Set<String> LEVELS = Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");
    private static final Pattern LOGGER_NAME = Pattern.compile("[A-Za-z0-9_$.\\-]+");
    private static final String PAX_PID = "org.ops4j.pax.logging";
    private static final Logger LOG = LoggerFactory.getLogger(LogLevels.class);

    private final BundleContext context;
    private final ConfigurationAdmin configAdmin;
    private final Map<String, String> overrides = new TreeMap<>();

    @Activate
    public LogLevels(BundleContext context, @Reference ConfigurationAdmin configAdmin) {
        this.context = context;
        this.configAdmin = configAdmin;
    }

    /** The overrides set at run time, logger name to level. */
    synchronized Map<String, String> overrides() {
        return Map.copyOf(overrides);
    }

    /**
     * Sets a logger's level ({@code TRACE DEBUG INFO WARN ERROR OFF}), or removes the override with
     * {@code RESET}. Returns the level now in force for it from the overrides (null after a reset).
     *
     * @throws IllegalArgumentException for a malformed logger name or an unknown level
     */
    synchronized String set(String logger, String level) throws IOException {
        if (logger == null || !LOGGER_NAME.matcher(logger).matches()) {
            throw new IllegalArgumentException("logger name '" + logger + "' is not valid (letters, digits, '.', '_', '$', '-')");
        }
        String normalized = level == null ? "" : level.trim().toUpperCase(Locale.ROOT);
        if (normalized.equals("RESET") || normalized.equals("DEFAULT")) {
            overrides.remove(logger);
        } else if (LEVELS.contains(normalized)) {
            overrides.put(logger, normalized);
        } else {
            throw new IllegalArgumentException("unknown level '" + level + "'; use one of TRACE, DEBUG, INFO, WARN, ERROR, OFF, RESET");
        }
        apply();
        LOG.info("Log level of {} set to {}", logger, overrides.getOrDefault(logger, "the configured default"));
        return overrides.get(logger);
    }

    private void apply() throws IOException {
        String base = context.getProperty("org.ops4j.pax.logging.StaticLogbackFile");
        String xml = base != null && Files.isReadable(Paths.get(base))
                ? Files.readString(Paths.get(base), StandardCharsets.UTF_8)
                : "<configuration>\n</configuration>\n";
        StringBuilder loggers = new StringBuilder();
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            loggers.append("  <logger name=\"").append(e.getKey()).append("\" level=\"").append(e.getValue()).append("\"/>\n");
        }
        int end = xml.lastIndexOf("</configuration>");
        if (end < 0) {
            throw new IOException("cannot add log levels to " + base + ": no </configuration> in it");
        }
        String generated = xml.substring(0, end) + "  <!-- run-time overrides (hassette:loglevel, PUT /hassette/api/v1/logs/level) -->\n"
                + loggers + xml.substring(end);
        Path file = context.getDataFile("logback-runtime-" + System.nanoTime() + ".xml").toPath();
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, generated, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        Configuration config = configAdmin.getConfiguration(PAX_PID, "?");
        Dictionary<String, Object> props = config.getProperties() == null ? new Hashtable<>() : config.getProperties();
        Object previous = props.get("org.ops4j.pax.logging.logback.config.file");
        props.put("org.ops4j.pax.logging.logback.config.file", file.toString());
        config.update(props);
        if (previous instanceof String p && p.startsWith(context.getDataFile("").getPath())) {
            try {
                Files.deleteIfExists(Paths.get(p));
            } catch (IOException e) {
                // an old generated file left behind costs nothing
            }
        }
    }
}
