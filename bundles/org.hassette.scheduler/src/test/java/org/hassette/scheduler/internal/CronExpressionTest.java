package org.hassette.scheduler.internal;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.time.ZonedDateTime;
import org.hassette.api.scheduler.InvalidScheduleException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CronExpressionTest {
    static final ZoneId UTC = ZoneId.of("UTC");
    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    static ZonedDateTime next(String expr, String after, ZoneId zone) {
        return CronExpression.parse(expr, zone).next(ZonedDateTime.parse(after).withZoneSameInstant(zone));
    }

    @ParameterizedTest(name = "{0} after {1} is {2}")
    @CsvSource(delimiter = '|', value = {
        "*/15 * * * *      | 2026-01-01T10:07:00Z | 2026-01-01T10:15Z",
        "0 7 * * MON-FRI   | 2026-01-02T07:00:00Z | 2026-01-05T07:00Z",   // Fri 07:00 -> Mon
        "0 0 L * *         | 2026-02-10T00:00:00Z | 2026-02-28T00:00Z",   // last day, not leap
        "0 0 L * *         | 2028-02-10T00:00:00Z | 2028-02-29T00:00Z",   // last day, leap year
        "0 0 29 2 *        | 2026-03-01T00:00:00Z | 2028-02-29T00:00Z",   // Feb 29 waits for a leap year
        "0 0 29 2 ?        | 2096-03-01T00:00:00Z | 2104-02-29T00:00Z",   // 2100 is no leap year
        "30 * * * * *      | 2026-01-01T10:00:30Z | 2026-01-01T10:01:30Z", // six fields, seconds first
        "0 12 1 JAN,jul *  | 2026-02-01T00:00:00Z | 2026-07-01T12:00Z",
        "0 0 * * 7         | 2026-01-01T00:00:00Z | 2026-01-04T00:00Z",   // 7 is Sunday
        "0 0 13 * FRI      | 2026-01-01T00:00:00Z | 2026-01-02T00:00Z",   // both day fields: either matches
        "0 9-17/4 * * *    | 2026-01-01T09:00:00Z | 2026-01-01T13:00Z",
        "@daily            | 2026-01-01T00:00:00Z | 2026-01-02T00:00Z",
        "@hourly           | 2026-01-01T00:30:00Z | 2026-01-01T01:00Z",
    })
    void nextRun(String expr, String after, String expected) {
        assertEquals(ZonedDateTime.parse(expected).toInstant(), next(expr.strip(), after, UTC).toInstant());
    }

    @ParameterizedTest(name = "''{0}'' fails at {1}")
    @CsvSource(delimiter = '|', value = {
        "0 25 * * *        | 3",   // hour out of range
        "0 7 * * MON-FOO   | 13",  // bad day name: points at the bad token
        "*/0 * * * *       | 3",   // zero step
        "0 0 30 2 *        | 5",   // Feb 30 never fires: points at day-of-month
        "0 0 31 4,6,9,11 * | 5",
        "* * * *           | 8",   // too few fields: position after the end
        "0 0 0 * * * *     | 13",  // seven fields: points at the extra one
        "0 0 * * 1#2       | 10",  // unsupported syntax: points at the #
        "5-1 * * * *       | 3",   // backwards range
        "0 L * * *         | 3",   // L outside day-of-month
        "@sometimes        | 1",
        "0 0 ,5 * *        | 5",
        "61 * * * *        | 1",
    })
    void badExpressionsFailWithExpressionAndPosition(String expr, int position) {
        InvalidScheduleException e = assertThrows(InvalidScheduleException.class, () -> CronExpression.parse(expr.strip(), UTC));
        assertEquals(position, e.position(), e.getMessage());
        assertTrue(e.getMessage().contains("'" + expr.strip() + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("position " + position), e.getMessage());
    }

    @Test
    void springForwardRunsTheMissingTimeAtTheTransition() {
        // Berlin 2026-03-29: 02:00 -> 03:00; 02:30 does not exist
        ZonedDateTime run = next("30 2 * * *", "2026-03-29T00:00:00+01:00", BERLIN);
        assertEquals(ZonedDateTime.parse("2026-03-29T03:00+02:00[Europe/Berlin]"), run);
        assertEquals(ZonedDateTime.parse("2026-03-30T02:30+02:00[Europe/Berlin]"), CronExpression.parse("30 2 * * *", BERLIN).next(run));
    }

    @Test
    void fallBackRunsTheRepeatedTimeOnce() {
        // Berlin 2026-10-25: 03:00 CEST -> 02:00 CET; 02:30 happens twice
        CronExpression cron = CronExpression.parse("30 2 * * *", BERLIN);
        ZonedDateTime first = cron.next(ZonedDateTime.parse("2026-10-25T00:00+02:00[Europe/Berlin]"));
        assertEquals(ZonedDateTime.parse("2026-10-25T02:30+02:00[Europe/Berlin]").toInstant(), first.toInstant());
        assertEquals(ZonedDateTime.parse("2026-10-26T02:30+01:00[Europe/Berlin]").toInstant(), cron.next(first).toInstant());
    }

    /** All runs of {@code expr} in (from, until], as instants with their offsets. */
    static List<String> runs(String expr, String from, String until, ZoneId zone) {
        CronExpression cron = CronExpression.parse(expr, zone);
        List<String> out = new java.util.ArrayList<>();
        ZonedDateTime end = ZonedDateTime.parse(until).withZoneSameInstant(zone);
        for (ZonedDateTime t = cron.next(ZonedDateTime.parse(from).withZoneSameInstant(zone)); !t.isAfter(end); t = cron.next(t)) {
            out.add(t.toOffsetDateTime().toString());
            if (out.size() > 1000) {
                throw new AssertionError("runaway: " + out.subList(0, 10));
            }
        }
        return out;
    }

    @Test
    void hourlyCronRunsInBothOffsetsOfTheRepeatedFallBackHour() {
        // Berlin 2026-10-25: 03:00 CEST -> 02:00 CET; wall times 02:00-02:59 happen twice
        assertEquals(List.of("2026-10-25T01:00+02:00", "2026-10-25T02:00+02:00", "2026-10-25T02:00+01:00",
                "2026-10-25T03:00+01:00", "2026-10-25T04:00+01:00"),
                runs("0 * * * *", "2026-10-25T00:30+02:00", "2026-10-25T04:00+01:00", BERLIN));
        assertEquals(runs("0 * * * *", "2026-10-25T00:30+02:00", "2026-10-25T04:00+01:00", BERLIN),
                runs("@hourly", "2026-10-25T00:30+02:00", "2026-10-25T04:00+01:00", BERLIN));
    }

    @Test
    void quarterHourCronKeepsItsSpacingAcrossFallBack() {
        List<String> r = runs("*/15 * * * *", "2026-10-25T01:50+02:00", "2026-10-25T03:10+01:00", BERLIN);
        assertEquals(List.of("2026-10-25T02:00+02:00", "2026-10-25T02:15+02:00", "2026-10-25T02:30+02:00", "2026-10-25T02:45+02:00",
                "2026-10-25T02:00+01:00", "2026-10-25T02:15+01:00", "2026-10-25T02:30+01:00", "2026-10-25T02:45+01:00",
                "2026-10-25T03:00+01:00"), r);
        assertEveryGap(r, Duration.ofMinutes(15));
    }

    @Test
    void subDailyCronSkipsTheMissingSpringForwardHour() {
        // Berlin 2026-03-29: 02:00 CET -> 03:00 CEST; no wall time 02:xx exists, so nothing matches it
        List<String> quarter = runs("*/15 * * * *", "2026-03-29T01:20+01:00", "2026-03-29T03:30+02:00", BERLIN);
        assertEquals(List.of("2026-03-29T01:30+01:00", "2026-03-29T01:45+01:00", "2026-03-29T03:00+02:00",
                "2026-03-29T03:15+02:00", "2026-03-29T03:30+02:00"), quarter);
        assertEveryGap(quarter, Duration.ofMinutes(15));
        assertEquals(List.of("2026-03-29T01:30+01:00", "2026-03-29T03:30+02:00", "2026-03-29T04:30+02:00"),
                runs("30 * * * *", "2026-03-29T01:00+01:00", "2026-03-29T04:30+02:00", BERLIN),
                "no extra run at the transition: 03:00 does not match minute 30");
        assertEquals(List.of("2026-03-29T01:00+01:00", "2026-03-29T03:00+02:00", "2026-03-29T04:00+02:00"),
                runs("0 * * * *", "2026-03-29T00:30+01:00", "2026-03-29T04:00+02:00", BERLIN));
    }

    @Test
    void fixedHourCronKeepsTheDailyRuleAcrossBothChanges() {
        // a fixed time of day runs once on the fall-back day, and at the transition on the spring-forward day
        assertEquals(List.of("2026-10-25T02:30+02:00", "2026-10-26T02:30+01:00"),
                runs("30 2 * * *", "2026-10-25T00:00+02:00", "2026-10-26T03:00+01:00", BERLIN));
        assertEquals(List.of("2026-10-25T02:00+02:00", "2026-10-25T03:00+01:00"),
                runs("0 2-3 * * *", "2026-10-25T00:00+02:00", "2026-10-25T12:00+01:00", BERLIN));
        assertEquals(List.of("2026-03-29T03:00+02:00", "2026-03-30T02:30+02:00"),
                runs("30 2 * * *", "2026-03-29T00:00+01:00", "2026-03-30T03:00+02:00", BERLIN));
    }

    @Test
    void secondsWildcardAcrossFallBackVisitsBothOffsets() {
        List<String> r = runs("*/20 59 2 * * *", "2026-10-25T02:58+02:00", "2026-10-25T03:00+01:00", BERLIN);
        assertEquals(List.of("2026-10-25T02:59+02:00", "2026-10-25T02:59:20+02:00", "2026-10-25T02:59:40+02:00",
                "2026-10-25T02:59+01:00", "2026-10-25T02:59:20+01:00", "2026-10-25T02:59:40+01:00"), r);
    }

    static void assertEveryGap(List<String> runs, Duration gap) {
        for (int i = 1; i < runs.size(); i++) {
            assertEquals(gap, Duration.between(java.time.OffsetDateTime.parse(runs.get(i - 1)), java.time.OffsetDateTime.parse(runs.get(i))),
                    runs.get(i - 1) + " -> " + runs.get(i));
        }
    }

    @Test
    void impossibleWeekdayOfFeb29StillTerminates() {
        // Feb 29 and only Feb 29 (day-of-week '?'): found within the bounded search
        assertNotNull(CronExpression.parse("0 0 29 2 ?", UTC).next(ZonedDateTime.parse("2026-01-01T00:00Z")));
    }
}
