package org.hassette.api.scheduler;

import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Runs tasks at times: after a delay, once, every interval, daily, by cron expression, or at sun
 * events. Registered only while the scheduler is ready (its timer runs and its zone is known).
 *
 * <p>Every method returns at once. Tasks run on a small worker pool, never on the timer, so a slow
 * task never delays another; a run whose previous run is still going is skipped and recorded.
 * Failures are recorded on the job and logged, never fatal. Missed runs are not made up: a late
 * recurring job runs once and continues with its next occurrence after now.
 *
 * <p>Wall-clock schedules are computed in {@link Clock#zone()} and are DST-safe: a wall time that
 * does not exist on a spring-forward day runs at the first valid instant after it (the transition);
 * a wall time that occurs twice on a fall-back day runs once, at its first occurrence. Cron
 * expressions of fixed times of day follow the same rule; sub-daily ("wildcard") cron expressions,
 * whose second, minute or hour field starts with {@code *}, fire at every real instant whose wall
 * time matches, so a repeated fall-back hour runs in both offsets and a skipped spring-forward hour
 * does not run (the DST behaviour of Vixie/ISC cron).
 *
 * <p>A schedule that is malformed or never fires is refused at registration with an
 * {@link InvalidScheduleException} naming the expression and the position of the error.
 */
@ProviderType
public interface Scheduler {

    /** The shortest interval {@link #runEvery} accepts (10 ms): shorter ones would keep the timer busy. */
    Duration MIN_INTERVAL = Duration.ofMillis(10);

    /** The clock jobs are scheduled by. */
    Clock clock();

    /** Runs {@code task} once after {@code delay}. */
    JobHandle runIn(Duration delay, ScheduledTask task, JobOptions options);

    /** Runs {@code task} once at {@code at}; refused if {@code at} is in the past. */
    JobHandle runOnce(ZonedDateTime at, ScheduledTask task, JobOptions options);

    /** Runs {@code task} once at the next {@code at} wall time in the scheduler's zone (today or tomorrow). */
    JobHandle runOnce(LocalTime at, ScheduledTask task, JobOptions options);

    /**
     * Runs {@code task} every {@code interval} on the grid {@code start + k * interval}: at {@code start}
     * if it is now or later, otherwise at the first grid point from now on. Intervals are absolute
     * durations (a 1-hour interval stays 1 hour across DST changes).
     *
     * @throws InvalidScheduleException when {@code interval} is shorter than {@link #MIN_INTERVAL}
     */
    JobHandle runEvery(Duration interval, ZonedDateTime start, ScheduledTask task, JobOptions options);

    /**
     * Registers {@code task} without a schedule: a manual job, listed with status
     * {@link JobStatus#MANUAL} and no next run, that runs only when {@link JobHandle#runNow()} is
     * called (with its options: {@code where}, constraints, mode, timeout, error handler).
     */
    JobHandle register(ScheduledTask task, JobOptions options);

    /** Runs {@code task} every {@code interval}, first one interval from now. */
    JobHandle runEvery(Duration interval, ScheduledTask task, JobOptions options);

    /** Runs {@code task} every day at {@code at} wall time (DST-safe, see the class comment). */
    JobHandle runDaily(LocalTime at, ScheduledTask task, JobOptions options);

    /**
     * Runs {@code task} at the times of a cron expression: 5 fields (minute hour day-of-month month
     * day-of-week) or 6 (second first). Fields take {@code *}, {@code ?} (day fields), numbers, ranges
     * {@code a-b}, steps {@code * /n} and {@code a-b/n}, lists {@code a,b}, month and day names
     * ({@code JAN}, {@code MON}), {@code L} (last day of the month); day-of-week 0 and 7 are Sunday.
     * When both day fields are restricted, a day matching either runs (classic cron). Macros:
     * {@code @yearly}, {@code @monthly}, {@code @weekly}, {@code @daily}, {@code @hourly}.
     * Across DST changes see the class comment: {@code 0 * * * *} runs in both offsets of a repeated
     * hour, {@code 30 2 * * *} once.
     *
     * @throws InvalidScheduleException when malformed or never firing, naming the position
     */
    JobHandle runCron(String expression, ScheduledTask task, JobOptions options);

    /**
     * Runs {@code task} every day at {@code event} plus {@code offset} (negative: before), computed
     * from {@link #location()}. Days without the event (polar day or night) are skipped: the job runs
     * on the next day that has it. While no location is known (Home Assistant's {@code get_config} has
     * not answered yet and none is configured) the job is {@link JobStatus#WAITING} and is planned as
     * soon as a location arrives; it is planned again whenever the location changes.
     */
    JobHandle runAtSun(SunEvent event, Duration offset, ScheduledTask task, JobOptions options);

    /**
     * Runs at the time an entity holds (its state, or one attribute), plus {@code offset}, and plans
     * again whenever that value changes: an {@code input_datetime} alarm, a sensor with a timestamp,
     * the next-dawn attribute of {@code sun.sun}. A value with a date ({@code 2026-11-28T07:30:00+01:00},
     * {@code 2026-11-28 07:30:00}, {@code 2026-11-28}) runs once at that instant (local values in the
     * scheduler's zone); a time without a date ({@code 07:30:00}) runs every day at that time. While the
     * entity is unknown, unavailable or holds a past instant the job waits (status {@link JobStatus#WAITING}) and is
     * planned again on the next change.
     *
     * @param attribute attribute holding the time, or {@code null} for the state
     * @throws InvalidScheduleException for an entity id that is not {@code domain.object_id}
     */
    JobHandle runAtEntityTime(String entityId, String attribute, Duration offset, ScheduledTask task, JobOptions options);

    /** The location sun events are computed for: from Home Assistant when connected, else configured. */
    Optional<Location> location();

    /** The time of {@code event} on {@code date} in the scheduler's zone; empty when it does not happen that day or no location is known. */
    Optional<ZonedDateTime> sunTime(SunEvent event, LocalDate date);

    /** Every job not cancelled, ordered by next run (jobs with none last). */
    List<JobInfo> jobs();

    /** The jobs of {@code group}. */
    List<JobInfo> jobs(String group);

    /** The job named {@code name}. */
    Optional<JobHandle> job(String name);

    /** Cancels the job named {@code name}; false if there is none. */
    boolean cancel(String name);

    /** Cancels every job of {@code group}; returns how many. */
    int cancelGroup(String group);

    /** {@link #runIn(Duration, ScheduledTask, JobOptions)} with default options. */
    default JobHandle runIn(Duration delay, ScheduledTask task) {
        return runIn(delay, task, JobOptions.defaults());
    }

    /** {@link #runDaily(LocalTime, ScheduledTask, JobOptions)} with default options. */
    default JobHandle runDaily(LocalTime at, ScheduledTask task) {
        return runDaily(at, task, JobOptions.defaults());
    }

    /** {@link #runCron(String, ScheduledTask, JobOptions)} with default options. */
    default JobHandle runCron(String expression, ScheduledTask task) {
        return runCron(expression, task, JobOptions.defaults());
    }

    /** {@link #runEvery(Duration, ScheduledTask, JobOptions)} with default options. */
    default JobHandle runEvery(Duration interval, ScheduledTask task) {
        return runEvery(interval, task, JobOptions.defaults());
    }
}
