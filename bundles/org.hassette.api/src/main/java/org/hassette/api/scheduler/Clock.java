package org.hassette.api.scheduler;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * The time a scheduler reads: the current instant and the zone wall-clock schedules (daily, cron,
 * sun) are computed in. The platform uses the system clock; tests use a {@link VirtualClock}.
 */
@ConsumerType
public interface Clock {

    /** The current instant. */
    Instant now();

    /** The zone of wall-clock schedules. */
    ZoneId zone();

    /** The current instant in {@link #zone()}. */
    default ZonedDateTime zonedNow() {
        return now().atZone(zone());
    }
}
