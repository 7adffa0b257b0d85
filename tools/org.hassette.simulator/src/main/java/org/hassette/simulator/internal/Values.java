package org.hassette.simulator.internal;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Helpers for the plain Java values (Map, List, String, Number, Boolean, null) that model JSON and Python data. */
public final class Values {

    private Values() {
    }

    /** Python equality: {@code 1 == 1.0}, dicts by content regardless of order, lists in order. */
    public static boolean pyEquals(Object a, Object b) {
        if (a == b) {
            return true;
        }
        if (a == null || b == null) {
            return false;
        }
        if (a instanceof Number && b instanceof Number && !(a instanceof Boolean) && !(b instanceof Boolean)) {
            return toBigDecimal((Number) a).compareTo(toBigDecimal((Number) b)) == 0;
        }
        if (a instanceof Map && b instanceof Map) {
            Map<?, ?> ma = (Map<?, ?>) a;
            Map<?, ?> mb = (Map<?, ?>) b;
            if (ma.size() != mb.size()) {
                return false;
            }
            for (Map.Entry<?, ?> e : ma.entrySet()) {
                if (!mb.containsKey(e.getKey()) || !pyEquals(e.getValue(), mb.get(e.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof List && b instanceof List) {
            List<?> la = (List<?>) a;
            List<?> lb = (List<?>) b;
            if (la.size() != lb.size()) {
                return false;
            }
            Iterator<?> ia = la.iterator();
            Iterator<?> ib = lb.iterator();
            while (ia.hasNext()) {
                if (!pyEquals(ia.next(), ib.next())) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }

    private static BigDecimal toBigDecimal(Number n) {
        if (n instanceof BigDecimal) {
            return (BigDecimal) n;
        }
        if (n instanceof BigInteger) {
            return new BigDecimal((BigInteger) n);
        }
        if (n instanceof Double || n instanceof Float) {
            double d = n.doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                return BigDecimal.valueOf(Long.MAX_VALUE); // never equal to a finite number in practice
            }
            return new BigDecimal(d);
        }
        return BigDecimal.valueOf(n.longValue());
    }

    /** Deep, unmodifiable copy of a JSON-like value; keeps insertion order of maps. */
    @SuppressWarnings("unchecked")
    public static Object freeze(Object v) {
        if (v instanceof Map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                copy.put(String.valueOf(e.getKey()), freeze(e.getValue()));
            }
            return Collections.unmodifiableMap(copy);
        }
        if (v instanceof Collection) {
            List<Object> copy = new ArrayList<>();
            for (Object o : (Collection<Object>) v) {
                copy.add(freeze(o));
            }
            return Collections.unmodifiableList(copy);
        }
        return v;
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> freezeMap(Map<String, ?> m) {
        return m == null ? Collections.emptyMap() : (Map<String, Object>) freeze(m);
    }

    /** Python's {@code repr} of a JSON-like value, as voluptuous puts it into "Got ..." messages. */
    public static String pyRepr(Object v) {
        if (v == null) {
            return "None";
        }
        if (v instanceof Boolean) {
            return (Boolean) v ? "True" : "False";
        }
        if (v instanceof String) {
            String s = (String) v;
            String q = s.contains("'") && !s.contains("\"") ? "\"" : "'";
            return q + s.replace("\\", "\\\\").replace("\n", "\\n") + q;
        }
        if (v instanceof Double || v instanceof Float) {
            return PyFloat.repr(((Number) v).doubleValue());
        }
        if (v instanceof Number) {
            return v.toString();
        }
        if (v instanceof Map) {
            StringBuilder sb = new StringBuilder("{");
            boolean first = true;
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                if (!first) {
                    sb.append(", ");
                }
                first = false;
                sb.append(pyRepr(e.getKey())).append(": ").append(pyRepr(e.getValue()));
            }
            return sb.append('}').toString();
        }
        if (v instanceof Collection) {
            StringBuilder sb = new StringBuilder("[");
            boolean first = true;
            for (Object o : (Collection<?>) v) {
                if (!first) {
                    sb.append(", ");
                }
                first = false;
                sb.append(pyRepr(o));
            }
            return sb.append(']').toString();
        }
        return v.toString();
    }

    /** Python's {@code str()} of a value, as Jinja renders it. */
    public static String pyStr(Object v) {
        if (v instanceof String) {
            return (String) v;
        }
        return pyRepr(v);
    }

    /** {@code cv.entity_ids} / {@code cv.comp_entity_ids}: a string (comma separated) or a list of strings. */
    public static List<String> entityIds(Object v) {
        List<String> out = new ArrayList<>();
        if (v instanceof String) {
            for (String part : ((String) v).split(",")) {
                String p = part.trim().toLowerCase();
                if (!p.isEmpty()) {
                    out.add(p);
                }
            }
        } else if (v instanceof Collection) {
            for (Object o : (Collection<?>) v) {
                if (o != null) {
                    out.add(o.toString().trim().toLowerCase());
                }
            }
        }
        return out;
    }

    public static boolean isValidEntityId(String entityId) {
        return entityId != null && entityId.matches("(?!.+__)(?!_)[\\da-z_]+(?<!_)\\.(?!_)[\\da-z_]+(?<!_)");
    }
}
