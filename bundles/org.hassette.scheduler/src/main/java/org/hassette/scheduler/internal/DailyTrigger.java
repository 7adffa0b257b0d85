package org.hassette.scheduler.internal;

import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/** Every day at a wall time, with {@link WallTime#resolve}'s DST rule. */
final class DailyTrigger implements Trigger {
    private final LocalTime at;
    private final ZoneId zone;

    DailyTrigger(LocalTime at, ZoneId zone) {
        this.at = at;
        this.zone = zone;
    }

    @Override
    public ZonedDateTime first(ZonedDateTime now) {
        return next(now.minusNanos(1));
    }

    @Override
    public ZonedDateTime next(ZonedDateTime after) {
        LocalDate day = after.withZoneSameInstant(zone).toLocalDate().minusDays(1);
        for (int i = 0; i < 4; i++, day = day.plusDays(1)) {
            ZonedDateTime candidate = WallTime.resolve(day, at, zone);
            if (candidate.isAfter(after)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no daily run at " + at + " within 3 days after " + after);
    }

    @Override
    public String describe() {
        return "daily at " + at;
    }
}
