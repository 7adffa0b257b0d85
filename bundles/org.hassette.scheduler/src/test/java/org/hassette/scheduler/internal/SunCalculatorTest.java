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

    /**
     * Civil dawn and dusk (sun 6° below the horizon) and sunrise/sunset, against the NOAA Solar
     * Calculator equations (NOAA Global Monitoring Laboratory's spreadsheet, after Meeus: declination
     * and equation of time, zenith 96° for civil twilight and 90.833° for rise and set), evaluated
     * independently of commons-suncalc and iterated at the event time; rounded to the second here.
     * Includes the southern hemisphere (Sydney, Cape Town), a high latitude (Tromsø at the equinox)
     * and DST-change days (Sydney 2026-04-05 and 2026-10-04, Berlin 2026-03-29 and 2026-10-25).
     * Tolerance ±2 minutes. Reproduce with {@code src/test/noaa/noaa_sun.py}.
     */
    @ParameterizedTest(name = "{0} {2} {3}")
    @CsvSource({
        "sydney,    Australia/Sydney,    2026-06-21, DAWN,    06:32:13",
        "sydney,    Australia/Sydney,    2026-06-21, DUSK,    17:21:33",
        "sydney,    Australia/Sydney,    2026-12-21, DAWN,    05:11:28",
        "sydney,    Australia/Sydney,    2026-12-21, DUSK,    20:34:35",
        "sydney,    Australia/Sydney,    2026-04-05, DAWN,    05:44:59",
        "sydney,    Australia/Sydney,    2026-04-05, DUSK,    18:10:23",
        "sydney,    Australia/Sydney,    2026-10-04, DAWN,    06:03:41",
        "sydney,    Australia/Sydney,    2026-10-04, DUSK,    19:24:56",
        "cape-town, Africa/Johannesburg, 2026-06-21, DAWN,    07:23:34",
        "cape-town, Africa/Johannesburg, 2026-06-21, DUSK,    18:12:39",
        "tromso,    Europe/Oslo,         2026-03-21, DAWN,    04:39:01",
        "tromso,    Europe/Oslo,         2026-03-21, DUSK,    19:06:20",
        "berlin,    Europe/Berlin,       2026-03-29, DAWN,    06:13:34",
        "berlin,    Europe/Berlin,       2026-03-29, DUSK,    20:09:53",
        "berlin,    Europe/Berlin,       2026-10-25, DAWN,    06:14:18",
        "berlin,    Europe/Berlin,       2026-10-25, DUSK,    17:25:40",
        "munich,    Europe/Berlin,       2018-05-01, SUNRISE, 05:55:34",
        "munich,    Europe/Berlin,       2018-05-01, SUNSET,  20:26:57",
    })
    void matchesNoaaValues(String place, String zone, String date, SunEvent event, String noaa) {
        ZoneId z = ZoneId.of(zone);
        LocalDate day = LocalDate.parse(date);
        ZonedDateTime computed = SunCalculator.on(event, day, z, PLACES.get(place)).orElseThrow();
        ZonedDateTime expected = day.atTime(java.time.LocalTime.parse(noaa)).atZone(z);
        long seconds = Math.abs(Duration.between(expected, computed).toSeconds());
        assertTrue(seconds <= 120, event + " at " + place + " on " + date + ": computed " + computed + ", NOAA " + expected);
    }

    static final Location SYDNEY = new Location(-33.8688, 151.2093, 0);
    static final Location TROMSO = new Location(69.6492, 18.9553, 0);
    static final java.util.Map<String, Location> PLACES = java.util.Map.of("sydney", SYDNEY, "tromso", TROMSO,
            "cape-town", new Location(-33.9249, 18.4241, 0), "berlin", new Location(52.52, 13.405, 0), "munich", MUNICH);

    @Test
    void midnightSunHasNoSunsetAndPolarNightNoSunriseButCivilTwilight() {
        ZoneId oslo = ZoneId.of("Europe/Oslo");
        // NOAA: in Tromsø the sun does not set from late May to late July and does not rise from late November to mid January
        assertTrue(SunCalculator.on(SunEvent.SUNSET, LocalDate.of(2026, 6, 21), oslo, TROMSO).isEmpty());
        assertTrue(SunCalculator.on(SunEvent.SUNRISE, LocalDate.of(2026, 6, 21), oslo, TROMSO).isEmpty());
        assertTrue(SunCalculator.on(SunEvent.SUNRISE, LocalDate.of(2026, 12, 21), oslo, TROMSO).isEmpty());
        // but civil twilight happens at midwinter noon (NOAA: dawn 09:31, dusk 13:53); ±5 minutes here because the sun
        // crosses -6° at a grazing angle at 70°N, where a small difference in altitude is minutes of time
        ZonedDateTime dawn = SunCalculator.on(SunEvent.DAWN, LocalDate.of(2026, 12, 21), oslo, TROMSO).orElseThrow();
        ZonedDateTime dusk = SunCalculator.on(SunEvent.DUSK, LocalDate.of(2026, 12, 21), oslo, TROMSO).orElseThrow();
        assertTrue(Math.abs(Duration.between(ZonedDateTime.parse("2026-12-21T09:31:13+01:00[Europe/Oslo]"), dawn).toMinutes()) <= 5, dawn.toString());
        assertTrue(Math.abs(Duration.between(ZonedDateTime.parse("2026-12-21T13:53:13+01:00[Europe/Oslo]"), dusk).toMinutes()) <= 5, dusk.toString());
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
