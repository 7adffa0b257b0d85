package org.hassette.simulator.internal;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * Timestamps as Home Assistant writes them. Every time is held as epoch microseconds (Python's
 * datetime resolution); {@link #iso} is {@code datetime.isoformat()} of a UTC datetime: six
 * fractional digits, the fraction dropped when it is zero, and {@code +00:00}.
 */
public final class PyTime {

    private PyTime() {
    }

    public static long nowMicros(Clock clock) {
        Instant i = clock.instant();
        return i.getEpochSecond() * 1_000_000L + i.getNano() / 1_000;
    }

    public static Instant toInstant(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
    }

    public static long toMicros(Instant i) {
        return i.getEpochSecond() * 1_000_000L + i.getNano() / 1_000;
    }

    /** {@code datetime.timestamp()}: seconds since the epoch as a float. */
    public static double epochSeconds(long micros) {
        return micros / 1e6;
    }

    public static String iso(long micros) {
        long secs = Math.floorDiv(micros, 1_000_000L);
        int frac = (int) Math.floorMod(micros, 1_000_000L);
        LocalDateTime t = LocalDateTime.ofEpochSecond(secs, 0, ZoneOffset.UTC);
        StringBuilder sb = new StringBuilder(32);
        int y = t.getYear();
        pad(sb, y, 4);
        sb.append('-');
        pad(sb, t.getMonthValue(), 2);
        sb.append('-');
        pad(sb, t.getDayOfMonth(), 2);
        sb.append('T');
        pad(sb, t.getHour(), 2);
        sb.append(':');
        pad(sb, t.getMinute(), 2);
        sb.append(':');
        pad(sb, t.getSecond(), 2);
        if (frac != 0) {
            sb.append('.');
            pad(sb, frac, 6);
        }
        sb.append("+00:00");
        return sb.toString();
    }

    private static void pad(StringBuilder sb, int v, int width) {
        String s = Integer.toString(v);
        for (int i = s.length(); i < width; i++) {
            sb.append('0');
        }
        sb.append(s);
    }

    /**
     * Parses the datetimes HA accepts in URLs and service data: ISO 8601 with or without offset,
     * {@code Z}, a space instead of {@code T} or {@code +} (query strings turn {@code +} into a space),
     * or a bare date. A time without offset is in {@code zone}, as HA's {@code dt_util.parse_datetime}
     * followed by {@code as_utc} treats it.
     *
     * @return epoch micros, or {@code null} if the text is not a datetime
     */
    public static Long parse(String text, ZoneId zone) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String s = text.trim();
        // "2025-11-16 21:58:12 00:00": a '+' decoded to a space in a query string
        if (s.length() > 19 && s.charAt(s.length() - 6) == ' ') {
            s = s.substring(0, s.length() - 6) + "+" + s.substring(s.length() - 5);
        }
        if (s.length() > 10 && s.charAt(10) == ' ') {
            s = s.substring(0, 10) + "T" + s.substring(11);
        }
        try {
            return toMicros(OffsetDateTime.parse(s).toInstant());
        } catch (DateTimeParseException e) {
            // fall through
        }
        try {
            return toMicros(LocalDateTime.parse(s).atZone(zone).toInstant());
        } catch (DateTimeParseException e) {
            // fall through
        }
        try {
            return toMicros(LocalDate.parse(s).atStartOfDay(zone).toInstant());
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
