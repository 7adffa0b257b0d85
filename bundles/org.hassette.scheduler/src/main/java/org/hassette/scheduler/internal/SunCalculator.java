package org.hassette.scheduler.internal;

import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Optional;
import org.hassette.api.scheduler.Location;
import org.hassette.api.scheduler.SunEvent;
import org.shredzone.commons.suncalc.SunTimes;

/** Sun event times from commons-suncalc (embedded privately in this bundle). */
final class SunCalculator {
    private SunCalculator() {
    }

    /** The time of {@code event} on local {@code date} in {@code zone}; empty when it does not occur that day. */
    static Optional<ZonedDateTime> on(SunEvent event, LocalDate date, ZoneId zone, Location where) {
        SunTimes.Parameters p = SunTimes.compute()
                .on(date.atStartOfDay(zone))
                .at(where.latitude(), where.longitude())
                .elevation(Math.max(0, where.elevation()))
                .oneDay();
        if (event == SunEvent.DAWN || event == SunEvent.DUSK) {
            p = p.twilight(SunTimes.Twilight.CIVIL);
        }
        SunTimes times = p.execute();
        ZonedDateTime t = event == SunEvent.DAWN || event == SunEvent.SUNRISE ? times.getRise() : times.getSet();
        if (t == null || !t.withZoneSameInstant(zone).toLocalDate().equals(date)) {
            return Optional.empty();
        }
        return Optional.of(t.withZoneSameInstant(zone));
    }
}
