package org.hassette.api.scheduler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.hassette.api.constraints.Constraint;

/**
 * Options of a job, built with {@link #builder()}: name, group, jitter, {@code where} predicates,
 * constraints, timeout, error handler. {@link #defaults()} has none of them (a generated name, no group).
 */
public final class JobOptions {
    private static final JobOptions DEFAULTS = builder().build();

    /** A gating predicate with the reason recorded when it says no. */
    public record Where(String reason, BooleanSupplier predicate) {
        public Where {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(predicate, "predicate");
        }
    }

    private final String name;
    private final String group;
    private final Duration jitterMin;
    private final Duration jitterMax;
    private final List<Where> where;
    private final List<Constraint> constraints;
    private final org.hassette.api.bus.ExecutionMode mode;
    private final Duration timeout;
    private final JobErrorHandler onError;

    private JobOptions(Builder b) {
        this.name = b.name;
        this.group = b.group;
        this.jitterMin = b.jitterMin;
        this.jitterMax = b.jitterMax;
        this.where = List.copyOf(b.where);
        this.constraints = List.copyOf(b.constraints);
        this.mode = b.mode;
        this.timeout = b.timeout;
        this.onError = b.onError;
    }

    /** No options. */
    public static JobOptions defaults() {
        return DEFAULTS;
    }

    /** A builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** The name, empty for a generated one. */
    public Optional<String> name() {
        return Optional.ofNullable(name);
    }

    /** The group, empty string for none. */
    public String group() {
        return group;
    }

    /** Lower bound of the random offset added to each run (may be negative). */
    public Duration jitterMin() {
        return jitterMin;
    }

    /** Upper bound of the random offset added to each run. */
    public Duration jitterMax() {
        return jitterMax;
    }

    /** Predicates evaluated before each run, in order; the first that says no skips the run. */
    public List<Where> where() {
        return where;
    }

    /**
     * Constraints checked before each run, after the {@code where} predicates, in order; the first
     * whose verdict says no skips the run, recorded with the verdict's message.
     */
    public List<Constraint> constraints() {
        return constraints;
    }

    /**
     * What happens when a run is due while the previous one still runs: {@code single} (default) skips
     * it and records why, {@code queued(depth)} runs it afterwards (at most {@code depth} waiting),
     * {@code restart} interrupts the running one and runs the new one after it, {@code parallel} runs
     * both at once.
     */
    public org.hassette.api.bus.ExecutionMode mode() {
        return mode;
    }

    /** Longest a run may take before it is interrupted and recorded as timed out. */
    public Optional<Duration> timeout() {
        return Optional.ofNullable(timeout);
    }

    /** Told about failed and timed-out runs (besides the log). */
    public Optional<JobErrorHandler> onError() {
        return Optional.ofNullable(onError);
    }

    /** Builds {@link JobOptions}. */
    public static final class Builder {
        private String name;
        private String group = "";
        private Duration jitterMin = Duration.ZERO;
        private Duration jitterMax = Duration.ZERO;
        private final List<Where> where = new ArrayList<>();
        private final List<Constraint> constraints = new ArrayList<>();
        private org.hassette.api.bus.ExecutionMode mode = org.hassette.api.bus.ExecutionMode.single();
        private Duration timeout;
        private JobErrorHandler onError;

        private Builder() {
        }

        /** Unique name; registering a second job of the same name fails. */
        public Builder name(String name) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("a job name must not be blank");
            }
            this.name = name;
            return this;
        }

        /** Group, for listing and cancelling together. */
        public Builder group(String group) {
            this.group = Objects.requireNonNull(group, "group");
            return this;
        }

        /** Each run moves by a random offset in [-spread, +spread]. */
        public Builder jitter(Duration spread) {
            if (spread.isNegative()) {
                throw new IllegalArgumentException("jitter spread must not be negative, was " + spread);
            }
            return jitter(spread.negated(), spread);
        }

        /** Each run moves by a random offset in [min, max]; min may be negative (earlier). */
        public Builder jitter(Duration min, Duration max) {
            if (min.compareTo(max) > 0) {
                throw new IllegalArgumentException("jitter min " + min + " is after max " + max);
            }
            this.jitterMin = min;
            this.jitterMax = max;
            return this;
        }

        /** Runs only when {@code predicate} says yes; otherwise the run is recorded as skipped with {@code reason}. */
        public Builder where(String reason, BooleanSupplier predicate) {
            where.add(new Where(reason, predicate));
            return this;
        }

        /** Overlap policy, see {@link JobOptions#mode()}. */
        public Builder mode(org.hassette.api.bus.ExecutionMode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /**
         * Runs only while every constraint allows it; otherwise the run is recorded as skipped with
         * the verdict's message, e.g. {@code constraint: quiet-hours: inside 22:00–07:00 (now 23:14)}.
         */
        public Builder constrainedBy(Constraint... constraints) {
            for (Constraint c : constraints) {
                this.constraints.add(Objects.requireNonNull(c, "constraint"));
            }
            return this;
        }

        /** Interrupts a run that takes longer than {@code timeout} and records it as timed out. */
        public Builder timeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive, was " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /** Told about failed and timed-out runs. */
        public Builder onError(JobErrorHandler handler) {
            this.onError = Objects.requireNonNull(handler, "handler");
            return this;
        }

        public JobOptions build() {
            return new JobOptions(this);
        }
    }
}
