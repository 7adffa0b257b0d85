package org.hassette.api.lifecycle;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names the configuration input behind an activation failure. SCR reports a value it cannot
 * convert to a component property type as {@code NumberFormatException: For input string: "lots"}
 * without saying where "lots" came from; this finds the configured property with that value and
 * says {@code configuration <pid> (<file>): write.queue.capacity = 'lots' is not a number}. Used
 * by the watcher, the why-not-ready chains and the app handler, so all three say it the same way.
 */
public final class ConfigurationErrors {
    private static final Pattern NUMBER = Pattern.compile("NumberFormatException: (?:For input string: )?\"(.*)\"");

    private ConfigurationErrors() {
    }

    /** A sentence naming the configuration, file, property and value, or null when the failure is not about one. */
    public static String describe(String failure, Map<String, Object> properties) {
        if (failure == null || properties == null) {
            return null;
        }
        Matcher m = NUMBER.matcher(failure);
        if (!m.find()) {
            return null;
        }
        String bad = m.group(1);
        List<String> keys = new ArrayList<>();
        for (Map.Entry<String, Object> e : properties.entrySet()) {
            if (e.getValue() instanceof String && ((String) e.getValue()).strip().equals(bad.strip())) {
                keys.add(e.getKey());
            }
        }
        if (keys.isEmpty()) {
            return null;
        }
        Object pid = properties.get("service.pid");
        Object file = properties.get("felix.fileinstall.filename");
        StringBuilder out = new StringBuilder("configuration ");
        out.append(pid == null ? "of the component" : pid);
        if (file != null) {
            String f = file.toString();
            out.append(" (").append(f.startsWith("file:") ? f.substring(5) : f).append(')');
        }
        out.append(": ").append(String.join(", ", keys)).append(" = '").append(bad).append("' is not a number; fix the value");
        return out.toString();
    }
}
