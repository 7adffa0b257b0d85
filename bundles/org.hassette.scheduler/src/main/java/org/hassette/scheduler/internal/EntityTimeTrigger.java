package org.hassette.scheduler.internal;

import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.function.BiFunction;
import org.hassette.api.scheduler.JobStatus;

/**
 * A time held by an entity: re-read at every planning, so a changed value is picked up as soon as
 * the engine plans the job again ({@link SchedulerEngine#entityChanged}).
 */
final class EntityTimeTrigger implements Trigger {
    final String entityId;
    private final String attribute;
    private final Duration offset;
    private final ZoneId zone;
    private final BiFunction<String, String, Optional<String>> values;

    EntityTimeTrigger(String entityId, String attribute, Duration offset, ZoneId zone, BiFunction<String, String, Optional<String>> values) {
        this.entityId = entityId;
        this.attribute = attribute;
        this.offset = offset == null ? Duration.ZERO : offset;
        this.zone = zone;
        this.values = values;
    }

    @Override
    public ZonedDateTime first(ZonedDateTime now) {
        return at(now, true);
    }

    @Override
    public ZonedDateTime next(ZonedDateTime after) {
        return at(after, false);
    }

    private ZonedDateTime at(ZonedDateTime now, boolean inclusive) {
        Optional<Object> parsed = values.apply(entityId, attribute).flatMap(this::parse);
        if (parsed.isEmpty()) {
            return null;
        }
        if (parsed.get() instanceof LocalTime time) {
            // a time of day: the next occurrence, every day (DST rules of the daily trigger); the offset
            // is applied to the occurrence, so search from now minus the offset
            DailyTrigger daily = new DailyTrigger(time, zone);
            ZonedDateTime base = inclusive ? daily.first(now.minus(offset)) : daily.next(now.minus(offset));
            return base == null ? null : base.plus(offset);
        }
        ZonedDateTime at = ((ZonedDateTime) parsed.get()).plus(offset);
        return (inclusive ? !at.isBefore(now) : at.isAfter(now)) ? at : null;
    }

    /** A {@link ZonedDateTime} or a {@link LocalTime}; empty for unknown, unavailable or unparsable values. */
    Optional<Object> parse(String raw) {
        String v = raw == null ? "" : raw.strip();
        if (v.isEmpty() || v.equals("unknown") || v.equals("unavailable")) {
            return Optional.empty();
        }
        try {
            return Optional.of(OffsetDateTime.parse(v.replace(' ', 'T')).atZoneSameInstant(zone));
        } catch (DateTimeParseException notOffset) {
            // try the local forms
        }
        try {
            return Optional.of(LocalDateTime.parse(v.replace(' ', 'T')).atZone(zone));
        } catch (DateTimeParseException notLocal) {
            // next
        }
        try {
            return Optional.of(LocalDate.parse(v).atStartOfDay(zone));
        } catch (DateTimeParseException notDate) {
            // next
        }
        try {
            return Optional.of(LocalTime.parse(v));
        } catch (DateTimeParseException notTime) {
            return Optional.empty();
        }
    }

    @Override
    public String describe() {
        return "at the time in " + entityId + (attribute == null ? "" : "." + attribute) + (offset.isZero() ? "" : " " + offset);
    }

    @Override
    public JobStatus statusWithoutNextRun() {
        return JobStatus.WAITING;
    }
}
