package org.hassette.scheduler.internal;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Optional;
import java.util.function.Supplier;
import org.hassette.api.scheduler.JobStatus;
import org.hassette.api.scheduler.Location;
import org.hassette.api.scheduler.SunEvent;

/** Every day at a sun event plus an offset; reads the location at each computation. */
final class SunTrigger implements Trigger {
    /** Longest search for the next event: a polar night lasts less than half a year. */
    static final int MAX_DAYS = 200;

    private final SunEvent event;
    private final Duration offset;
    private final ZoneId zone;
    private final Supplier<Optional<Location>> location;

    SunTrigger(SunEvent event, Duration offset, ZoneId zone, Supplier<Optional<Location>> location) {
        this.event = event;
        this.offset = offset;
        this.zone = zone;
        this.location = location;
    }

    @Override
    public ZonedDateTime first(ZonedDateTime now) {
        return next(now.minusNanos(1));
    }

    @Override
    public ZonedDateTime next(ZonedDateTime after) {
        Optional<Location> where = location.get();
        if (where.isEmpty()) {
            return null;
        }
        long offsetDays = Math.abs(offset.toDays()) + 1;
        LocalDate day = after.withZoneSameInstant(zone).toLocalDate().minusDays(offsetDays);
        for (int i = 0; i <= MAX_DAYS + 2 * offsetDays; i++, day = day.plusDays(1)) {
            Optional<ZonedDateTime> t = SunCalculator.on(event, day, zone, where.get());
            if (t.isPresent()) {
                ZonedDateTime run = t.get().plus(offset);
                if (run.isAfter(after)) {
                    return run;
                }
            }
        }
        return null;
    }

    @Override
    public String describe() {
        return event.name().toLowerCase() + (offset.isZero() ? "" : (offset.isNegative() ? " - " + offset.negated() : " + " + offset));
    }

    @Override
    public JobStatus statusWithoutNextRun() {
        return JobStatus.WAITING;
    }
}
