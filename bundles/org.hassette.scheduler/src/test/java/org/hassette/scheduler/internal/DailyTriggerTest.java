package org.hassette.scheduler.internal;

import static org.junit.jupiter.api.Assertions.*;

import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

class DailyTriggerTest {
    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    @Test
    void berlinSpringForwardRunsAtTheTransitionThenAtTheUsualTime() {
        DailyTrigger t = new DailyTrigger(LocalTime.of(2, 30), BERLIN);
        ZonedDateTime a = t.next(ZonedDateTime.parse("2026-03-28T02:30+01:00[Europe/Berlin]"));
        assertEquals(ZonedDateTime.parse("2026-03-29T03:00+02:00[Europe/Berlin]"), a);
        assertEquals(ZonedDateTime.parse("2026-03-30T02:30+02:00[Europe/Berlin]"), t.next(a));
    }

    @Test
    void berlinFallBackRunsOnce() {
        DailyTrigger t = new DailyTrigger(LocalTime.of(2, 30), BERLIN);
        ZonedDateTime a = t.next(ZonedDateTime.parse("2026-10-24T02:30+02:00[Europe/Berlin]"));
        assertEquals("2026-10-25T00:30:00Z", a.toInstant().toString()); // the first 02:30 (CEST)
        ZonedDateTime b = t.next(a);
        assertEquals("2026-10-26T01:30:00Z", b.toInstant().toString()); // not the second 02:30 (CET) the same day
    }

    @Test
    void newYorkSpringForwardAndFallBack() {
        DailyTrigger t = new DailyTrigger(LocalTime.of(2, 15), NEW_YORK);
        // 2026-03-08: 02:00 EST -> 03:00 EDT
        assertEquals(ZonedDateTime.parse("2026-03-08T03:00-04:00[America/New_York]"),
                t.next(ZonedDateTime.parse("2026-03-07T12:00-05:00[America/New_York]")));
        // 2026-11-01: 02:00 EDT -> 01:00 EST; 01:30 twice, 02:15 once
        DailyTrigger early = new DailyTrigger(LocalTime.of(1, 30), NEW_YORK);
        ZonedDateTime first = early.next(ZonedDateTime.parse("2026-10-31T12:00-04:00[America/New_York]"));
        assertEquals("2026-11-01T05:30:00Z", first.toInstant().toString());
        assertEquals("2026-11-02T06:30:00Z", early.next(first).toInstant().toString());
    }

    @Test
    void ordinaryDaysAreTwentyFourHoursApartInWallTime() {
        DailyTrigger t = new DailyTrigger(LocalTime.of(7, 0), BERLIN);
        ZonedDateTime a = t.first(ZonedDateTime.parse("2026-06-01T07:00+02:00[Europe/Berlin]"));
        assertEquals(ZonedDateTime.parse("2026-06-01T07:00+02:00[Europe/Berlin]"), a, "a time equal to now runs now");
        assertEquals(ZonedDateTime.parse("2026-06-02T07:00+02:00[Europe/Berlin]"), t.next(a));
    }
}
