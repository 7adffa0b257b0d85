package org.hassette.scheduler.internal;

import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.Month;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.ZoneOffset;
import java.util.BitSet;
import java.util.Locale;
import java.util.Map;
import org.hassette.api.scheduler.InvalidScheduleException;

/**
 * A parsed cron expression (5 or 6 fields) and its trigger. Written here rather than taken from a
 * library because the cron library we tried needs {@code javax.validation} at run time in OSGi and
 * does not report error positions; this one is small, bounded and reports the exact position.
 */
final class CronExpression implements Trigger {
    /** Longest search for the next run: 28 years cover every calendar pattern (weekday of Feb 29). */
    static final int MAX_DAYS = 28 * 366;

    private static final Map<String, String> MACROS = Map.of(
            "@yearly", "0 0 1 1 *", "@annually", "0 0 1 1 *", "@monthly", "0 0 1 * *",
            "@weekly", "0 0 * * 0", "@daily", "0 0 * * *", "@midnight", "0 0 * * *", "@hourly", "0 * * * *");
    private static final String[] MONTHS = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
    private static final String[] DAYS = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

    private enum Field {
        SECOND("second", 0, 59), MINUTE("minute", 0, 59), HOUR("hour", 0, 23),
        DAY_OF_MONTH("day-of-month", 1, 31), MONTH("month", 1, 12), DAY_OF_WEEK("day-of-week", 0, 7);

        final String label;
        final int min;
        final int max;

        Field(String label, int min, int max) {
            this.label = label;
            this.min = min;
            this.max = max;
        }
    }

    private final String expression;
    private final ZoneId zone;
    private final BitSet seconds = new BitSet(60);
    private final BitSet minutes = new BitSet(60);
    private final BitSet hours = new BitSet(24);
    private final BitSet daysOfMonth = new BitSet(32);
    private final BitSet months = new BitSet(13);
    private final BitSet daysOfWeek = new BitSet(7);
    private boolean lastDayOfMonth;
    private boolean domAny;
    private boolean dowAny;

    private CronExpression(String expression, ZoneId zone) {
        this.expression = expression;
        this.zone = zone;
    }

    /**
     * Parses {@code expression}.
     *
     * @throws InvalidScheduleException naming the expression and the 1-based position of the error
     */
    static CronExpression parse(String expression, ZoneId zone) {
        if (expression == null) {
            throw new InvalidScheduleException("null", 0, "a cron expression is required");
        }
        CronExpression cron = new CronExpression(expression, zone);
        String text = expression;
        String trimmed = expression.strip();
        if (trimmed.startsWith("@")) {
            String macro = MACROS.get(trimmed.toLowerCase(Locale.ROOT));
            if (macro == null) {
                throw new InvalidScheduleException(expression, expression.indexOf('@') + 1,
                        "unknown macro '" + trimmed + "' (known: @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly)");
            }
            text = macro;
        }
        cron.parseFields(text, text == expression);
        cron.checkSatisfiable(text == expression);
        return cron;
    }

    private void parseFields(String text, boolean positionsValid) {
        int[] starts = new int[7];
        String[] fields = new String[7];
        int count = 0;
        int i = 0;
        while (i < text.length()) {
            while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            if (i >= text.length()) {
                break;
            }
            int start = i;
            while (i < text.length() && !Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            if (count == 6) {
                throw error(start + 1, "too many fields: expected 5 (minute hour day-of-month month day-of-week) or 6 (second first)");
            }
            starts[count] = start;
            fields[count] = text.substring(start, i);
            count++;
        }
        if (count < 5) {
            throw error(text.length() + 1, "expected 5 (minute hour day-of-month month day-of-week) or 6 fields (second first), found " + count);
        }
        Field[] layout = count == 6
                ? new Field[] {Field.SECOND, Field.MINUTE, Field.HOUR, Field.DAY_OF_MONTH, Field.MONTH, Field.DAY_OF_WEEK}
                : new Field[] {Field.MINUTE, Field.HOUR, Field.DAY_OF_MONTH, Field.MONTH, Field.DAY_OF_WEEK};
        if (count == 5) {
            seconds.set(0);
        }
        for (int f = 0; f < count; f++) {
            parseField(layout[f], fields[f], starts[f]);
            if ((layout[f] == Field.SECOND || layout[f] == Field.MINUTE || layout[f] == Field.HOUR) && fields[f].startsWith("*")) {
                realTime = true;
            }
        }
        domStart = positionsValid ? starts[count - 3] + 1 : 0;
    }

    private int domStart;
    /**
     * A wildcard expression (its second, minute or hour field starts with {@code *}): it fires at every
     * real instant whose wall time matches, so a repeated fall-back hour fires in both offsets and a
     * skipped spring-forward hour does not fire. Other expressions (fixed times of day) follow the daily
     * rule of {@link WallTime#resolve}: a skipped time runs at the transition, a repeated one once.
     * This is how Vixie/ISC cron treats "wildcard" and "fixed-time" jobs across DST changes.
     */
    private boolean realTime;

    private void parseField(Field field, String text, int offset) {
        BitSet target = switch (field) {
            case SECOND -> seconds;
            case MINUTE -> minutes;
            case HOUR -> hours;
            case DAY_OF_MONTH -> daysOfMonth;
            case MONTH -> months;
            case DAY_OF_WEEK -> daysOfWeek;
        };
        if (text.equals("?")) {
            if (field != Field.DAY_OF_MONTH && field != Field.DAY_OF_WEEK) {
                throw error(offset + 1, "'?' is allowed only in day-of-month and day-of-week");
            }
            markAny(field, target);
            return;
        }
        int itemStart = 0;
        for (int comma = 0; comma <= text.length(); comma++) {
            if (comma < text.length() && text.charAt(comma) != ',') {
                continue;
            }
            if (comma == itemStart) {
                throw error(offset + itemStart + 1, "empty list item in " + field.label);
            }
            parseItem(field, text.substring(itemStart, comma), offset + itemStart, target, text.length() == comma - itemStart);
            itemStart = comma + 1;
        }
        if (field == Field.DAY_OF_WEEK && target.get(7)) {
            target.clear(7);
            target.set(0);
        }
    }

    private void markAny(Field field, BitSet target) {
        target.set(field.min, field == Field.DAY_OF_WEEK ? 7 : field.max + 1);
        if (field == Field.DAY_OF_MONTH) {
            domAny = true;
        } else if (field == Field.DAY_OF_WEEK) {
            dowAny = true;
        }
    }

    private void parseItem(Field field, String item, int offset, BitSet target, boolean whole) {
        if (item.equalsIgnoreCase("L")) {
            if (field != Field.DAY_OF_MONTH) {
                throw error(offset + 1, "'L' (last day of the month) is allowed only in day-of-month");
            }
            lastDayOfMonth = true;
            return;
        }
        int slash = item.indexOf('/');
        String range = slash < 0 ? item : item.substring(0, slash);
        int step = 1;
        if (slash >= 0) {
            String stepText = item.substring(slash + 1);
            int stepAt = offset + slash + 2;
            if (stepText.isEmpty() || !stepText.chars().allMatch(Character::isDigit)) {
                throw error(stepAt, "step after '/' must be a positive number, found '" + stepText + "'");
            }
            step = parseNumber(stepText, stepAt);
            if (step == 0 || step > field.max) {
                throw error(stepAt, "step " + stepText + " out of range 1-" + field.max + " for " + field.label);
            }
        }
        int low;
        int high;
        if (range.equals("*")) {
            low = field.min;
            high = field == Field.DAY_OF_WEEK ? 6 : field.max;
            if (whole && step == 1) {
                markAny(field, target);
                return;
            }
        } else {
            int dash = range.indexOf('-', 1);
            if (dash < 0) {
                low = value(field, range, offset);
                high = slash >= 0 ? (field == Field.DAY_OF_WEEK ? 6 : field.max) : low;
            } else {
                low = value(field, range.substring(0, dash), offset);
                high = value(field, range.substring(dash + 1), offset + dash + 1);
                if (high < low) {
                    throw error(offset + dash + 2, "range " + range + " ends before it starts in " + field.label);
                }
            }
        }
        for (int v = low; v <= high; v += step) {
            target.set(v);
        }
    }

    private int value(Field field, String token, int offset) {
        if (token.isEmpty()) {
            throw error(offset + 1, "missing value in " + field.label);
        }
        int v;
        if (token.chars().allMatch(Character::isDigit)) {
            v = parseNumber(token, offset + 1);
        } else {
            String[] names = field == Field.MONTH ? MONTHS : field == Field.DAY_OF_WEEK ? DAYS : null;
            v = -1;
            if (names != null) {
                for (int n = 0; n < names.length; n++) {
                    if (names[n].equalsIgnoreCase(token)) {
                        v = field == Field.MONTH ? n + 1 : n;
                    }
                }
            }
            if (v < 0) {
                int bad = 0;
                while (bad < token.length() && Character.isLetterOrDigit(token.charAt(bad))) {
                    bad++;
                }
                String what = names == null ? "a number" : "a number or a name (" + String.join(", ", names) + ")";
                throw error(offset + 1 + (bad == token.length() ? 0 : bad), "'" + token + "' is not " + what + " in " + field.label);
            }
        }
        if (v < field.min || v > field.max) {
            throw error(offset + 1, "value " + token + " out of range " + field.min + "-" + field.max + " for " + field.label);
        }
        return v;
    }

    private int parseNumber(String digits, int position) {
        if (digits.length() > 4) {
            throw error(position, "number " + digits + " is too large");
        }
        return Integer.parseInt(digits);
    }

    /** A day-of-month that no selected month has (Feb 30) never fires: refuse it now. */
    private void checkSatisfiable(boolean positionsValid) {
        if (lastDayOfMonth || (!domAny && !dowAny)) {
            return; // L always exists; with both day fields restricted, weekdays alone can match
        }
        if (domAny) {
            return;
        }
        for (int m = months.nextSetBit(1); m >= 0; m = months.nextSetBit(m + 1)) {
            int longest = Month.of(m).maxLength();
            if (daysOfMonth.nextSetBit(1) <= longest && daysOfMonth.nextSetBit(1) >= 0) {
                return;
            }
        }
        throw error(positionsValid ? domStart : 0, "day-of-month never occurs in the selected month(s): the expression never fires");
    }

    private InvalidScheduleException error(int position, String problem) {
        return new InvalidScheduleException(expression, position, problem);
    }

    boolean matches(LocalDate date) {
        if (!months.get(date.getMonthValue())) {
            return false;
        }
        boolean dom = daysOfMonth.get(date.getDayOfMonth()) || (lastDayOfMonth && date.getDayOfMonth() == date.lengthOfMonth());
        boolean dow = daysOfWeek.get(date.getDayOfWeek().getValue() % 7);
        boolean domRestricted = !domAny;
        boolean dowRestricted = !dowAny;
        if (domRestricted && dowRestricted) {
            return dom || dow;
        }
        return domRestricted ? dom : dowRestricted ? dow : true;
    }

    @Override
    public ZonedDateTime first(ZonedDateTime now) {
        return next(now.minusNanos(1));
    }

    @Override
    public ZonedDateTime next(ZonedDateTime after) {
        ZonedDateTime local = after.withZoneSameInstant(zone);
        LocalDate start = local.toLocalDate();
        // two hours of slack before 'after' on its own day: a DST change moves wall time by at most that
        int skipBelow = local.toLocalTime().toSecondOfDay() - 7200;
        LocalDate day = start;
        for (int d = 0; d <= MAX_DAYS; d++, day = day.plusDays(1)) {
            if (!matches(day)) {
                continue;
            }
            for (int h = hours.nextSetBit(0); h >= 0; h = hours.nextSetBit(h + 1)) {
                if (d == 0 && h * 3600 + 3599 < skipBelow) {
                    continue;
                }
                for (int m = minutes.nextSetBit(0); m >= 0; m = minutes.nextSetBit(m + 1)) {
                    for (int s = seconds.nextSetBit(0); s >= 0; s = seconds.nextSetBit(s + 1)) {
                        if (realTime) {
                            ZonedDateTime candidate = earliestAfter(day.atTime(h, m, s), after);
                            if (candidate != null) {
                                return earliestNear(candidate, after);
                            }
                            continue;
                        }
                        ZonedDateTime candidate = WallTime.resolve(day, LocalTime.of(h, m, s), zone);
                        if (candidate.isAfter(after)) {
                            return candidate;
                        }
                    }
                }
            }
        }
        return null;
    }

    /** The earliest real instant with wall time {@code local} after {@code after}; none in a gap. */
    private ZonedDateTime earliestAfter(LocalDateTime local, ZonedDateTime after) {
        for (ZoneOffset offset : zone.getRules().getValidOffsets(local)) { // the earlier instant (larger offset) first
            ZonedDateTime z = ZonedDateTime.ofStrict(local, offset, zone);
            if (z.isAfter(after)) {
                return z;
            }
        }
        return null;
    }

    /**
     * {@code found} is the first match in wall-time order. Across a fall-back that is not always the
     * first in real time: after 02:00 CEST, 02:00 CET comes first in wall-time order but 02:15 CEST
     * comes earlier. When a fall-back lies between {@code after} and {@code found}, every wall time
     * around them is checked (bounded: the window is the span between them plus the repeated hours).
     */
    private ZonedDateTime earliestNear(ZonedDateTime found, ZonedDateTime after) {
        java.time.zone.ZoneOffsetTransition t = zone.getRules().nextTransition(after.toInstant().minusSeconds(1));
        if (t == null || t.isGap() || t.getInstant().isAfter(found.toInstant())) {
            return found;
        }
        Duration repeated = t.getDuration().negated();
        ZonedDateTime best = found;
        LocalDateTime local = after.withZoneSameInstant(zone).toLocalDateTime().minus(repeated).withNano(0);
        LocalDateTime until = found.toLocalDateTime().plus(repeated);
        while (!local.isAfter(until)) {
            LocalDate d = local.toLocalDate();
            if (!matches(d)) {
                local = d.plusDays(1).atStartOfDay();
                continue;
            }
            if (!hours.get(local.getHour())) {
                local = local.withMinute(0).withSecond(0).plusHours(1);
                continue;
            }
            if (!minutes.get(local.getMinute())) {
                local = local.withSecond(0).plusMinutes(1);
                continue;
            }
            if (seconds.get(local.getSecond())) {
                ZonedDateTime z = earliestAfter(local, after);
                if (z != null && z.isBefore(best)) {
                    best = z;
                }
            }
            local = local.plusSeconds(1);
        }
        return best;
    }

    @Override
    public String describe() {
        return "cron '" + expression + "'";
    }
}
