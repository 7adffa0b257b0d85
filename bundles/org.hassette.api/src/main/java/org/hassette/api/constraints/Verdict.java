package org.hassette.api.constraints;

import java.util.Objects;

/**
 * The answer of a {@link Constraint}.
 *
 * @param allowed    whether the guarded listener or job may run
 * @param constraint the name of the constraint that decided
 * @param detail     why, e.g. {@code outside 22:00–07:00 (now 12:00)}; never null
 */
public record Verdict(boolean allowed, String constraint, String detail) {
    public Verdict {
        Objects.requireNonNull(constraint, "constraint");
        detail = detail == null ? "" : detail;
    }

    /** The constraint allows it. */
    public static Verdict allow(String constraint, String detail) {
        return new Verdict(true, constraint, detail);
    }

    /** The constraint says no. */
    public static Verdict deny(String constraint, String detail) {
        return new Verdict(false, constraint, detail);
    }

    /** The same answer and detail under another constraint name. */
    Verdict as(String name) {
        return name.equals(constraint) ? this : new Verdict(allowed, name, detail);
    }

    /** {@code name: detail}, e.g. {@code quiet-hours: inside 22:00–07:00 (now 23:14)}. */
    public String message() {
        return detail.isEmpty() ? constraint : constraint + ": " + detail;
    }

    @Override
    public String toString() {
        return (allowed ? "allowed by " : "denied by ") + message();
    }
}
