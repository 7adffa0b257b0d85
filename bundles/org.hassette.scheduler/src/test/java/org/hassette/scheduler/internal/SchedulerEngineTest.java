package org.hassette.scheduler.internal;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.Map;
import org.hassette.api.constraints.Constraint;
import org.hassette.api.constraints.ConstraintContext;
import org.hassette.api.constraints.ConstraintContext.SunTimes;
import org.hassette.api.constraints.Constraints;
import org.hassette.api.ha.EntityState;
import org.hassette.api.scheduler.InvalidScheduleException;
import org.hassette.api.scheduler.RunRecord;
import org.hassette.api.scheduler.JobHandle;
import org.hassette.api.scheduler.JobInfo;
import org.hassette.api.scheduler.JobOptions;
import org.hassette.api.scheduler.JobStatus;
import org.hassette.api.scheduler.Location;
import org.hassette.api.scheduler.RunOutcome;
import org.hassette.api.scheduler.SunEvent;
import org.hassette.api.scheduler.VirtualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every option of the scheduler, in virtual time; runs happen on the advancing thread unless a pool is given. */
class SchedulerEngineTest {
    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    static final Duration WAIT = Duration.ofSeconds(30); // upper bound for conditions, never a timing assertion

    VirtualClock clock = VirtualClock.frozenAt(ZonedDateTime.parse("2026-03-27T12:00+01:00[Europe/Berlin]"));
    Optional<Location> location = Optional.empty();
    SchedulerEngine scheduler = new SchedulerEngine(clock, Runnable::run, new Random(42), () -> location);
    List<ZonedDateTime> runs = Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool;

    @AfterEach
    void stopPool() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    void record() {
        runs.add(clock.zonedNow());
    }

    static JobOptions named(String name) {
        return JobOptions.builder().name(name).build();
    }

    @Test
    void runInFiresOnceAfterTheDelayAndStaysListedAsCompleted() {
        JobHandle h = scheduler.runIn(Duration.ofMinutes(5), this::record, named("later"));
        clock.advance(Duration.ofMinutes(4));
        assertTrue(runs.isEmpty());
        clock.advance(Duration.ofMinutes(2));
        assertEquals(List.of(ZonedDateTime.parse("2026-03-27T12:05+01:00[Europe/Berlin]")), runs);
        clock.advance(Duration.ofDays(1));
        assertEquals(1, runs.size());
        assertEquals(JobStatus.COMPLETED, h.status());
        assertEquals(Optional.of(RunOutcome.SUCCEEDED), h.info().lastOutcome());
        assertTrue(h.nextRun().isEmpty());
    }

    @Test
    void runOnceAtAZonedTimeAndRefusesThePast() {
        scheduler.runOnce(ZonedDateTime.parse("2026-03-28T08:00+01:00[Europe/Berlin]"), this::record, named("once"));
        assertThrows(InvalidScheduleException.class,
                () -> scheduler.runOnce(ZonedDateTime.parse("2026-03-27T11:00+01:00[Europe/Berlin]"), this::record, named("past")));
        clock.advance(Duration.ofDays(2));
        assertEquals(List.of(ZonedDateTime.parse("2026-03-28T08:00+01:00[Europe/Berlin]")), runs);
    }

    @Test
    void runOnceAtAWallTimeAlreadyPassedTodayRunsTomorrow() {
        scheduler.runOnce(LocalTime.of(9, 0), this::record, named("nine"));
        clock.advance(Duration.ofDays(3));
        assertEquals(List.of(ZonedDateTime.parse("2026-03-28T09:00+01:00[Europe/Berlin]")), runs);
    }

    @Test
    void runEveryFollowsItsAnchorGridInAbsoluteTimeAcrossDst() {
        scheduler.runEvery(Duration.ofHours(1), ZonedDateTime.parse("2026-03-29T00:30+01:00[Europe/Berlin]"), this::record, named("hourly"));
        clock.advanceTo(ZonedDateTime.parse("2026-03-29T04:00+02:00[Europe/Berlin]"));
        // 00:30, 01:30 CET, then 03:30 CEST: the same instant grid, wall time jumps at the DST change
        assertEquals(List.of("2026-03-28T23:30:00Z", "2026-03-29T00:30:00Z", "2026-03-29T01:30:00Z"),
                runs.stream().map(z -> z.toInstant().toString()).toList());
    }

    @Test
    void runEveryWithAPastAnchorStartsAtTheNextGridPoint() {
        scheduler.runEvery(Duration.ofMinutes(10), ZonedDateTime.parse("2026-03-27T11:03+01:00[Europe/Berlin]"), this::record, named("grid"));
        clock.advance(Duration.ofMinutes(15));
        assertEquals(List.of(ZonedDateTime.parse("2026-03-27T12:03+01:00[Europe/Berlin]"),
                ZonedDateTime.parse("2026-03-27T12:13+01:00[Europe/Berlin]")), runs);
    }

    @Test
    void aLateTimerRunsAMissedRecurringJobOnceAndDoesNotReplay() {
        AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
        org.hassette.api.scheduler.Clock manual = new org.hassette.api.scheduler.Clock() {
            public Instant now() { return now.get(); }
            public ZoneId zone() { return ZoneId.of("UTC"); }
        };
        SchedulerEngine late = new SchedulerEngine(manual, Runnable::run, new Random(1), Optional::empty);
        AtomicInteger count = new AtomicInteger();
        JobHandle h = late.runEvery(Duration.ofMinutes(1), count::incrementAndGet, named("minutely"));
        now.set(Instant.parse("2026-01-01T00:10:30Z")); // the timer slept through ten occurrences
        late.fireDue(now.get());
        assertEquals(1, count.get());
        assertEquals(Instant.parse("2026-01-01T00:11:00Z"), h.nextRun().orElseThrow().toInstant());
    }

    @Test
    void runDailyAcrossBerlinSpringForwardAndFallBack() {
        scheduler.runDaily(LocalTime.of(2, 30), this::record, named("daily"));
        clock.advanceTo(ZonedDateTime.parse("2026-03-31T00:00+02:00[Europe/Berlin]"));
        assertEquals(List.of("2026-03-28T02:30+01:00[Europe/Berlin]", "2026-03-29T03:00+02:00[Europe/Berlin]",
                "2026-03-30T02:30+02:00[Europe/Berlin]"), runs.stream().map(ZonedDateTime::toString).toList());
        runs.clear();
        clock.advanceTo(ZonedDateTime.parse("2026-10-24T12:00+02:00[Europe/Berlin]"));
        runs.clear();
        clock.advanceTo(ZonedDateTime.parse("2026-10-26T12:00+01:00[Europe/Berlin]"));
        assertEquals(List.of("2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"), runs.stream().map(z -> z.toInstant().toString()).toList(),
                "02:30 happens twice on 2026-10-25 but the job runs once");
    }

    @Test
    void runCronFiresInOrderWithOtherJobs() {
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        scheduler.runCron("*/20 * * * *", () -> order.add("cron@" + clock.zonedNow().getMinute()), named("cron"));
        scheduler.runIn(Duration.ofMinutes(30), () -> order.add("once@" + clock.zonedNow().getMinute()), named("once"));
        clock.advance(Duration.ofHours(1));
        assertEquals(List.of("cron@0", "cron@20", "once@30", "cron@40", "cron@0"), order, "a schedule matching now runs now");
    }

    @Test
    void badCronFailsAtRegistrationAndRegistersNothing() {
        InvalidScheduleException e = assertThrows(InvalidScheduleException.class,
                () -> scheduler.runCron("0 0 31 2 *", this::record, named("never")));
        assertTrue(e.getMessage().contains("'0 0 31 2 *'") && e.getMessage().contains("position 5"), e.getMessage());
        assertTrue(scheduler.job("never").isEmpty());
    }

    @Test
    void sunJobsWaitForALocationAndRunAtTheEventPlusOffset() {
        // no location yet (Home Assistant's get_config has not answered): the job waits instead of failing
        JobHandle h = scheduler.runAtSun(SunEvent.SUNSET, Duration.ofMinutes(-15), this::record, named("dark"));
        assertEquals(JobStatus.WAITING, h.status());
        assertTrue(h.nextRun().isEmpty());
        clock.advance(Duration.ofHours(1));
        assertTrue(runs.isEmpty());
        location = Optional.of(new Location(48.1372, 11.5761, 0)); // Munich
        scheduler.locationChanged();
        assertEquals(JobStatus.SCHEDULED, h.status());
        clock.advance(Duration.ofDays(2).plusHours(12));
        // NOAA Solar Calculator equations (see SunCalculatorTest) for Munich: sunset 2026-03-27 18:36:30 CET,
        // 2026-03-28 18:37:57 CET, 2026-03-29 19:39:24 CEST (the DST change day); minus 15 minutes, ±2 minutes
        List<ZonedDateTime> noaa = List.of(ZonedDateTime.parse("2026-03-27T18:21:30+01:00[Europe/Berlin]"),
                ZonedDateTime.parse("2026-03-28T18:22:57+01:00[Europe/Berlin]"), ZonedDateTime.parse("2026-03-29T19:24:24+02:00[Europe/Berlin]"));
        assertEquals(3, runs.size(), runs.toString());
        for (int i = 0; i < 3; i++) {
            long off = Math.abs(Duration.between(noaa.get(i), runs.get(i)).toSeconds());
            assertTrue(off <= 120, "run " + runs.get(i) + " vs NOAA " + noaa.get(i));
        }
    }

    @Test
    void aMovedLocationReplansSunJobs() {
        location = Optional.of(new Location(48.1372, 11.5761, 0)); // Munich
        JobHandle h = scheduler.runAtSun(SunEvent.SUNSET, Duration.ZERO, this::record, named("dark"));
        ZonedDateTime munich = h.nextRun().orElseThrow();
        location = Optional.of(new Location(52.52, 13.405, 0)); // Berlin: sets later in spring
        scheduler.locationChanged();
        ZonedDateTime berlin = h.nextRun().orElseThrow();
        assertEquals(munich.toLocalDate(), berlin.toLocalDate());
        assertNotEquals(munich, berlin);
        assertEquals(scheduler.sunTime(SunEvent.SUNSET, berlin.toLocalDate()).orElseThrow(), berlin);
    }

    @Test
    void inTheMidnightSunASunsetJobSkipsToTheFirstDayWithASunsetAndNeverSpins() {
        VirtualClock tromsoClock = VirtualClock.frozenAt(ZonedDateTime.parse("2026-06-21T12:00+02:00[Europe/Oslo]"));
        SchedulerEngine tromso = new SchedulerEngine(tromsoClock, Runnable::run, new Random(1),
                () -> Optional.of(new Location(69.6492, 18.9553, 0)));
        List<ZonedDateTime> sunsets = new ArrayList<>();
        List<ZonedDateTime> sunrises = new ArrayList<>();
        JobHandle set = tromso.runAtSun(SunEvent.SUNSET, Duration.ZERO, () -> sunsets.add(tromsoClock.zonedNow()), named("sunset"));
        JobHandle rise = tromso.runAtSun(SunEvent.SUNRISE, Duration.ZERO, () -> sunrises.add(tromsoClock.zonedNow()), named("sunrise"));
        // NOAA equations: no sunset in Tromsø until the night of 2026-07-25/26 (00:37 on the 26th); allow a day either way
        ZonedDateTime first = set.nextRun().orElseThrow();
        assertTrue(!first.toLocalDate().isBefore(java.time.LocalDate.of(2026, 7, 24))
                && !first.toLocalDate().isAfter(java.time.LocalDate.of(2026, 7, 27)), first.toString());
        // sunrise happens (midnight sun: the sun never sets, so it never rises either): also skipped to late July
        assertTrue(rise.nextRun().orElseThrow().isAfter(ZonedDateTime.parse("2026-07-20T00:00+02:00[Europe/Oslo]")), rise.nextRun().toString());
        tromsoClock.advance(Duration.ofDays(20));
        assertEquals(List.of(), sunsets, "no run during the midnight sun");
        tromsoClock.advanceTo(first.toInstant().plus(Duration.ofDays(3)));
        assertTrue(sunsets.size() >= 3 && sunsets.size() <= 4, "one run per day once the sun sets again: " + sunsets);
        assertEquals(first.toInstant(), sunsets.get(0).toInstant());
        // polar night: from midwinter the first sunrise is mid-January (NOAA: 2027-01-15 11:35), never a busy loop
        tromsoClock.advanceTo(ZonedDateTime.parse("2026-12-21T12:00+01:00[Europe/Oslo]").toInstant());
        int before = sunrises.size();
        ZonedDateTime nextRise = rise.nextRun().orElseThrow();
        assertTrue(!nextRise.toLocalDate().isBefore(java.time.LocalDate.of(2027, 1, 13))
                && !nextRise.toLocalDate().isAfter(java.time.LocalDate.of(2027, 1, 17)), nextRise.toString());
        tromsoClock.advance(Duration.ofDays(20));
        assertEquals(before, sunrises.size(), "no sunrise run in the polar night");
        assertEquals(JobStatus.SCHEDULED, rise.status());
    }

    @Test
    void aManualJobRunsOnlyWhenAskedAndIsListedAsManual() {
        location = Optional.empty();
        JobHandle h = scheduler.register(this::record, JobOptions.builder().name("by-hand").group("tools").build());
        assertEquals(JobStatus.MANUAL, h.status());
        assertTrue(h.nextRun().isEmpty());
        JobInfo info = scheduler.jobs("tools").get(0);
        assertEquals("by-hand", info.name());
        assertEquals(JobStatus.MANUAL, info.status());
        assertTrue(info.schedule().startsWith("manual"), info.schedule());
        clock.advance(Duration.ofDays(3));
        assertTrue(runs.isEmpty(), "never runs by itself");
        h.runNow();
        assertEquals(1, runs.size());
        assertTrue(h.info().lastRun().orElseThrow().manual());
        assertEquals(JobStatus.MANUAL, h.status(), "still manual after a run");
        assertEquals(1, scheduler.cancelGroup("tools"));
        assertThrows(IllegalStateException.class, h::runNow);
    }

    @Test
    void aManualJobKeepsItsOptions() {
        AtomicInteger errors = new AtomicInteger();
        JobHandle h = scheduler.register(() -> { throw new IllegalStateException("boom"); },
                JobOptions.builder().name("fragile").onError((job, e) -> errors.incrementAndGet()).build());
        h.runNow();
        assertEquals(RunOutcome.FAILED, h.info().lastOutcome().orElseThrow());
        assertEquals(1, errors.get());
        assertThrows(IllegalArgumentException.class, () -> scheduler.register(this::record, named("fragile")), "names stay unique");
    }

    @Test
    void intervalsBelowTheFloorAreRefusedNamingTheValue() {
        InvalidScheduleException nanos = assertThrows(InvalidScheduleException.class,
                () -> scheduler.runEvery(Duration.ofNanos(1), this::record, named("spin")));
        assertTrue(nanos.getMessage().contains("at least 10 ms") && nanos.getMessage().contains("was 1 ns"), nanos.getMessage());
        InvalidScheduleException ms = assertThrows(InvalidScheduleException.class,
                () -> scheduler.runEvery(Duration.ofMillis(9), this::record, named("spin")));
        assertTrue(ms.getMessage().contains("was 9 ms"), ms.getMessage());
        InvalidScheduleException zero = assertThrows(InvalidScheduleException.class,
                () -> scheduler.runEvery(Duration.ZERO, this::record, named("spin")));
        assertTrue(zero.getMessage().contains("PT0S"), zero.getMessage());
        assertTrue(scheduler.jobs().isEmpty(), "nothing registered");
        scheduler.runEvery(Duration.ofMillis(10), this::record, named("fast"));
        clock.advance(Duration.ofMillis(35));
        assertEquals(3, runs.size());
    }

    @Test
    void jitterStaysWithinItsBoundsAndVaries() {
        ZonedDateTime anchor = ZonedDateTime.parse("2026-03-27T13:00+01:00[Europe/Berlin]");
        scheduler.runEvery(Duration.ofHours(1), anchor, this::record,
                JobOptions.builder().name("jittery").jitter(Duration.ofSeconds(30)).build());
        clock.advance(Duration.ofHours(200).plusMinutes(1));
        assertEquals(200, runs.size(), "one run per hour, none lost or doubled by jitter");
        long distinct = runs.stream().map(z -> Duration.between(anchor, z).toSeconds() % 3600).distinct().count();
        assertTrue(distinct > 10, "offsets vary");
        for (int k = 0; k < runs.size(); k++) {
            long off = Duration.between(anchor.plusHours(k), runs.get(k)).toMillis();
            assertTrue(off >= -30_000 && off <= 30_000, "run " + k + " is " + off + " ms from its nominal time");
        }
    }

    @Test
    void whereSkipsAreRecordedWithTheirReason() {
        AtomicBoolean home = new AtomicBoolean(false);
        JobHandle h = scheduler.runEvery(Duration.ofMinutes(1), this::record,
                JobOptions.builder().name("gated").where("nobody home", home::get).build());
        clock.advance(Duration.ofMinutes(2));
        home.set(true);
        clock.advance(Duration.ofMinutes(1));
        JobInfo info = h.info();
        assertEquals(List.of(RunOutcome.SKIPPED, RunOutcome.SKIPPED, RunOutcome.SUCCEEDED),
                info.history().stream().map(r -> r.outcome()).toList());
        assertEquals("where: nobody home", info.history().get(0).detail());
        assertEquals(1, runs.size());
    }

    @Test
    void constraintSkipsAreRecordedWithTheVerdictsReason() {
        List<EntityState> states = new ArrayList<>();
        states.add(new EntityState("person.alice", "not_home", Map.of(), null, null, null));
        scheduler.constraintContext(ConstraintContext.of(clock, SunTimes.none(), states));
        Constraint quiet = Constraints.between(LocalTime.of(12, 0), LocalTime.of(12, 2)).named("lunch");
        JobHandle h = scheduler.runEvery(Duration.ofMinutes(1), this::record,
                JobOptions.builder().name("gated").constrainedBy(Constraints.not(quiet), Constraints.anyoneHome()).build());
        clock.advance(Duration.ofMinutes(2)); // 12:01 inside lunch, 12:02 nobody home
        states.set(0, new EntityState("person.alice", "home", Map.of(), null, null, null));
        clock.advance(Duration.ofMinutes(1)); // 12:03
        List<RunRecord> history = h.info().history();
        assertEquals(List.of(RunOutcome.SKIPPED, RunOutcome.SKIPPED, RunOutcome.SUCCEEDED),
                history.stream().map(RunRecord::outcome).toList());
        assertEquals("constraint: not lunch: lunch: inside 12:00–12:02 (now 12:01)", history.get(0).detail());
        assertEquals("constraint: anyone home: home: none; away: person.alice", history.get(1).detail());
        assertEquals(1, runs.size());
    }

    @Test
    void sunRelativeConstraintUsesTheSchedulersSunTimes() {
        location = Optional.of(new Location(48.1372, 11.5761, 0)); // Munich
        ZonedDateTime sunset = scheduler.sunTime(SunEvent.SUNSET, clock.zonedNow().toLocalDate()).orElseThrow();
        ZonedDateTime darkFrom = sunset.plusMinutes(30);
        Constraint dark = Constraints.between(SunEvent.SUNSET.plus(Duration.ofMinutes(30)), SunEvent.SUNRISE).named("dark");
        JobHandle before = scheduler.runOnce(darkFrom.minusMinutes(1), this::record, JobOptions.builder().name("before").constrainedBy(dark).build());
        JobHandle after = scheduler.runOnce(darkFrom.plusMinutes(1), this::record, JobOptions.builder().name("after").constrainedBy(dark).build());
        clock.advanceTo(darkFrom.plusMinutes(2));
        RunRecord skipped = before.info().lastRun().orElseThrow();
        assertEquals(RunOutcome.SKIPPED, skipped.outcome());
        assertTrue(skipped.detail().startsWith("constraint: dark: outside sunset + 30 min–sunrise = "
                + darkFrom.toLocalTime().truncatedTo(java.time.temporal.ChronoUnit.MINUTES)), skipped.detail());
        assertEquals(RunOutcome.SUCCEEDED, after.info().lastOutcome().orElseThrow());
        assertEquals(1, runs.size());
    }

    @Test
    void withoutSunTimesOrStatesConstraintsSayWhy() {
        JobHandle h = scheduler.runIn(Duration.ZERO, this::record, JobOptions.builder().name("nothing-known")
                .constrainedBy(Constraints.anyOf(Constraints.between(SunEvent.SUNSET, SunEvent.SUNRISE),
                        Constraints.entityIs("input_boolean.guest", "on")).named("dark-or-guest"))
                .build());
        clock.advance(Duration.ZERO);
        assertEquals("constraint: dark-or-guest: none held: between sunset–sunrise: no sunset time known for 2026-03-27"
                + " (no location, or the sun does not rise/set); input_boolean.guest is on: entity states are not available"
                + " (state cache not synced)", h.info().lastRun().orElseThrow().detail());
        assertTrue(runs.isEmpty());
    }

    @Test
    void aThrowingConstraintIsRecordedAsFailed() {
        Constraint broken = Constraint.of("sensor ok", c -> { throw new IllegalStateException("no sensor"); });
        JobHandle h = scheduler.runIn(Duration.ZERO, this::record, JobOptions.builder().name("c").constrainedBy(broken).build());
        clock.advance(Duration.ZERO);
        assertEquals(RunOutcome.FAILED, h.info().lastOutcome().orElseThrow());
        assertTrue(h.info().lastRun().orElseThrow().detail().startsWith("constraint 'sensor ok' threw"));
        assertTrue(runs.isEmpty());
    }

    @Test
    void aThrowingWhereIsRecordedAsFailed() {
        BooleanSupplier broken = () -> { throw new IllegalStateException("no sensor"); };
        JobHandle h = scheduler.runIn(Duration.ZERO, this::record, JobOptions.builder().name("w").where("sensor ok", broken).build());
        clock.advance(Duration.ZERO);
        assertEquals(RunOutcome.FAILED, h.info().lastOutcome().orElseThrow());
        assertTrue(h.info().lastRun().orElseThrow().detail().contains("no sensor"));
    }

    @Test
    void aThrowingJobIsRecordedReportedAndKeepsItsScheduleAndOthersRun() {
        List<Throwable> reported = new ArrayList<>();
        JobHandle bad = scheduler.runEvery(Duration.ofMinutes(1), () -> { throw new IllegalStateException("boom"); },
                JobOptions.builder().name("bad").onError((job, e) -> reported.add(e)).build());
        scheduler.runEvery(Duration.ofMinutes(1), this::record, named("good"));
        clock.advance(Duration.ofMinutes(3));
        assertEquals(3, runs.size());
        assertEquals(3, reported.size());
        assertEquals(RunOutcome.FAILED, bad.info().lastOutcome().orElseThrow());
        assertTrue(bad.info().lastRun().orElseThrow().detail().contains("boom"));
        assertEquals(JobStatus.SCHEDULED, bad.status());
    }

    @Test
    void aSlowJobNeverDelaysOthersAndItsOverlappingRunIsSkipped() throws Exception {
        pool = Executors.newFixedThreadPool(2);
        scheduler = new SchedulerEngine(clock, pool, new Random(1), () -> location);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch slowStarted = new CountDownLatch(1);
        CountDownLatch fastRan = new CountDownLatch(2);
        JobHandle slow = scheduler.runEvery(Duration.ofMinutes(1), () -> { slowStarted.countDown(); release.await(); },
                named("slow"));
        scheduler.runEvery(Duration.ofMinutes(1), fastRan::countDown, named("fast"));
        clock.advance(Duration.ofMinutes(1));
        assertTrue(slowStarted.await(WAIT.toSeconds(), TimeUnit.SECONDS));
        clock.advance(Duration.ofMinutes(1));
        assertTrue(fastRan.await(WAIT.toSeconds(), TimeUnit.SECONDS), "the fast job ran twice while the slow one was blocked");
        awaitCondition(() -> slow.info().lastOutcome().equals(Optional.of(RunOutcome.SKIPPED)));
        assertEquals("previous run still running", slow.info().lastRun().orElseThrow().detail());
        release.countDown();
        awaitCondition(() -> slow.info().history().stream().anyMatch(r -> r.outcome() == RunOutcome.SUCCEEDED));
    }

    @Test
    void aTimeoutInterruptsTheRunAndIsRecordedInVirtualTime() throws Exception {
        pool = Executors.newFixedThreadPool(2);
        scheduler = new SchedulerEngine(clock, pool, new Random(1), () -> location);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        List<Throwable> reported = Collections.synchronizedList(new ArrayList<>());
        JobHandle h = scheduler.runIn(Duration.ZERO, () -> {
            started.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
            }
        }, JobOptions.builder().name("stuck").timeout(Duration.ofSeconds(10)).onError((j, e) -> reported.add(e)).build());
        clock.advance(Duration.ZERO);
        assertTrue(started.await(WAIT.toSeconds(), TimeUnit.SECONDS));
        awaitCondition(() -> scheduler.nextDeadline() != null); // the timeout is armed
        clock.advance(Duration.ofSeconds(9));
        assertEquals(1, interrupted.getCount(), "not interrupted before its timeout");
        clock.advance(Duration.ofSeconds(1));
        assertTrue(interrupted.await(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertEquals(RunOutcome.TIMED_OUT, h.info().lastOutcome().orElseThrow());
        awaitCondition(() -> reported.size() == 1);
        assertTrue(reported.get(0) instanceof TimeoutException);
        awaitCondition(() -> !h.info().running());
        assertEquals(1, h.info().history().size(), "the interrupted run is recorded once, as timed out");
    }

    @Test
    void cancelByHandleNameAndGroup() {
        JobHandle a = scheduler.runEvery(Duration.ofMinutes(1), this::record, named("a"));
        scheduler.runEvery(Duration.ofMinutes(1), this::record, named("b"));
        scheduler.runEvery(Duration.ofMinutes(1), this::record, JobOptions.builder().name("c1").group("lights").build());
        scheduler.runEvery(Duration.ofMinutes(1), this::record, JobOptions.builder().name("c2").group("lights").build());
        assertEquals(2, scheduler.jobs("lights").size());
        assertTrue(a.cancel());
        assertFalse(a.cancel());
        assertTrue(scheduler.cancel("b"));
        assertFalse(scheduler.cancel("b"));
        assertEquals(2, scheduler.cancelGroup("lights"));
        clock.advance(Duration.ofMinutes(5));
        assertTrue(runs.isEmpty());
        assertTrue(scheduler.jobs().isEmpty());
        assertEquals(JobStatus.CANCELLED, a.status());
    }

    @Test
    void listingShowsNameGroupNextAndLastRunInNextRunOrder() {
        scheduler.runIn(Duration.ofMinutes(10), this::record, JobOptions.builder().name("late").group("g").build());
        scheduler.runIn(Duration.ofMinutes(1), this::record, named("soon"));
        clock.advance(Duration.ofMinutes(2));
        List<JobInfo> jobs = scheduler.jobs();
        assertEquals(List.of("late", "soon"), jobs.stream().map(JobInfo::name).toList(), "completed jobs (no next run) last");
        assertEquals("g", jobs.get(0).group());
        assertEquals(ZonedDateTime.parse("2026-03-27T12:10+01:00[Europe/Berlin]"), jobs.get(0).nextRun().orElseThrow());
        assertEquals(RunOutcome.SUCCEEDED, jobs.get(1).lastOutcome().orElseThrow());
        assertEquals(clock.now().minus(Duration.ofMinutes(1)), jobs.get(1).lastRun().orElseThrow().at());
    }

    @Test
    void runNowDoesNotConsumeTheScheduledRun() {
        JobHandle h = scheduler.runIn(Duration.ofMinutes(5), this::record, named("x"));
        h.runNow();
        assertEquals(1, runs.size());
        assertTrue(h.info().lastRun().orElseThrow().manual());
        assertEquals(ZonedDateTime.parse("2026-03-27T12:05+01:00[Europe/Berlin]"), h.nextRun().orElseThrow());
        clock.advance(Duration.ofMinutes(5));
        assertEquals(2, runs.size());
    }

    @Test
    void duplicateNamesAreRefused() {
        scheduler.runIn(Duration.ofMinutes(5), this::record, named("x"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> scheduler.runIn(Duration.ofMinutes(5), this::record, named("x")));
        assertTrue(e.getMessage().contains("'x'"));
    }

    @Test
    void jobsScheduledFromAJobRunInOrder() {
        scheduler.runIn(Duration.ofMinutes(1), () -> {
            record();
            scheduler.runIn(Duration.ofMinutes(1), this::record, named("child"));
        }, named("parent"));
        clock.advance(Duration.ofMinutes(5));
        assertEquals(List.of(12 * 60 + 1, 12 * 60 + 2), runs.stream().map(z -> z.getHour() * 60 + z.getMinute()).toList());
    }

    @Test
    void virtualTimeNeverGoesBack() {
        assertThrows(IllegalArgumentException.class, () -> clock.advance(Duration.ofSeconds(-1)));
        assertThrows(IllegalArgumentException.class, () -> clock.advanceTo(clock.now().minusSeconds(1)));
    }

    static void awaitCondition(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("condition not met within " + WAIT);
            }
            Thread.sleep(2);
        }
    }
}
