package org.hassette.bus.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.hassette.api.bus.Condition;
import org.hassette.api.constraints.Constraint;
import org.hassette.api.bus.ErrorHandler;
import org.hassette.api.bus.ExecutionMode;
import org.hassette.api.bus.IfExists;

/**
 * Everything a registration asked for, validated once. {@code accept} is the cheap routing step run
 * on the router thread (our code only): it returns the event as the listener sees it, or null.
 * Predicates (user code) run later, on the listener's own serialized drain.
 */
final class ListenerSpec<E> {
    /** What {@link #currentValue} returns when the current value cannot be known (no state cache). */
    static final Object UNKNOWN = new Object();

    String kind;
    List<String> targets = List.of();
    Function<Object, E> accept;
    /** Built-in filter (attribute-only changes, from/to) evaluated before the user's predicates. */
    final List<Condition<? super E>> filters = new ArrayList<>();
    /** Key of the hold timer (the entity id), when {@link #holdFor} is set. */
    Function<E, String> holdKey;
    /** Value a hold waits to keep, compared when a later event arrives. */
    Function<E, Object> holdValue;
    /** Re-reads the current value at the end of a hold; null when it cannot be known. */
    Function<E, Object> currentValue;
    boolean once;
    Duration debounce;
    Duration throttle;
    Duration timeout;
    Duration holdFor;
    /**
     * Since when an event's value has held already (an {@code immediate} state: its {@code last_changed}),
     * so {@code holdFor} counts from then; {@code null} (or a null result): the hold starts now.
     */
    Function<E, Instant> heldSince;
    boolean immediate;
    boolean includeAttributeChanges;
    String attribute;
    String from;
    String to;
    int whereCount;
    /** Checked right before each handler call. */
    final List<Constraint> constraints = new ArrayList<>();
    ExecutionMode mode;
    ErrorHandler errorHandler;
    IfExists ifExists = IfExists.ERROR;

    /** Rejects invalid combinations with a message naming them. */
    void validate(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a listener needs a non-blank name");
        }
        positive(name, "debounce", debounce);
        positive(name, "throttle", throttle);
        positive(name, "timeout", timeout);
        positive(name, "holdFor", holdFor);
        if (debounce != null && throttle != null) {
            throw invalid(name, "debounce and throttle cannot be combined (trailing vs leading edge)");
        }
        if (once && (debounce != null || throttle != null)) {
            throw invalid(name, "once cannot be combined with debounce or throttle");
        }
        if (holdFor != null && debounce != null) {
            throw invalid(name, "holdFor and debounce cannot be combined (both delay the call)");
        }
    }

    /** The options that identify a registration, for {@link IfExists#SKIP} drift checks (predicates and handlers are opaque). */
    Map<String, Object> signature() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", kind);
        m.put("targets", targets);
        m.put("attribute", attribute);
        m.put("from", from);
        m.put("to", to);
        m.put("where", whereCount);
        m.put("constraints", constraints.stream().map(Constraint::name).toList());
        m.put("once", once);
        m.put("debounce", debounce);
        m.put("throttle", throttle);
        m.put("timeout", timeout);
        m.put("holdFor", holdFor);
        m.put("immediate", immediate);
        m.put("includeAttributeChanges", includeAttributeChanges);
        m.put("mode", mode);
        return m;
    }

    static List<String> drift(Map<String, Object> a, Map<String, Object> b) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, Object> e : a.entrySet()) {
            if (!Objects.equals(e.getValue(), b.get(e.getKey()))) {
                out.add(e.getKey() + ": " + e.getValue() + " -> " + b.get(e.getKey()));
            }
        }
        return out;
    }

    private static void positive(String name, String option, Duration d) {
        if (d != null && (d.isNegative() || d.isZero())) {
            throw invalid(name, option + " must be positive, was " + d);
        }
    }

    private static IllegalArgumentException invalid(String name, String why) {
        return new IllegalArgumentException("listener '" + name + "': " + why);
    }
}
