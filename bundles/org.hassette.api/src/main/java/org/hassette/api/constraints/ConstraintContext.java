package org.hassette.api.constraints;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Collection;
import java.util.List;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.hassette.api.ha.EntityState;
import org.hassette.api.ha.StateCache;
import org.hassette.api.scheduler.Clock;
import org.hassette.api.scheduler.Scheduler;
import org.hassette.api.scheduler.SunEvent;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * What a {@link Constraint} may look at: the time (from the scheduler's {@link Clock}), the zone of
 * wall-clock windows, sun times and entity states. Create one with {@link #of}.
 */
@ConsumerType
public interface ConstraintContext {

    /** Sun times by date: {@code Scheduler::sunTime}, or a table in tests. Empty when unknown (no location, polar day). */
    @FunctionalInterface
    interface SunTimes {
        Optional<ZonedDateTime> at(SunEvent event, LocalDate date);

        /** No location known: every sun-relative constraint says no and why. */
        static SunTimes none() {
            return (e, d) -> Optional.empty();
        }

        /** The scheduler's sun calculation. */
        static SunTimes of(Scheduler scheduler) {
            Objects.requireNonNull(scheduler, "scheduler");
            return scheduler::sunTime;
        }
    }

    /** The current instant. */
    Instant now();

    /** The zone of time windows and days of week. */
    ZoneId zone();

    /** The current instant in {@link #zone()}. */
    default ZonedDateTime zonedNow() {
        return now().atZone(zone());
    }

    /** When {@code event} happens on {@code date} in {@link #zone()}; empty when unknown. */
    Optional<ZonedDateTime> sunTime(SunEvent event, LocalDate date);

    /** An entity's current state; empty when it is unknown or no states are available. */
    Optional<EntityState> entity(String entityId);

    /** All entities of a domain, e.g. {@code person}; empty when none or no states are available. */
    List<EntityState> domain(String domain);

    /** Whether entity states are available at all (false while the state cache is not synced). */
    boolean statesAvailable();

    /** A context over the platform's state cache, read on each call (null or a null supplier result: none yet). */
    static ConstraintContext of(Clock clock, SunTimes sunTimes, Supplier<StateCache> states) {
        Objects.requireNonNull(states, "states");
        return new SimpleContext(clock, sunTimes, () -> {
            StateCache c = states.get();
            return c == null ? null : new SimpleContext.Lookup(c::get, c::domain);
        });
    }

    /** A context over a state cache (null: none). */
    static ConstraintContext of(Clock clock, SunTimes sunTimes, StateCache states) {
        return of(clock, sunTimes, () -> states);
    }

    /** A context over a collection of states, for tests; read on each call, so later changes to it are seen. */
    static ConstraintContext of(Clock clock, SunTimes sunTimes, Collection<EntityState> states) {
        Objects.requireNonNull(states, "states");
        SimpleContext.Lookup lookup = new SimpleContext.Lookup(
                id -> List.copyOf(states).stream().filter(s -> s.entityId().equals(id)).reduce((a, b) -> b),
                d -> List.copyOf(states).stream().filter(s -> s.domain().equals(d))
                        .sorted(Comparator.comparing(EntityState::entityId)).toList());
        return new SimpleContext(clock, sunTimes, () -> lookup);
    }
}
