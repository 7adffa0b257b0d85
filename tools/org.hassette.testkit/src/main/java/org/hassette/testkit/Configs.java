package org.hassette.testkit;

import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Builds an app's configuration annotation (its {@code @ObjectClassDefinition}) from a map, the way
 * Declarative Services does from a configuration: each method reads the property named after it
 * ({@code off_after_seconds()} reads {@code off.after.seconds}; {@code __} is {@code _}, {@code $_$}
 * is {@code -}, {@code $$} is {@code $}, a single {@code $} disappears), falls back to the method's
 * default, and converts the value to the method's type.
 *
 * <pre>{@code
 * MotionLights.Config config = Configs.of(MotionLights.Config.class,
 *         Map.of("sensor", "binary_sensor.hall_motion", "lights", List.of("light.hall"), "off.after.seconds", 60));
 * }</pre>
 *
 * <p>Keys may also be given as the method names themselves ({@code off_after_seconds}). Values may be
 * strings (parsed), numbers, booleans, enums by name, arrays or collections (for array methods; a
 * single value becomes a one-element array, and a scalar method takes the first element). A key the
 * annotation does not have is an {@link IllegalArgumentException}, so a typo fails the test instead
 * of silently using the default.
 */
public final class Configs {
    private Configs() {
    }

    /** An instance of {@code type} backed by {@code properties}. */
    public static <A> A of(Class<A> type, Map<String, ?> properties) {
        if (!type.isAnnotation() && !type.isInterface()) {
            throw new IllegalArgumentException(type.getName() + " is not an annotation or interface");
        }
        Map<String, Method> byKey = new LinkedHashMap<>();
        for (Method m : type.getDeclaredMethods()) {
            if (m.getParameterCount() == 0 && !m.isDefault() && !java.lang.reflect.Modifier.isStatic(m.getModifiers())) {
                byKey.put(propertyName(m.getName()), m);
            }
        }
        Map<Method, Object> values = new LinkedHashMap<>();
        for (Map.Entry<String, ?> e : properties.entrySet()) {
            Method m = byKey.get(e.getKey());
            if (m == null) {
                m = byKey.get(propertyName(e.getKey()));
            }
            if (m == null) {
                throw new IllegalArgumentException("configuration key '" + e.getKey() + "' is not a property of "
                        + type.getName() + "; its properties are " + byKey.keySet());
            }
            try {
                values.put(m, convert(e.getValue(), m.getReturnType()));
            } catch (RuntimeException bad) {
                throw new IllegalArgumentException("configuration key '" + e.getKey() + "' = " + describe(e.getValue())
                        + " cannot be a " + m.getReturnType().getSimpleName() + ": " + bad.getMessage(), bad);
            }
        }
        for (Method m : byKey.values()) {
            if (!values.containsKey(m)) {
                Object def = m.getDefaultValue();
                values.put(m, def != null ? def : convert(null, m.getReturnType()));
            }
        }
        Object proxy = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (self, method, args) -> {
            switch (method.getName()) {
                case "annotationType":
                    if (method.getParameterCount() == 0 && type.isAnnotation()) {
                        return type;
                    }
                    break;
                case "toString":
                    if (method.getParameterCount() == 0) {
                        return text(type, values);
                    }
                    break;
                case "hashCode":
                    if (method.getParameterCount() == 0) {
                        return System.identityHashCode(self);
                    }
                    break;
                case "equals":
                    if (method.getParameterCount() == 1) {
                        return self == args[0];
                    }
                    break;
                default:
                    break;
            }
            if (!values.containsKey(method)) {
                throw new UnsupportedOperationException(method.toString());
            }
            Object v = values.get(method);
            return v != null && v.getClass().isArray() ? copy(v) : v;
        });
        return type.cast(proxy);
    }

    /** The property a method reads, as DS names it (OSGi Compendium 112.8.2.1). */
    static String propertyName(String method) {
        return org.hassette.api.lifecycle.ConfigurationErrors.propertyName(method);
    }

    private static Object convert(Object value, Class<?> to) {
        if (to.isArray()) {
            List<Object> items = items(value);
            Class<?> component = to.getComponentType();
            Object array = Array.newInstance(component, items.size());
            for (int i = 0; i < items.size(); i++) {
                Array.set(array, i, scalar(items.get(i), component));
            }
            return array;
        }
        List<Object> items = items(value);
        return scalar(items.isEmpty() ? null : items.get(0), to);
    }

    private static List<Object> items(Object value) {
        List<Object> out = new ArrayList<>();
        if (value == null) {
            return out;
        }
        if (value instanceof Collection<?> c) {
            out.addAll(c);
        } else if (value.getClass().isArray()) {
            for (int i = 0; i < Array.getLength(value); i++) {
                out.add(Array.get(value, i));
            }
        } else {
            out.add(value);
        }
        return out;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object scalar(Object v, Class<?> to) {
        if (v == null) {
            if (!to.isPrimitive()) {
                return null;
            }
            if (to == boolean.class) {
                return false;
            }
            if (to == char.class) {
                return (char) 0;
            }
            v = 0;
        }
        if (to == String.class) {
            return v.toString();
        }
        Class<?> boxed = to.isPrimitive() ? box(to) : to;
        if (boxed.isInstance(v)) {
            return v;
        }
        if (boxed == Boolean.class) {
            return Boolean.parseBoolean(v.toString().trim());
        }
        if (boxed == Character.class) {
            String s = v.toString();
            return s.isEmpty() ? (char) 0 : s.charAt(0);
        }
        if (boxed.isEnum()) {
            return Enum.valueOf((Class<Enum>) boxed, v.toString().trim());
        }
        if (Number.class.isAssignableFrom(boxed)) {
            Number n = v instanceof Number num ? num : new java.math.BigDecimal(v.toString().trim());
            if (boxed == Integer.class) {
                return n.intValue();
            }
            if (boxed == Long.class) {
                return n.longValue();
            }
            if (boxed == Double.class) {
                return n.doubleValue();
            }
            if (boxed == Float.class) {
                return n.floatValue();
            }
            if (boxed == Short.class) {
                return n.shortValue();
            }
            if (boxed == Byte.class) {
                return n.byteValue();
            }
        }
        throw new IllegalArgumentException("unsupported type " + to.getName());
    }

    private static Class<?> box(Class<?> p) {
        return p == int.class ? Integer.class : p == long.class ? Long.class : p == boolean.class ? Boolean.class
                : p == double.class ? Double.class : p == float.class ? Float.class : p == short.class ? Short.class
                : p == byte.class ? Byte.class : Character.class;
    }

    private static Object copy(Object array) {
        int n = Array.getLength(array);
        Object c = Array.newInstance(array.getClass().getComponentType(), n);
        System.arraycopy(array, 0, c, 0, n);
        return c;
    }

    private static String describe(Object v) {
        return v != null && v.getClass().isArray() ? items(v).toString() : Objects.toString(v);
    }

    private static String text(Class<?> type, Map<Method, Object> values) {
        StringBuilder sb = new StringBuilder("@").append(type.getSimpleName()).append('(');
        boolean first = true;
        for (Map.Entry<Method, Object> e : values.entrySet()) {
            sb.append(first ? "" : ", ").append(propertyName(e.getKey().getName())).append('=').append(describe(e.getValue()));
            first = false;
        }
        return sb.append(')').toString();
    }
}
