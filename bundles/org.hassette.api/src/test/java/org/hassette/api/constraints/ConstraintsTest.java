package org.hassette.api.constraints;

import static org.hassette.api.constraints.Constraints.*;
import static org.junit.jupiter.api.Assertions.*;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hassette.api.constraints.ConstraintContext.SunTimes;
import org.hassette.api.ha.EntityState;
import org.hassette.api.scheduler.SunEvent;
import org.hassette.api.scheduler.VirtualClock;
import org.junit.jupiter.api.Test;

/** Every factory and combinator, in virtual time, with fixed sun times and states. */
class ConstraintsTest {
    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    // Saturday 2026-03-28, the night before the switch to summer time
    VirtualClock clock = VirtualClock.frozenAt(ZonedDateTime.parse("2026-03-28T12:00+01:00[Europe/Berlin]"));
    List<EntityState> states = new ArrayList<>();
    /** Fixed sun times for 2026-03-28 in Berlin: sunrise 06:00, sunset 18:40. */
    SunTimes sun = (event, date) -> switch (event) {
        case SUNRISE -> Optional.of(date.atTime(6, 0).atZone(BERLIN));
        case SUNSET -> Optional.of(date.atTime(18, 40).atZone(BERLIN));
        default -> Optional.empty();
    };

    ConstraintContext ctx() {
        return ConstraintContext.of(clock, sun, states);
    }

    void at(String localTime) {
        clock.advanceTo(clock.zonedNow().toLocalDate().atTime(LocalTime.parse(localTime)).atZone(BERLIN));
    }

    static EntityState state(String id, String state) {
        return new EntityState(id, state, Map.of(), null, null, null);
    }

    @Test
    void windowInsideAndOutside() {
        Constraint work = between(LocalTime.of(9, 0), LocalTime.of(17, 0));
        Verdict v = work.check(ctx());
        assertTrue(v.allowed());
        assertEquals("between 09:00–17:00: inside 09:00–17:00 (now 12:00)", v.message());
        at("17:00"); // the end is excluded
        v = work.check(ctx());
        assertFalse(v.allowed());
        assertEquals("outside 09:00–17:00 (now 17:00)", v.detail());
    }

    @Test
    void windowCrossingMidnight() {
        Constraint quiet = between(LocalTime.of(22, 0), LocalTime.of(7, 0)).named("quiet-hours");
        assertFalse(quiet.check(ctx()).allowed());
        assertEquals("quiet-hours: outside 22:00–07:00 (now 12:00)", quiet.check(ctx()).message());
        at("23:14");
        assertEquals(Verdict.allow("quiet-hours", "inside 22:00–07:00 (now 23:14)"), quiet.check(ctx()));
        clock.advance(Duration.ofHours(6)); // 06:14 next day (clocks went forward at 02:00)
        assertEquals("inside 22:00–07:00 (now 06:14)", quiet.check(ctx()).detail());
        clock.advance(Duration.ofMinutes(46)); // 07:00
        assertFalse(quiet.check(ctx()).allowed());
    }

    @Test
    void sunRelativeWindowWithFixedSunTimes() {
        Constraint dark = between(SunEvent.SUNSET.plus(Duration.ofMinutes(30)), SunEvent.SUNRISE);
        assertEquals("between sunset + 30 min–sunrise", dark.name());
        at("19:00");
        Verdict v = dark.check(ctx());
        assertFalse(v.allowed());
        assertEquals("outside sunset + 30 min–sunrise = 19:10–06:00 (now 19:00)", v.detail());
        at("19:10");
        assertTrue(dark.check(ctx()).allowed());
        clock.advance(Duration.ofHours(9)); // 05:10 on Sunday (DST began at 02:00)
        assertEquals(LocalTime.of(5, 10), clock.zonedNow().toLocalTime());
        assertTrue(dark.check(ctx()).allowed());
        at("06:00");
        assertFalse(dark.check(ctx()).allowed());
    }

    @Test
    void sunRelativeWindowWithoutSunTimesSaysWhy() {
        Constraint dusk = between(SunEvent.DUSK, LocalTime.of(23, 0));
        Verdict v = dusk.check(ctx());
        assertFalse(v.allowed());
        assertEquals("no dusk time known for 2026-03-28 (no location, or the sun does not rise/set)", v.detail());
        assertFalse(dusk.check(ConstraintContext.of(clock, SunTimes.none(), states)).allowed());
    }

    @Test
    void daysOfWeek() {
        Verdict v = weekdays().check(ctx());
        assertFalse(v.allowed());
        assertEquals("weekdays: today is sat, not one of mon,tue,wed,thu,fri", v.message());
        assertTrue(weekend().check(ctx()).allowed());
        Constraint sunday = onDays(DayOfWeek.SUNDAY);
        assertFalse(sunday.check(ctx()).allowed());
        at("23:59");
        clock.advance(Duration.ofMinutes(1)); // Sunday 00:00
        assertEquals("today is sun, one of sun", sunday.check(ctx()).detail());
        assertTrue(sunday.check(ctx()).allowed());
    }

    @Test
    void entityState() {
        states.add(state("input_boolean.vacation", "off"));
        Constraint home = entityIs("input_boolean.vacation", "off");
        assertEquals(Verdict.allow("input_boolean.vacation is off", "input_boolean.vacation is off"), home.check(ctx()));
        states.set(0, state("input_boolean.vacation", "on"));
        assertEquals("input_boolean.vacation is on, not off", home.check(ctx()).detail());
        assertFalse(home.check(ctx()).allowed());

        Constraint mode = entityIn("input_select.mode", "day", "evening");
        states.add(state("input_select.mode", "night"));
        assertEquals("input_select.mode is night, not one of [day, evening]", mode.check(ctx()).detail());
        states.set(1, state("input_select.mode", "evening"));
        assertTrue(mode.check(ctx()).allowed());
    }

    @Test
    void unknownEntityAndMissingStatesSayWhy() {
        Verdict v = entityIs("input_boolean.nope", "on").check(ctx());
        assertFalse(v.allowed());
        assertEquals("input_boolean.nope is unknown (no such entity)", v.detail());
        ConstraintContext noCache = ConstraintContext.of(clock, sun, () -> null);
        assertEquals("entity states are not available (state cache not synced)",
                entityIs("input_boolean.vacation", "off").check(noCache).detail());
        assertFalse(anyoneHome().check(noCache).allowed());
        assertFalse(noOneHome().check(noCache).allowed());
    }

    @Test
    void presenceFromPersons() {
        states.add(state("person.alice", "home"));
        states.add(state("person.bob", "work"));
        states.add(state("device_tracker.phone", "not_home")); // ignored: persons exist
        assertTrue(anyoneHome().check(ctx()).allowed());
        Verdict all = everyoneHome().check(ctx());
        assertFalse(all.allowed());
        assertEquals("everyone home: home: person.alice; away: person.bob", all.message());
        assertFalse(noOneHome().check(ctx()).allowed());

        states.set(0, state("person.alice", "not_home"));
        assertFalse(anyoneHome().check(ctx()).allowed());
        assertTrue(noOneHome().check(ctx()).allowed());
        states.set(0, state("person.alice", "home"));
        states.set(1, state("person.bob", "home"));
        assertTrue(everyoneHome().check(ctx()).allowed());
    }

    @Test
    void presenceFallsBackToDeviceTrackersAndHandlesNobodyTracked() {
        assertEquals("anyone home: no person or device_tracker entities", anyoneHome().check(ctx()).message());
        assertFalse(everyoneHome().check(ctx()).allowed());
        assertTrue(noOneHome().check(ctx()).allowed());
        states.add(state("device_tracker.phone", "home"));
        assertTrue(anyoneHome().check(ctx()).allowed());
        assertTrue(everyoneHome().check(ctx()).allowed());
    }

    @Test
    void combinatorsNameTheConstraintThatSaidNo() {
        states.add(state("input_boolean.vacation", "on"));
        Constraint quiet = between(LocalTime.of(22, 0), LocalTime.of(7, 0)).named("quiet-hours");
        Constraint vacation = entityIs("input_boolean.vacation", "off").named("not-on-vacation");

        Constraint both = allOf(weekend(), vacation, quiet);
        Verdict v = both.check(ctx());
        assertFalse(v.allowed());
        assertEquals("(weekend and not-on-vacation and quiet-hours)", v.constraint());
        assertEquals("not-on-vacation: input_boolean.vacation is on, not off", v.detail());

        Verdict any = anyOf(vacation, quiet).named("either").check(ctx());
        assertFalse(any.allowed());
        assertEquals("either: none held: not-on-vacation: input_boolean.vacation is on, not off; "
                + "quiet-hours: outside 22:00–07:00 (now 12:00)", any.message());
        assertTrue(anyOf(vacation, weekend()).check(ctx()).allowed());

        Verdict notQuiet = not(quiet).check(ctx());
        assertTrue(notQuiet.allowed());
        at("23:14");
        notQuiet = not(quiet).check(ctx());
        assertFalse(notQuiet.allowed());
        assertEquals("not quiet-hours: quiet-hours: inside 22:00–07:00 (now 23:14)", notQuiet.message());
        assertTrue(allOf(weekend(), quiet).check(ctx()).allowed());
    }

    @Test
    void theReadmeExampleSaysWhatTheReadmeSays() {
        states.add(state("person.alice", "home"));
        Constraint quiet = between(LocalTime.of(22, 0), LocalTime.of(7, 0)).named("quiet-hours");
        Constraint awake = allOf(not(quiet), anyoneHome()).named("awake-and-home");
        assertTrue(awake.check(ctx()).allowed());
        at("23:14");
        assertEquals("awake-and-home: not quiet-hours: quiet-hours: inside 22:00–07:00 (now 23:14)", awake.check(ctx()).message());
    }

    @Test
    void customPredicateWithAName() {
        Constraint even = Constraint.of("even minute", c -> c.zonedNow().getMinute() % 2 == 0);
        assertEquals(Verdict.allow("even minute", "held"), even.check(ctx()));
        clock.advance(Duration.ofMinutes(1));
        assertEquals("even minute: said no", even.check(ctx()).message());
        assertThrows(IllegalArgumentException.class, () -> Constraint.of(" ", c -> true));
        assertThrows(IllegalArgumentException.class, () -> allOf());
    }

    @Test
    void contextReadsClockZoneAndDate() {
        ConstraintContext c = ctx();
        assertEquals(BERLIN, c.zone());
        assertEquals(clock.now(), c.now());
        assertEquals(LocalDate.of(2026, 3, 28), c.zonedNow().toLocalDate());
        assertEquals("sunset - 15 min", SunEvent.SUNSET.minus(Duration.ofMinutes(15)).toString());
    }
}
