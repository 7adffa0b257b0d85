package org.hassette.api.constraints;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.hassette.api.ha.EntityState;
import org.hassette.api.scheduler.SunEvent;
import org.hassette.api.scheduler.SunOffset;

/**
 * Ready-made constraints and combinators. Each has a default name (rename with
 * {@link Constraint#named}) and a verdict detail that says what it saw, e.g.
 * {@code quiet-hours: outside 22:00–07:00 (now 12:00)}.
 *
 * <p>Time windows are half-open {@code [from, to)} on the wall clock of the context's zone; a window
 * whose end is before its start crosses midnight ({@code between(22:00, 07:00)} holds at 23:00 and at
 * 06:00). Sun-relative bounds are resolved for the current date: the window
 * {@code between(SUNSET.plus(30 min), SUNRISE)} holds from 30 min after today's sunset until today's
 * sunrise time (which differs from tomorrow's by a minute or two). When a sun time is unknown (no
 * location, polar day or night), the window says no and why.
 */
public final class Constraints {
    private static final DateTimeFormatter HM = DateTimeFormatter.ofPattern("HH:mm");
    /** The state that counts as home for {@link #anyoneHome()}, {@link #everyoneHome()} and {@link #noOneHome()}. */
    public static final String HOME = "home";

    private Constraints() {
    }

    static void requireName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a constraint needs a non-blank name");
        }
    }

    // ---- time windows ----

    /** A wall-clock window {@code [from, to)}, crossing midnight when {@code to} is before {@code from}. */
    public static Constraint between(LocalTime from, LocalTime to) {
        return window(Bound.of(from), Bound.of(to));
    }

    /** A sun-relative window, e.g. {@code between(SunEvent.SUNSET.plus(Duration.ofMinutes(30)), SunEvent.SUNRISE.plus(Duration.ZERO))}. */
    public static Constraint between(SunOffset from, SunOffset to) {
        return window(Bound.of(from), Bound.of(to));
    }

    /** From a sun-relative time to a sun event. */
    public static Constraint between(SunOffset from, SunEvent to) {
        return window(Bound.of(from), Bound.of(to.plus(java.time.Duration.ZERO)));
    }

    /** From a sun event to a sun-relative time. */
    public static Constraint between(SunEvent from, SunOffset to) {
        return window(Bound.of(from.plus(java.time.Duration.ZERO)), Bound.of(to));
    }

    /** Between two sun events, e.g. {@code between(SUNSET, SUNRISE)}: dark. */
    public static Constraint between(SunEvent from, SunEvent to) {
        return window(Bound.of(from.plus(java.time.Duration.ZERO)), Bound.of(to.plus(java.time.Duration.ZERO)));
    }

    /** From a wall-clock time to a sun-relative one. */
    public static Constraint between(LocalTime from, SunOffset to) {
        return window(Bound.of(from), Bound.of(to));
    }

    /** From a sun-relative time to a wall-clock one, e.g. {@code between(SUNSET.minus(15 min), 23:00)}. */
    public static Constraint between(SunOffset from, LocalTime to) {
        return window(Bound.of(from), Bound.of(to));
    }

    /** From a wall-clock time to a sun event, e.g. {@code between(06:30, SUNRISE)}. */
    public static Constraint between(LocalTime from, SunEvent to) {
        return between(from, to.plus(java.time.Duration.ZERO));
    }

    /** From a sun event to a wall-clock time, e.g. {@code between(DUSK, 23:00)}. */
    public static Constraint between(SunEvent from, LocalTime to) {
        return between(from.plus(java.time.Duration.ZERO), to);
    }

    /** One end of a window: a wall-clock time or a sun-relative time, resolved per date. */
    private record Bound(LocalTime time, SunOffset sun) {
        static Bound of(LocalTime t) {
            return new Bound(Objects.requireNonNull(t, "time"), null);
        }

        static Bound of(SunOffset s) {
            return new Bound(null, Objects.requireNonNull(s, "sun"));
        }

        Optional<LocalTime> on(LocalDate date, ConstraintContext ctx) {
            if (time != null) {
                return Optional.of(time);
            }
            return ctx.sunTime(sun.event(), date).map(z -> z.plus(sun.offset()).withZoneSameInstant(ctx.zone()).toLocalTime());
        }

        @Override
        public String toString() {
            return time != null ? HM.format(time) : sun.toString();
        }
    }

    private static Constraint window(Bound from, Bound to) {
        String label = from + "–" + to;
        return simple("between " + label, ctx -> {
            ZonedDateTime now = ctx.zonedNow();
            LocalDate date = now.toLocalDate();
            Optional<LocalTime> f = from.on(date, ctx);
            Optional<LocalTime> t = to.on(date, ctx);
            if (f.isEmpty() || t.isEmpty()) {
                Bound missing = f.isEmpty() ? from : to;
                return new Result(false, "no " + missing.sun.event().name().toLowerCase(Locale.ROOT) + " time known for " + date
                        + " (no location, or the sun does not rise/set)");
            }
            LocalTime n = now.toLocalTime();
            LocalTime a = f.get();
            LocalTime b = t.get();
            boolean inside = a.isAfter(b) ? !n.isBefore(a) || n.isBefore(b) : !n.isBefore(a) && n.isBefore(b);
            String resolved = from.time != null && to.time != null ? label : label + " = " + HM.format(a) + "–" + HM.format(b);
            return new Result(inside, (inside ? "inside " : "outside ") + resolved + " (now " + HM.format(n) + ")");
        });
    }

    // ---- days ----

    /** Holds on the given days of the week (in the context's zone). */
    public static Constraint onDays(DayOfWeek... days) {
        if (days.length == 0) {
            throw new IllegalArgumentException("onDays needs at least one day");
        }
        Set<DayOfWeek> set = EnumSet.copyOf(Arrays.asList(days));
        String label = set.stream().map(d -> d.name().substring(0, 3).toLowerCase(Locale.ROOT)).collect(Collectors.joining(","));
        return simple("days " + label, ctx -> {
            DayOfWeek today = ctx.zonedNow().getDayOfWeek();
            boolean in = set.contains(today);
            return new Result(in, "today is " + today.name().substring(0, 3).toLowerCase(Locale.ROOT) + (in ? ", one of " : ", not one of ") + label);
        });
    }

    /** Monday to Friday. */
    public static Constraint weekdays() {
        return onDays(DayOfWeek.MONDAY, DayOfWeek.TUESDAY, DayOfWeek.WEDNESDAY, DayOfWeek.THURSDAY, DayOfWeek.FRIDAY).named("weekdays");
    }

    /** Saturday and Sunday. */
    public static Constraint weekend() {
        return onDays(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY).named("weekend");
    }

    // ---- entity states ----

    /** Holds while {@code entityId}'s state is {@code state}; an unknown entity or missing states say no and why. */
    public static Constraint entityIs(String entityId, String state) {
        Objects.requireNonNull(state, "state");
        return entityIn(entityId, state).named(entityId + " is " + state);
    }

    /** Holds while {@code entityId}'s state is one of {@code states}. */
    public static Constraint entityIn(String entityId, String... states) {
        Objects.requireNonNull(entityId, "entityId");
        if (states.length == 0) {
            throw new IllegalArgumentException("entityIn needs at least one state");
        }
        List<String> allowed = List.of(states);
        String wanted = allowed.size() == 1 ? allowed.get(0) : "one of " + allowed;
        return simple(entityId + " in " + allowed, ctx -> {
            if (!ctx.statesAvailable()) {
                return new Result(false, "entity states are not available (state cache not synced)");
            }
            Optional<EntityState> s = ctx.entity(entityId);
            if (s.isEmpty()) {
                return new Result(false, entityId + " is unknown (no such entity)");
            }
            String actual = s.get().state();
            boolean ok = allowed.contains(actual);
            return new Result(ok, entityId + " is " + actual + (ok ? "" : ", not " + wanted));
        });
    }

    // ---- presence ----

    /**
     * Holds when at least one tracked person is {@code home}. Tracked: the {@code person.*} entities,
     * or the {@code device_tracker.*} ones when there are no persons (a person aggregates its trackers).
     */
    public static Constraint anyoneHome() {
        return presence("anyone home", (home, away) -> !home.isEmpty());
    }

    /** Holds when every tracked person is {@code home} (and at least one is tracked). */
    public static Constraint everyoneHome() {
        return presence("everyone home", (home, away) -> !home.isEmpty() && away.isEmpty());
    }

    /** Holds when no tracked person is {@code home} (also when no one is tracked). */
    public static Constraint noOneHome() {
        return presence("no one home", (home, away) -> home.isEmpty());
    }

    private interface PresenceRule {
        boolean test(List<String> home, List<String> away);
    }

    private static Constraint presence(String name, PresenceRule rule) {
        return simple(name, ctx -> {
            if (!ctx.statesAvailable()) {
                return new Result(false, "entity states are not available (state cache not synced)");
            }
            List<EntityState> tracked = ctx.domain("person");
            if (tracked.isEmpty()) {
                tracked = ctx.domain("device_tracker");
            }
            List<String> home = new ArrayList<>();
            List<String> away = new ArrayList<>();
            for (EntityState s : tracked) {
                (HOME.equals(s.state()) ? home : away).add(s.entityId());
            }
            String seen = tracked.isEmpty() ? "no person or device_tracker entities"
                    : "home: " + (home.isEmpty() ? "none" : String.join(", ", home)) + "; away: " + (away.isEmpty() ? "none" : String.join(", ", away));
            return new Result(rule.test(home, away), seen);
        });
    }

    // ---- combinators ----

    /** Holds when all hold; the first that says no decides (the rest are not checked). */
    public static Constraint allOf(Constraint... constraints) {
        List<Constraint> all = list(constraints);
        String name = all.stream().map(Constraint::name).collect(Collectors.joining(" and ", "(", ")"));
        return new Named(name) {
            @Override
            public Verdict check(ConstraintContext ctx) {
                List<String> held = new ArrayList<>();
                for (Constraint c : all) {
                    Verdict v = c.check(ctx);
                    if (!v.allowed()) {
                        return Verdict.deny(name(), v.message());
                    }
                    held.add(v.message());
                }
                return Verdict.allow(name(), String.join("; ", held));
            }
        };
    }

    /** Holds when at least one holds; when none does, the verdict lists every reason. */
    public static Constraint anyOf(Constraint... constraints) {
        List<Constraint> all = list(constraints);
        String name = all.stream().map(Constraint::name).collect(Collectors.joining(" or ", "(", ")"));
        return new Named(name) {
            @Override
            public Verdict check(ConstraintContext ctx) {
                List<String> no = new ArrayList<>();
                for (Constraint c : all) {
                    Verdict v = c.check(ctx);
                    if (v.allowed()) {
                        return Verdict.allow(name(), v.message());
                    }
                    no.add(v.message());
                }
                return Verdict.deny(name(), "none held: " + String.join("; ", no));
            }
        };
    }

    /** Holds when {@code constraint} says no; the detail is the inner verdict's. */
    public static Constraint not(Constraint constraint) {
        Objects.requireNonNull(constraint, "constraint");
        return new Named("not " + constraint.name()) {
            @Override
            public Verdict check(ConstraintContext ctx) {
                Verdict v = constraint.check(ctx);
                return new Verdict(!v.allowed(), name(), v.message());
            }
        };
    }

    private static List<Constraint> list(Constraint... constraints) {
        if (constraints.length == 0) {
            throw new IllegalArgumentException("a combinator needs at least one constraint");
        }
        for (Constraint c : constraints) {
            Objects.requireNonNull(c, "constraint");
        }
        return List.of(constraints);
    }

    // ---- plumbing ----

    private record Result(boolean allowed, String detail) {
    }

    private interface Rule {
        Result apply(ConstraintContext ctx);
    }

    private abstract static class Named implements Constraint {
        private final String name;

        Named(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private static Constraint simple(String name, Rule rule) {
        return new Named(name) {
            @Override
            public Verdict check(ConstraintContext ctx) {
                Result r = rule.apply(ctx);
                return new Verdict(r.allowed(), name(), r.detail());
            }
        };
    }
}
