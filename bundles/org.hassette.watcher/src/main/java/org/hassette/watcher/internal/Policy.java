package org.hassette.watcher.internal;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.hassette.api.lifecycle.RestartPolicy;

/**
 * A resource's restart policy, read from its component properties ({@code hassette.restart.*},
 * declared with {@link RestartPolicy} and overridable by configuration). Bad values are reported and
 * replaced by the defaults, never fatal.
 */
record Policy(Type type, int budget, Duration window, Duration backoffBase, double multiplier, Duration backoffMax,
        double jitter, Duration readinessTimeout, Duration cooldown, int cooldownCycles, List<String> fatalErrors,
        List<String> nonRetryableErrors, List<String> problems) {

    enum Type {
        PERMANENT, TRANSIENT, TEMPORARY,
        /** Not supervised: failures are recorded and reported, never acted on. */
        NONE;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static final String PREFIX = "hassette.restart.";

    static Policy defaults() {
        return from(Map.of());
    }

    static Policy from(Map<String, ?> props) {
        java.util.ArrayList<String> problems = new java.util.ArrayList<>();
        Type type;
        Object rawType = props.get(PREFIX + "type");
        String t = rawType == null ? "transient" : String.valueOf(rawType);
        try {
            type = Type.valueOf(t.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            problems.add(PREFIX + "type='" + t + "' is not permanent, transient, temporary or none; using transient");
            type = Type.TRANSIENT;
        }
        int budget = (int) number(props, "budget", 5, 1, 10_000, problems);
        long window = (long) number(props, "window.seconds", 300, 1, 86_400, problems);
        long base = (long) number(props, "backoff.base.ms", 1000, 0, 3_600_000, problems);
        double mult = number(props, "backoff.multiplier", 2.0, 1.0, 100, problems);
        long max = (long) number(props, "backoff.max.ms", 60_000, 0, 86_400_000, problems);
        double jitter = number(props, "backoff.jitter", 0.1, 0, 1, problems);
        long readiness = (long) number(props, "readiness.timeout.seconds", 30, 1, 86_400, problems);
        long cooldown = (long) number(props, "cooldown.seconds", 300, 0, 86_400, problems);
        int cycles = (int) number(props, "cooldown.cycles", 0, 0, 1_000_000, problems);
        if (max < base) {
            problems.add(PREFIX + "backoff.max.ms (" + max + ") is below backoff.base.ms (" + base + "); using the base as cap");
            max = base;
        }
        return new Policy(type, budget, Duration.ofSeconds(window), Duration.ofMillis(base), mult, Duration.ofMillis(max),
                jitter, Duration.ofSeconds(readiness), Duration.ofSeconds(cooldown), cycles, strings(props.get(PREFIX + "fatal.errors")),
                strings(props.get(PREFIX + "nonretryable.errors")), List.copyOf(problems));
    }

    /** Nominal delay before restart number {@code attempt} (1-based), without jitter. */
    Duration nominalDelay(int attempt) {
        double ms = backoffBase.toMillis() * Math.pow(multiplier, Math.max(0, attempt - 1));
        return Duration.ofMillis((long) Math.min(ms, backoffMax.toMillis()));
    }

    /** Delay with jitter applied: nominal × (1 ± jitter). */
    Duration delay(int attempt, Random random) {
        long nominal = nominalDelay(attempt).toMillis();
        double spread = jitter == 0 ? 0 : (random.nextDouble() * 2 - 1) * jitter;
        return Duration.ofMillis(Math.max(0, Math.round(nominal * (1 + spread))));
    }

    boolean isFatal(String errorType) {
        return errorType != null && fatalErrors.contains(errorType);
    }

    boolean isNonRetryable(String errorType) {
        return errorType != null && nonRetryableErrors.contains(errorType);
    }

    String describe() {
        return type.label() + ", " + budget + " restarts in " + window.toSeconds() + " s, backoff " + backoffBase.toMillis()
                + " ms ×" + multiplier + " ≤ " + backoffMax.toMillis() + " ms ±" + Math.round(jitter * 100) + " %, ready within "
                + readinessTimeout.toSeconds() + " s";
    }

    private static double number(Map<String, ?> props, String key, double def, double min, double max, List<String> problems) {
        Object v = props.get(PREFIX + key);
        if (v == null) {
            return def;
        }
        double d;
        try {
            d = v instanceof Number n ? n.doubleValue() : Double.parseDouble(String.valueOf(v).trim());
        } catch (NumberFormatException e) {
            problems.add(PREFIX + key + "='" + v + "' is not a number; using " + def);
            return def;
        }
        if (d < min || d > max || Double.isNaN(d)) {
            problems.add(PREFIX + key + "=" + v + " is outside " + min + ".." + max + "; using " + def);
            return def;
        }
        return d;
    }

    private static List<String> strings(Object v) {
        if (v == null) {
            return List.of();
        }
        if (v instanceof String[] a) {
            return List.of(a);
        }
        if (v instanceof java.util.Collection<?> c) {
            return c.stream().map(String::valueOf).toList();
        }
        return Arrays.stream(String.valueOf(v).split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
