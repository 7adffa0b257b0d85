package org.hassette.api.bus;

import java.util.Objects;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A typed test on a value or an event; compose with {@link #and}, {@link #or}, {@link #negate}.
 * May throw: the bus counts a throwing condition as "not matching" and reports it to the listener's
 * error handler, without affecting other listeners. Ready-made ones are in {@link Conditions}.
 */
@ConsumerType
@FunctionalInterface
public interface Condition<T> {

    boolean test(T value) throws Exception;

    /** Both hold (the second is not evaluated when the first fails). */
    default Condition<T> and(Condition<? super T> other) {
        Objects.requireNonNull(other, "other");
        return v -> test(v) && other.test(v);
    }

    /** Either holds. */
    default Condition<T> or(Condition<? super T> other) {
        Objects.requireNonNull(other, "other");
        return v -> test(v) || other.test(v);
    }

    /** This does not hold. */
    default Condition<T> negate() {
        return v -> !test(v);
    }
}
