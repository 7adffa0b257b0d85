package org.hassette.scheduler.internal;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.hassette.api.scheduler.Location;
import org.hassette.api.scheduler.SunEvent;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Against published sunrise/sunset tables (timeanddate.com), within ±2 minutes. */
class SunCalculatorTest {
    static final Location MUNICH = new Location(48.1372, 11.5761, 0);
    static final Location NEW_YORK = new Location(40.7128, -74.0060, 0);

    @ParameterizedTest(name = "{0} {1} {2} {3}")
    @CsvSource({
        "munich,   Europe/Berlin,    2018-05-01, SUNRISE, 05:56",
        "munich,   Europe/Berlin,    2018-05-01, SUNSET,  20:27",
        "munich,   Europe/Berlin,    2018-05-15, SUNRISE, 05:35",
        "munich,   Europe/Berlin,    2018-05-15, SUNSET,  20:46",
        "munich,   Europe/Berlin,    2022-02-22, SUNRISE, 07:08",
        "munich,   Europe/Berlin,    2022-02-22, SUNSET,  17:47",
        "new-york, America/New_York, 2026-06-21, SUNRISE, 05:25",
        "new-york, America/New_York, 2026-06-21, SUNSET,  20:31",
        "new-york, America/New_York, 2026-12-21, SUNRISE, 07:17",
        "new-york, America/New_York, 2026-12-21, SUNSET,  16:32",
    })
    void matchesPublishedTimes(String place, String zone, String date, SunEvent event, String published) {
        Location where = place.equals("munich") ? MUNICH : NEW_YORK;
        ZoneId z = ZoneId.of(zone);
        LocalDate day = LocalDate.parse(date);
        ZonedDateTime computed = SunCalculator.on(event, day, z, where).orElseThrow();
        ZonedDateTime expected = day.atTime(java.time.LocalTime.parse(published)).atZone(z);
        long minutes = Math.abs(Duration.between(expected, computed).toSeconds()) / 60;
        assertTrue(minutes <= 2, event + " at " + place + " on " + date + ": computed " + computed + ", published " + published);
    }

    @Test
    void civilTwilightBracketsTheDay() {
        ZoneId z = ZoneId.of("Europe/Berlin");
        LocalDate day = LocalDate.of(2026, 3, 29);
        ZonedDateTime dawn = SunCalculator.on(SunEvent.DAWN, day, z, MUNICH).orElseThrow();
        ZonedDateTime rise = SunCalculator.on(SunEvent.SUNRISE, day, z, MUNICH).orElseThrow();
        ZonedDateTime set = SunCalculator.on(SunEvent.SUNSET, day, z, MUNICH).orElseThrow();
        ZonedDateTime dusk = SunCalculator.on(SunEvent.DUSK, day, z, MUNICH).orElseThrow();
        assertTrue(dawn.isBefore(rise) && rise.isBefore(set) && set.isBefore(dusk), dawn + " " + rise + " " + set + " " + dusk);
        long civilMinutes = Duration.between(dawn, rise).toMinutes();
        assertTrue(civilMinutes >= 25 && civilMinutes <= 45, "civil twilight at 48°N lasts about half an hour: " + civilMinutes);
    }

    @Test
    void polarNightHasNoSunrise() {
        Location tromso = new Location(69.6492, 18.9553, 0);
        assertTrue(SunCalculator.on(SunEvent.SUNRISE, LocalDate.of(2026, 12, 21), ZoneId.of("Europe/Oslo"), tromso).isEmpty());
    }
}
