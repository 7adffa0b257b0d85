package org.hassette.scheduler.internal;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;

/** Wall time to instant with the scheduler's DST rule. */
final class WallTime {
    private WallTime() {
    }

    /**
     * {@code date} at {@code time} in {@code zone}. A time in a spring-forward gap resolves to the
     * transition (the first valid instant after it: 02:30 on a 02:00→03:00 day is 03:00); a time in a
     * fall-back overlap resolves to its first (earlier) occurrence, so it happens once.
     */
    static ZonedDateTime resolve(LocalDate date, LocalTime time, ZoneId zone) {
        LocalDateTime local = date.atTime(time);
        ZoneOffsetTransition transition = zone.getRules().getTransition(local);
        if (transition != null && transition.isGap()) {
            return transition.getInstant().atZone(zone);
        }
        return ZonedDateTime.ofLocal(local, zone, null);
    }
}
