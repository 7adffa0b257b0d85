package org.hassette.api.constraints;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.hassette.api.ha.EntityState;
import org.hassette.api.scheduler.Clock;
import org.hassette.api.scheduler.SunEvent;

/** The implementation behind {@link ConstraintContext#of}. */
final class SimpleContext implements ConstraintContext {
    /** How entities are looked up. */
    record Lookup(Function<String, Optional<EntityState>> entity, Function<String, List<EntityState>> domain) {
    }

    private final Clock clock;
    private final SunTimes sunTimes;
    private final Supplier<Lookup> states;

    SimpleContext(Clock clock, SunTimes sunTimes, Supplier<Lookup> states) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sunTimes = Objects.requireNonNull(sunTimes, "sunTimes");
        this.states = states;
    }

    @Override
    public Instant now() {
        return clock.now();
    }

    @Override
    public ZoneId zone() {
        return clock.zone();
    }

    @Override
    public Optional<ZonedDateTime> sunTime(SunEvent event, LocalDate date) {
        return sunTimes.at(event, date);
    }

    @Override
    public Optional<EntityState> entity(String entityId) {
        Lookup l = states.get();
        return l == null ? Optional.empty() : l.entity().apply(entityId);
    }

    @Override
    public List<EntityState> domain(String domain) {
        Lookup l = states.get();
        return l == null ? List.of() : l.domain().apply(domain);
    }

    @Override
    public boolean statesAvailable() {
        return states.get() != null;
    }
}
