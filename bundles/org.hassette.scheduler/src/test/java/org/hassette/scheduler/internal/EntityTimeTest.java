package org.hassette.scheduler.internal;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import org.hassette.api.scheduler.InvalidScheduleException;
import org.hassette.api.scheduler.JobHandle;
import org.hassette.api.scheduler.JobOptions;
import org.hassette.api.scheduler.JobInfo;
import org.hassette.api.scheduler.JobStatus;
import org.hassette.api.scheduler.VirtualClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Jobs timed by an entity's value, re-planned when it changes; in virtual time. */
class EntityTimeTest {
    VirtualClock clock = VirtualClock.frozenAt(ZonedDateTime.parse("2026-03-27T12:00+01:00[Europe/Berlin]"));
    SchedulerEngine scheduler = new SchedulerEngine(clock, Runnable::run, new Random(1), Optional::empty);
    Map<String, String> values = new ConcurrentHashMap<>();
    List<ZonedDateTime> runs = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void wireValues() {
        scheduler.entityValues((entity, attribute) -> Optional.ofNullable(values.get(attribute == null ? entity : entity + "." + attribute)));
    }

    private void set(String key, String value) {
        values.put(key, value);
        scheduler.entityChanged(key.contains("#") ? key.substring(0, key.indexOf('#')) : key.startsWith("sun.sun.") ? "sun.sun" : key);
    }

    private JobHandle schedule(String entity, String attribute, Duration offset) {
        return scheduler.runAtEntityTime(entity, attribute, offset, () -> runs.add(clock.zonedNow()),
                JobOptions.builder().name("by-" + entity).build());
    }

    @Test
    void runsAtTheInstantTheEntityHoldsWithItsOffset() {
        values.put("input_datetime.alarm", "2026-03-27 18:30:00");
        JobHandle h = schedule("input_datetime.alarm", null, Duration.ofMinutes(-10));
        assertEquals(ZonedDateTime.parse("2026-03-27T18:20+01:00[Europe/Berlin]"), h.nextRun().orElseThrow());
        clock.advance(Duration.ofHours(7));
        assertEquals(List.of(ZonedDateTime.parse("2026-03-27T18:20+01:00[Europe/Berlin]")), runs);
        assertEquals(JobStatus.WAITING, h.status(), "ran; waits for the entity's next time");
    }

    @Test
    void aChangedValueReplansAndACompletedJobComesBack() {
        values.put("sensor.next_pickup", "2026-03-27T13:00:00+00:00"); // 14:00 in Berlin
        JobHandle h = schedule("sensor.next_pickup", null, Duration.ZERO);
        set("sensor.next_pickup", "2026-03-27T12:30:00+01:00");
        assertEquals(ZonedDateTime.parse("2026-03-27T12:30+01:00[Europe/Berlin]"), h.nextRun().orElseThrow());
        clock.advance(Duration.ofHours(3));
        assertEquals(1, runs.size(), "ran at the changed time only, not also at the old one");
        assertEquals(JobStatus.WAITING, h.status());
        set("sensor.next_pickup", "2026-03-28T08:00:00+01:00");
        assertEquals(JobStatus.SCHEDULED, h.status());
        clock.advance(Duration.ofDays(1));
        assertEquals(List.of(ZonedDateTime.parse("2026-03-27T12:30+01:00[Europe/Berlin]"),
                ZonedDateTime.parse("2026-03-28T08:00+01:00[Europe/Berlin]")), runs);
    }

    @Test
    void aTimeWithoutDateRunsEveryDay() {
        values.put("input_datetime.wake", "06:45:00");
        schedule("input_datetime.wake", null, Duration.ZERO);
        clock.advance(Duration.ofDays(2));
        assertEquals(List.of(ZonedDateTime.parse("2026-03-28T06:45+01:00[Europe/Berlin]"),
                ZonedDateTime.parse("2026-03-29T06:45+02:00[Europe/Berlin]")), runs, "across the DST change too");
    }

    @Test
    void anAttributeCanHoldTheTime() {
        values.put("sun.sun.next_dawn", "2026-03-28T05:10:00+00:00");
        JobHandle h = schedule("sun.sun", "next_dawn", Duration.ofMinutes(5));
        assertEquals(ZonedDateTime.parse("2026-03-28T06:15+01:00[Europe/Berlin]"), h.nextRun().orElseThrow());
    }

    @Test
    void unknownUnavailableAndPastValuesWaitForTheNextChange() {
        JobHandle h = schedule("input_datetime.alarm", null, Duration.ZERO);
        assertEquals(JobStatus.WAITING, h.status(), "no value yet: waiting, not an error");
        assertEquals(List.of(JobStatus.WAITING), scheduler.jobs().stream().map(JobInfo::status).toList(), "listed as waiting");
        set("input_datetime.alarm", "unavailable");
        assertTrue(h.nextRun().isEmpty());
        set("input_datetime.alarm", "2026-03-27 11:00:00");
        assertTrue(h.nextRun().isEmpty(), "a past instant does not run");
        set("input_datetime.alarm", "not a time");
        assertTrue(h.nextRun().isEmpty());
        set("input_datetime.alarm", "2026-03-27 12:05:00");
        clock.advance(Duration.ofMinutes(10));
        assertEquals(1, runs.size());
    }

    @Test
    void cancelledJobsStayCancelledWhenTheEntityChanges() {
        values.put("input_datetime.alarm", "2026-03-27 18:30:00");
        JobHandle h = schedule("input_datetime.alarm", null, Duration.ZERO);
        h.cancel();
        set("input_datetime.alarm", "2026-03-27 12:05:00");
        clock.advance(Duration.ofHours(1));
        assertTrue(runs.isEmpty());
        assertEquals(JobStatus.CANCELLED, h.status());
    }

    @Test
    void aBadEntityIdIsRefusedAtRegistration() {
        InvalidScheduleException e = assertThrows(InvalidScheduleException.class, () -> schedule("Alarm Clock", null, Duration.ZERO));
        assertTrue(e.getMessage().contains("Alarm Clock"), e.getMessage());
    }
}
