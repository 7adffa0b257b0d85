package org.hassette.api.constraints;

import java.util.Objects;
import java.util.function.Predicate;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A named test of the circumstances (time, sun, entity states) a listener or job may run in. Checked
 * right before each invocation; a {@link Verdict} that says no skips it and is recorded with its
 * message. May throw: the bus and the scheduler treat a throwing constraint like a throwing
 * {@code where} predicate (reported, not run). Ready-made ones are in {@link Constraints}.
 */
@ConsumerType
public interface Constraint {

    /** A short name shown in skip reasons, e.g. {@code quiet-hours}. */
    String name();

    /** Decides for the circumstances in {@code context}. */
    Verdict check(ConstraintContext context);

    /** The same test under another name. */
    default Constraint named(String name) {
        Constraints.requireName(name);
        Constraint self = this;
        return new Constraint() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Verdict check(ConstraintContext context) {
                return self.check(context).as(name);
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }

    /** A custom constraint: {@code test} decides; the verdict says {@code held} or {@code said no}. */
    static Constraint of(String name, Predicate<? super ConstraintContext> test) {
        Constraints.requireName(name);
        Objects.requireNonNull(test, "test");
        return new Constraint() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Verdict check(ConstraintContext context) {
                return test.test(context) ? Verdict.allow(name, "held") : Verdict.deny(name, "said no");
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }
}
