package org.hassette.api.lifecycle;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names the configuration input behind an activation failure. SCR reports a value it cannot
 * convert to a component property type as {@code NumberFormatException: For input string: "lots"}
 * without saying where "lots" came from; this finds the configured property with that value and
 * says {@code configuration <pid> (<file>): write.queue.capacity = 'lots' is not a number}. Used
 * by the watcher, the why-not-ready chains and the app handler, so all three say it the same way.
 *
 * <p>{@link #checked} keeps a component alive instead: it reads every value of a component
 * property type once, and a value that cannot be converted is reported and replaced by the
 * previous or default one.
 */
public final class ConfigurationErrors {
    private static final Pattern NUMBER = Pattern.compile("NumberFormatException: (?:For input string: )?\"(.*)\"");

    private ConfigurationErrors() {
    }

    /**
     * {@code configuration <pid> (<file>)} from a component's properties: the file only when
     * FileInstall applied the configuration, {@code defaultPid} (or "of the component") when the
     * properties carry no PID.
     *
     * @since 1.2
     */
    public static String configurationName(Map<String, ?> properties, String defaultPid) {
        Map<String, ?> p = properties == null ? Map.of() : properties;
        Object pid = p.get("service.pid");
        StringBuilder out = new StringBuilder("configuration ").append(pid != null ? pid : defaultPid != null ? defaultPid : "of the component");
        Object file = p.get("felix.fileinstall.filename");
        if (file != null) {
            String f = file.toString();
            out.append(" (").append(f.startsWith("file:") ? f.substring(5) : f).append(')');
        }
        return out.toString();
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
        StringBuilder out = new StringBuilder(configurationName(properties, null));
        out.append(": ").append(String.join(", ", keys)).append(" = '").append(bad).append("' is not a number; fix the value");
        return out.toString();
    }

    /**
     * Reads every value of {@code config} (a component property type that DS converts when a method
     * is called) once and returns a copy that never throws. A value DS cannot convert is reported
     * through {@code report} in one sentence naming the configuration, its file, the property, the
     * value and what is expected, and replaced by the value {@code previous} has (the configuration
     * in use before a change), else by the type's default. For components that must keep running
     * whatever an operator writes into their configuration.
     *
     * @param type       the component property type (an annotation or interface whose methods have defaults)
     * @param config     the configuration as DS passed it
     * @param properties the component properties DS passed with it (for the value, PID and file)
     * @param previous   the copy in use so far, or null at activation
     * @param report     receives one sentence per bad value, e.g. to log it as an error
     * @since 1.2
     */
    public static <A> A checked(Class<A> type, A config, Map<String, ?> properties, A previous, Consumer<String> report) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Method m : type.getDeclaredMethods()) {
            if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers()) || m.getReturnType() == void.class) {
                continue;
            }
            m.trySetAccessible(); // a property type nested in a non-public class
            try {
                values.put(m.getName(), m.invoke(config));
            } catch (InvocationTargetException bad) {
                Object fallback = previous != null ? invoke(m, previous) : m.getDefaultValue();
                if (fallback == null) {
                    throw new IllegalStateException(m.getName() + " has no default to fall back to", bad.getCause());
                }
                String property = propertyName(m.getName());
                report.accept(badValue(properties, property, m.getReturnType(), fallback, previous != null));
                values.put(m.getName(), fallback);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        Object copy = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] { type }, (proxy, method, args) -> {
            switch (method.getName()) {
                case "annotationType":
                    return type;
                case "toString":
                    return type.getSimpleName() + values;
                case "hashCode":
                    return System.identityHashCode(proxy);
                case "equals":
                    return proxy == args[0];
                default:
                    Object v = values.get(method.getName());
                    return v != null && v.getClass().isArray() ? cloneArray(v) : v;
            }
        });
        return type.cast(copy);
    }

    /** {@code configuration <pid> (<file>): <property> = '<value>' is not <expected>; <what is used instead>}. */
    static String badValue(Map<String, ?> properties, String property, Class<?> type, Object used, boolean previous) {
        Map<String, ?> p = properties == null ? Map.of() : properties;
        StringBuilder out = new StringBuilder(configurationName(p, null));
        out.append(": ").append(property).append(" = '").append(text(p.get(property))).append("' is not ").append(expected(type))
                .append("; ").append(previous ? "keeping the previous value " : "using the default ").append(text(used))
                .append(" until it is fixed");
        return out.toString();
    }

    /** What a value of {@code type} must look like, in an operator's words. */
    static String expected(Class<?> type) {
        Class<?> t = type.isArray() ? type.getComponentType() : type;
        String name = t.getSimpleName();
        if (t == long.class || t == int.class || t == short.class || t == byte.class) {
            return "a whole number (" + name + " expected)";
        }
        if (t == double.class || t == float.class) {
            return "a number (" + name + " expected)";
        }
        if (t == char.class) {
            return "a single character";
        }
        if (t.isEnum()) {
            return "one of " + String.join(", ", Arrays.stream(t.getEnumConstants()).map(String::valueOf).toList());
        }
        return "a valid " + name;
    }

    /**
     * The property a component property type method reads, as DS names it (OSGi Compendium
     * 112.8.2.1): {@code timeout_seconds} is {@code timeout.seconds}, {@code a__b} is {@code a_b},
     * {@code a$_$b} is {@code a-b}, {@code a$$b} is {@code a$b}.
     *
     * @since 1.2
     */
    public static String propertyName(String method) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < method.length(); i++) {
            char c = method.charAt(i);
            if (c == '$') {
                if (method.startsWith("$$", i)) {
                    out.append('$');
                    i++;
                } else if (method.startsWith("$_$", i)) {
                    out.append('-');
                    i += 2;
                }
            } else if (c == '_') {
                if (method.startsWith("__", i)) {
                    out.append('_');
                    i++;
                } else {
                    out.append('.');
                }
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static String text(Object value) {
        if (value == null) {
            return "";
        }
        if (value.getClass().isArray()) {
            List<String> items = new ArrayList<>();
            for (int i = 0; i < java.lang.reflect.Array.getLength(value); i++) {
                items.add(String.valueOf(java.lang.reflect.Array.get(value, i)));
            }
            return String.join(", ", items);
        }
        return String.valueOf(value);
    }

    private static Object invoke(Method m, Object target) {
        try {
            return m.invoke(target);
        } catch (ReflectiveOperationException e) {
            return m.getDefaultValue();
        }
    }

    private static Object cloneArray(Object array) {
        int n = java.lang.reflect.Array.getLength(array);
        Object copy = java.lang.reflect.Array.newInstance(array.getClass().getComponentType(), n);
        System.arraycopy(array, 0, copy, 0, n);
        return copy;
    }
}
