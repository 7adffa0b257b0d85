package org.hassette.api.bus;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Ready-made {@link Condition}s. Numeric comparisons coerce: numbers and numeric strings
 * ({@code "21.5"}) compare as numbers; anything else (including {@code unavailable}) does not match.
 */
public final class Conditions {
    private Conditions() {
    }

    /** Equal; numbers and numeric strings compare as numbers ({@code "20"} equals {@code 20.0}). */
    public static Condition<Object> equalTo(Object expected) {
        Double e = toNumber(expected);
        return v -> {
            if (e != null) {
                Double n = toNumber(v);
                if (n != null) {
                    return n.doubleValue() == e.doubleValue();
                }
            }
            return Objects.equals(v, expected) || (v != null && expected != null && v.toString().equals(expected.toString()));
        };
    }

    /** The value's text matches a glob: {@code *} any run of characters, {@code ?} one character. */
    public static Condition<Object> glob(String glob) {
        Pattern p = globPattern(glob);
        return v -> v != null && p.matcher(v.toString()).matches();
    }

    /** A literal when {@code text} has no {@code *} or {@code ?}, else a {@link #glob}. */
    public static Condition<Object> literalOrGlob(String text) {
        Objects.requireNonNull(text, "text");
        return isGlob(text) ? glob(text) : v -> v != null && text.equals(v.toString());
    }

    /** Some part of the value's text matches a regular expression. */
    public static Condition<Object> regex(String regex) {
        Pattern p = Pattern.compile(regex);
        return v -> v != null && p.matcher(v.toString()).find();
    }

    /** A string containing {@code part}, or a collection/array holding an element equal to it. */
    public static Condition<Object> contains(Object part) {
        return v -> {
            if (v instanceof Collection<?> c) {
                return c.contains(part);
            }
            if (v instanceof Object[] a) {
                return List.of(a).contains(part);
            }
            return v instanceof String s && part != null && s.contains(part.toString());
        };
    }

    /** One of the values (compared with {@link #equalTo}). */
    public static Condition<Object> isIn(Object... values) {
        Condition<Object> any = v -> false;
        for (Object o : values) {
            any = any.or(equalTo(o));
        }
        return any;
    }

    /** Null or absent. */
    public static Condition<Object> isNull() {
        return Objects::isNull;
    }

    /** Present. */
    public static Condition<Object> notNull() {
        return Objects::nonNull;
    }

    public static Condition<Object> greaterThan(Number bound) {
        return numeric(n -> n > bound.doubleValue());
    }

    public static Condition<Object> atLeast(Number bound) {
        return numeric(n -> n >= bound.doubleValue());
    }

    public static Condition<Object> lessThan(Number bound) {
        return numeric(n -> n < bound.doubleValue());
    }

    public static Condition<Object> atMost(Number bound) {
        return numeric(n -> n <= bound.doubleValue());
    }

    /** Within {@code [low, high]}. */
    public static Condition<Object> between(Number low, Number high) {
        return atLeast(low).and(atMost(high));
    }

    /** Every condition holds. */
    @SafeVarargs
    public static <T> Condition<T> allOf(Condition<? super T>... conditions) {
        return v -> {
            for (Condition<? super T> c : conditions) {
                if (!c.test(v)) {
                    return false;
                }
            }
            return true;
        };
    }

    /** At least one holds. */
    @SafeVarargs
    public static <T> Condition<T> anyOf(Condition<? super T>... conditions) {
        return v -> {
            for (Condition<? super T> c : conditions) {
                if (c.test(v)) {
                    return true;
                }
            }
            return false;
        };
    }

    /** The condition does not hold. */
    public static <T> Condition<T> not(Condition<T> condition) {
        return condition.negate();
    }

    /** Old and new value are numbers and the new one is larger. */
    public static Condition<StateChange> increased() {
        return c -> compareOldNew(c) > 0;
    }

    /** Old and new value are numbers and the new one is smaller. */
    public static Condition<StateChange> decreased() {
        return c -> compareOldNew(c) < 0;
    }

    /** The old value satisfies {@code condition}. */
    public static Condition<StateChange> oldValue(Condition<Object> condition) {
        return c -> condition.test(c.oldValue());
    }

    /** The new value satisfies {@code condition}. */
    public static Condition<StateChange> newValue(Condition<Object> condition) {
        return c -> condition.test(c.newValue());
    }

    /** The value at a dotted path of a map ({@code service_data.entity_id}), or null. */
    public static Object path(Map<String, ?> data, String path) {
        Object cur = data;
        for (String part : path.split("\\.")) {
            if (!(cur instanceof Map<?, ?> m)) {
                return null;
            }
            cur = m.get(part);
        }
        return cur;
    }

    /** Whether text holds glob characters. */
    public static boolean isGlob(String text) {
        return text.indexOf('*') >= 0 || text.indexOf('?') >= 0;
    }

    /** The pattern of a glob: {@code *} any run of characters, {@code ?} one; the rest literal. */
    public static Pattern globPattern(String glob) {
        StringBuilder re = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (char c : glob.toCharArray()) {
            if (c == '*' || c == '?') {
                if (literal.length() > 0) {
                    re.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                re.append(c == '*' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (literal.length() > 0) {
            re.append(Pattern.quote(literal.toString()));
        }
        return Pattern.compile(re.toString());
    }

    /** A number from a Number or a numeric string; null otherwise. */
    public static Double toNumber(Object v) {
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        if (v instanceof String s && !s.isBlank()) {
            try {
                double d = Double.parseDouble(s.trim());
                return Double.isNaN(d) ? null : d;
            } catch (NumberFormatException notNumeric) {
                return null;
            }
        }
        return null;
    }

    private interface DoubleTest {
        boolean test(double d);
    }

    private static Condition<Object> numeric(DoubleTest test) {
        return v -> {
            Double n = toNumber(v);
            return n != null && test.test(n);
        };
    }

    private static int compareOldNew(StateChange c) {
        Double o = toNumber(c.oldValue());
        Double n = toNumber(c.newValue());
        if (o == null || n == null) {
            return 0;
        }
        return Double.compare(n, o);
    }
}
