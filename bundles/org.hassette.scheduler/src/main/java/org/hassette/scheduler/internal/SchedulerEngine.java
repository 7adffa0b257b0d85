package org.hassette.scheduler.internal;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.hassette.api.constraints.Constraint;
import org.hassette.api.constraints.ConstraintContext;
import org.hassette.api.constraints.Verdict;
import org.hassette.api.ha.StateCache;
import org.hassette.api.scheduler.Clock;
import org.hassette.api.scheduler.InvalidScheduleException;
import org.hassette.api.scheduler.JobHandle;
import org.hassette.api.scheduler.JobInfo;
import org.hassette.api.scheduler.JobOptions;
import org.hassette.api.scheduler.JobStatus;
import org.hassette.api.scheduler.Location;
import org.hassette.api.scheduler.RunOutcome;
import org.hassette.api.scheduler.RunRecord;
import org.hassette.api.scheduler.ScheduledTask;
import org.hassette.api.scheduler.Scheduler;
import org.hassette.api.scheduler.SunEvent;
import org.hassette.api.scheduler.VirtualClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job table and its time-ordered queue; implements {@link Scheduler}. It never waits itself:
 * whoever drives time calls {@link #fireDue(Instant)} (the timer thread of {@link SchedulerService},
 * or a {@link VirtualClock} it is attached to), and due runs are handed to the worker executor.
 * Timeouts are deadlines in the same queue, so they work in virtual time too.
 *
 * <p>Public (in a package that is never exported) only so that the app test kit can run the very
 * same scheduler on a plain class path with a {@link VirtualClock}; bundles use the service.
 */
public final class SchedulerEngine implements Scheduler, VirtualClock.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(SchedulerEngine.class);
    static final int HISTORY = 20;

    private final Clock clock;
    private final Executor workers;
    private final RandomGenerator random;
    private final Supplier<Optional<Location>> location;
    private final Object lock = new Object();
    private final PriorityQueue<Deadline> queue = new PriorityQueue<>(
            Comparator.comparing((Deadline d) -> d.at).thenComparingLong(d -> d.sequence));
    private final Map<String, Job> jobs = new LinkedHashMap<>();
    private long sequence;
    private volatile Runnable wakeup = () -> { };
    private volatile java.util.function.BiFunction<String, String, Optional<String>> entityValues = (e, a) -> Optional.empty();
    private volatile StateCache states;
    private volatile ConstraintContext constraintContext;

    public SchedulerEngine(Clock clock, Executor workers, RandomGenerator random, Supplier<Optional<Location>> location) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.workers = Objects.requireNonNull(workers, "workers");
        this.random = Objects.requireNonNull(random, "random");
        this.location = Objects.requireNonNull(location, "location");
        this.constraintContext = ConstraintContext.of(clock, this::sunTime, () -> states);
        if (clock instanceof VirtualClock virtual) {
            virtual.addListener(this);
        }
    }

    /** The state cache job constraints read (null while there is none). */
    public void states(StateCache states) {
        this.states = states;
    }

    /** Replaces what job constraints see (tests: fixed states and sun times). */
    public void constraintContext(ConstraintContext context) {
        this.constraintContext = Objects.requireNonNull(context, "context");
    }

    /** Called whenever the earliest deadline may have moved earlier (the timer re-plans its wait). */
    void onWakeup(Runnable wakeup) {
        this.wakeup = wakeup;
    }

    // ---- driving time ----

    @Override
    public Instant nextDeadline() {
        synchronized (lock) {
            Deadline d = queue.peek();
            return d == null ? null : d.at;
        }
    }

    @Override
    public void onTime(Instant now) {
        fireDue(now);
    }

    /** Hands every run due at or before {@code now} to the workers, in time order; fires due timeouts. */
    void fireDue(Instant now) {
        List<Runnable> due = new ArrayList<>();
        synchronized (lock) {
            while (!queue.isEmpty() && !queue.peek().at.isAfter(now)) {
                Deadline d = queue.poll();
                if (d.cancelled) {
                    continue;
                }
                if (d instanceof RunDeadline run) {
                    Job job = run.job;
                    ZonedDateTime nominal = job.nominal;
                    job.planNext(now);
                    due.add(() -> job.execute(nominal, false));
                } else if (d instanceof TimeoutDeadline timeout) {
                    due.add(timeout::fire);
                }
            }
        }
        for (Runnable r : due) {
            try {
                r.run(); // hands runs to the workers; never runs a task here
            } catch (RuntimeException e) {
                LOG.error("Scheduler could not dispatch a due entry", e);
            }
        }
    }

    // ---- registration ----

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public JobHandle runIn(Duration delay, ScheduledTask task, JobOptions options) {
        if (delay.isNegative()) {
            throw new InvalidScheduleException(String.valueOf(delay), 0, "a delay must not be negative");
        }
        ZonedDateTime at = clock.zonedNow().plus(delay);
        return register(new OnceTrigger(at, "in " + delay), task, options, "in " + delay);
    }

    @Override
    public JobHandle runOnce(ZonedDateTime at, ScheduledTask task, JobOptions options) {
        if (at.toInstant().isBefore(clock.now())) {
            throw new InvalidScheduleException(at.toString(), 0, "the time is in the past (now " + clock.zonedNow() + ")");
        }
        return register(new OnceTrigger(at, "once at " + at), task, options, at.toString());
    }

    @Override
    public JobHandle runOnce(LocalTime at, ScheduledTask task, JobOptions options) {
        ZonedDateTime first = new DailyTrigger(at, clock.zone()).first(clock.zonedNow());
        return register(new OnceTrigger(first, "once at " + at), task, options, at.toString());
    }

    @Override
    public JobHandle runEvery(Duration interval, ZonedDateTime start, ScheduledTask task, JobOptions options) {
        Objects.requireNonNull(interval, "interval");
        if (interval.compareTo(MIN_INTERVAL) < 0) {
            throw new InvalidScheduleException(String.valueOf(interval), 0, "an interval must be at least "
                    + MIN_INTERVAL.toMillis() + " ms (Scheduler.MIN_INTERVAL), was " + describe(interval));
        }
        return register(new EveryTrigger(interval, start), task, options, interval.toString());
    }

    @Override
    public JobHandle runEvery(Duration interval, ScheduledTask task, JobOptions options) {
        return runEvery(interval, clock.zonedNow().plus(interval), task, options);
    }

    private static String describe(Duration d) {
        if (d.isNegative() || d.isZero()) {
            return d.toString();
        }
        long nanos = d.toNanos();
        return nanos % 1_000_000 == 0 ? nanos / 1_000_000 + " ms" : nanos % 1000 == 0 ? nanos / 1000 + " µs" : nanos + " ns";
    }

    @Override
    public JobHandle register(ScheduledTask task, JobOptions options) {
        return register(ManualTrigger.INSTANCE, task, options, "manual", true);
    }

    @Override
    public JobHandle runDaily(LocalTime at, ScheduledTask task, JobOptions options) {
        return register(new DailyTrigger(at, clock.zone()), task, options, at.toString());
    }

    @Override
    public JobHandle runCron(String expression, ScheduledTask task, JobOptions options) {
        return register(CronExpression.parse(expression, clock.zone()), task, options, expression);
    }

    @Override
    public JobHandle runAtSun(SunEvent event, Duration offset, ScheduledTask task, JobOptions options) {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(offset, "offset");
        if (location.get().isEmpty()) {
            LOG.info("No location known yet for {}: the job waits until Home Assistant's get_config answers "
                    + "(or latitude and longitude of org.hassette.scheduler are configured)", event.name().toLowerCase());
        }
        // without a location the job is WAITING and planned by locationChanged()
        return register(new SunTrigger(event, offset, clock.zone(), location), task, options, event + " " + offset,
                location.get().isEmpty());
    }

    @Override
    public JobHandle runAtEntityTime(String entityId, String attribute, Duration offset, ScheduledTask task, JobOptions options) {
        if (entityId == null || !entityId.matches("[a-z0-9_]+\\.[a-z0-9_]+")) {
            throw new InvalidScheduleException(String.valueOf(entityId), 0, "not an entity id (domain.object_id)");
        }
        return register(new EntityTimeTrigger(entityId, attribute, offset, clock.zone(), (e, a) -> entityValues.apply(e, a)),
                task, options, entityId, true);
    }

    /** Where entity values come from (the platform's state cache); until set, entities hold no time. */
    public void entityValues(java.util.function.BiFunction<String, String, Optional<String>> source) {
        entityValues = source == null ? (e, a) -> Optional.empty() : source;
    }

    /** The entities that time at least one job. */
    public java.util.Set<String> entityTimedEntities() {
        synchronized (lock) {
            java.util.Set<String> ids = new java.util.HashSet<>();
            for (Job job : jobs.values()) {
                if (job.trigger instanceof EntityTimeTrigger t) {
                    ids.add(t.entityId);
                }
            }
            return ids;
        }
    }

    /**
     * The location changed (Home Assistant's {@code get_config} answered, or it moved): every sun job
     * is planned again from now, a waiting one for the first time.
     */
    public void locationChanged() {
        replan(job -> job.trigger instanceof SunTrigger, "cannot compute its sun time");
    }

    /** An entity changed: every job timed by it is planned again from its new value. */
    public void entityChanged(String entityId) {
        replan(job -> job.trigger instanceof EntityTimeTrigger t && t.entityId.equals(entityId), "cannot read the time in " + entityId);
    }

    /** Plans the matching, not cancelled jobs again from now; a failure to compute leaves them waiting. */
    private void replan(java.util.function.Predicate<Job> which, String failure) {
        boolean changed = false;
        synchronized (lock) {
            Instant now = clock.now();
            for (Job job : jobs.values()) {
                if (job.status == JobStatus.CANCELLED || !which.test(job)) {
                    continue;
                }
                if (job.pending != null) {
                    job.pending.cancelled = true;
                    job.pending = null;
                }
                ZonedDateTime first;
                try {
                    first = job.trigger.first(now.atZone(clock.zone()));
                } catch (RuntimeException e) {
                    LOG.warn("Job '{}' {}: {}", job.name, failure, e.toString());
                    first = null;
                }
                job.plan(first, now);
                changed = true;
            }
        }
        if (changed) {
            wakeup.run();
        }
    }

    @Override
    public Optional<Location> location() {
        return location.get();
    }

    @Override
    public Optional<ZonedDateTime> sunTime(SunEvent event, LocalDate date) {
        return location.get().flatMap(l -> SunCalculator.on(event, date, clock.zone(), l));
    }

    private JobHandle register(Trigger trigger, ScheduledTask task, JobOptions options, String given) {
        return register(trigger, task, options, given, false);
    }

    private JobHandle register(Trigger trigger, ScheduledTask task, JobOptions options, String given, boolean mayWait) {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(options, "options");
        ZonedDateTime now = clock.zonedNow();
        ZonedDateTime first = trigger.first(now);
        if (first == null && !mayWait) {
            throw new InvalidScheduleException(given, 0, "it never fires after " + now);
        }
        Job job;
        synchronized (lock) {
            String name = options.name().orElseGet(() -> "job-" + (sequence + 1));
            if (jobs.containsKey(name)) {
                throw new IllegalArgumentException("A job named '" + name + "' exists already: cancel it first or choose another name");
            }
            job = new Job(name, options, trigger, task);
            jobs.put(name, job);
            job.plan(first, now.toInstant());
        }
        wakeup.run();
        return job;
    }

    // ---- listing and cancelling ----

    @Override
    public List<JobInfo> jobs() {
        List<Job> all;
        synchronized (lock) {
            all = new ArrayList<>(jobs.values());
        }
        return all.stream().map(Job::info).sorted(Comparator.comparing(
                (JobInfo i) -> i.nextRun().map(ZonedDateTime::toInstant).orElse(Instant.MAX))).toList();
    }

    @Override
    public List<JobInfo> jobs(String group) {
        return jobs().stream().filter(i -> i.group().equals(group)).toList();
    }

    @Override
    public Optional<JobHandle> job(String name) {
        synchronized (lock) {
            return Optional.ofNullable(jobs.get(name));
        }
    }

    @Override
    public boolean cancel(String name) {
        Job job;
        synchronized (lock) {
            job = jobs.get(name);
        }
        return job != null && job.cancel();
    }

    @Override
    public int cancelGroup(String group) {
        List<Job> members;
        synchronized (lock) {
            members = jobs.values().stream().filter(j -> j.group().equals(group)).toList();
        }
        int n = 0;
        for (Job j : members) {
            if (j.cancel()) {
                n++;
            }
        }
        return n;
    }

    /** Cancels every job (the scheduler is going away). */
    public void cancelAll() {
        List<Job> all;
        synchronized (lock) {
            all = new ArrayList<>(jobs.values());
        }
        all.forEach(Job::cancel);
    }

    // ---- queue entries ----

    private abstract static class Deadline {
        final Instant at;
        final long sequence;
        volatile boolean cancelled;

        Deadline(Instant at, long sequence) {
            this.at = at;
            this.sequence = sequence;
        }
    }

    private static final class RunDeadline extends Deadline {
        final Job job;

        RunDeadline(Instant at, long sequence, Job job) {
            super(at, sequence);
            this.job = job;
        }
    }

    private final class TimeoutDeadline extends Deadline {
        final Job job;
        final Thread runner;
        volatile boolean fired;

        TimeoutDeadline(Instant at, long sequence, Job job, Thread runner) {
            super(at, sequence);
            this.job = job;
            this.runner = runner;
        }

        void fire() {
            if (cancelled) {
                return;
            }
            fired = true;
            Duration limit = job.options.timeout().orElseThrow();
            job.record(new RunRecord(clock.now(), RunOutcome.TIMED_OUT, "ran longer than " + limit + "; interrupted", false));
            LOG.warn("Job '{}' ran longer than its timeout {}; interrupting it", job.name, limit);
            runner.interrupt();
            TimeoutException error = new TimeoutException("job '" + job.name + "' ran longer than " + limit);
            try {
                workers.execute(() -> job.report(error)); // handlers are app code: never on the timer
            } catch (RejectedExecutionException full) {
                LOG.warn("Error handler of job '{}' not called: all scheduler workers are busy", job.name);
            }
        }
    }

    // ---- jobs ----

    private final class Job implements JobHandle {
        final String name;
        final JobOptions options;
        final Trigger trigger;
        final ScheduledTask task;
        /** Runs in progress (more than one only in parallel mode). */
        final java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger();
        /** Queued and restart modes: runs waiting for the current one (their "manual" flags). */
        private final java.util.ArrayDeque<Boolean> waiting = new java.util.ArrayDeque<>();
        private volatile Thread runner;
        final Deque<RunRecord> history = new ArrayDeque<>();
        // guarded by lock
        ZonedDateTime nominal;
        RunDeadline pending;
        JobStatus status = JobStatus.SCHEDULED;

        Job(String name, JobOptions options, Trigger trigger, ScheduledTask task) {
            this.name = name;
            this.options = options;
            this.trigger = trigger;
            this.task = task;
        }

        /** Queues the run at {@code next} (jitter added, never before now). Under lock. */
        void plan(ZonedDateTime next, Instant now) {
            nominal = next;
            if (next == null) {
                pending = null;
                status = trigger.statusWithoutNextRun();
                return;
            }
            status = JobStatus.SCHEDULED; // a job waiting for a value or a location comes back to life
            Instant fireAt = next.toInstant().plus(jitter());
            if (fireAt.isBefore(now)) {
                fireAt = now;
            }
            pending = new RunDeadline(fireAt, ++sequence, this);
            queue.add(pending);
        }

        /** After the run for {@link #nominal} was taken off the queue: queue the following one. Under lock. */
        void planNext(Instant now) {
            ZonedDateTime after = nominal.toInstant().isAfter(now) ? nominal : now.atZone(clock.zone());
            ZonedDateTime next;
            try {
                next = trigger.next(after);
            } catch (RuntimeException e) {
                LOG.warn("Job '{}' cannot compute its next run; it will not run again", name, e);
                next = null;
            }
            plan(next, now);
        }

        private Duration jitter() {
            Duration min = options.jitterMin();
            Duration max = options.jitterMax();
            if (min.equals(max)) {
                return min;
            }
            long span = max.minus(min).toMillis();
            return min.plusMillis(random.nextLong(span + 1));
        }

        /** Runs (or skips) once on a worker; {@code scheduledFor} is the nominal time, for the log. */
        void execute(ZonedDateTime scheduledFor, boolean manual) {
            try {
                workers.execute(() -> runNowHere(manual));
            } catch (RejectedExecutionException full) {
                record(new RunRecord(clock.now(), RunOutcome.SKIPPED, "all workers busy and the queue is full", manual));
                LOG.warn("Job '{}' due {} was skipped: all scheduler workers are busy and the queue is full", name, scheduledFor);
            }
        }

        private void runNowHere(boolean manual) {
            Instant started = clock.now();
            if (!admit(started, manual)) {
                return;
            }
            runner = Thread.currentThread();
            TimeoutDeadline timeout = null;
            try {
                for (JobOptions.Where w : options.where()) {
                    boolean yes;
                    try {
                        yes = w.predicate().getAsBoolean();
                    } catch (RuntimeException e) {
                        record(new RunRecord(started, RunOutcome.FAILED, "where '" + w.reason() + "' threw " + e, manual));
                        report(e);
                        return;
                    }
                    if (!yes) {
                        record(new RunRecord(started, RunOutcome.SKIPPED, "where: " + w.reason(), manual));
                        return;
                    }
                }
                ConstraintContext context = constraintContext;
                for (Constraint c : options.constraints()) {
                    Verdict v;
                    try {
                        v = c.check(context);
                    } catch (RuntimeException e) {
                        record(new RunRecord(started, RunOutcome.FAILED, "constraint '" + c.name() + "' threw " + e, manual));
                        report(e);
                        return;
                    }
                    if (!v.allowed()) {
                        record(new RunRecord(started, RunOutcome.SKIPPED, "constraint: " + v.message(), manual));
                        return;
                    }
                }
                if (options.timeout().isPresent()) {
                    timeout = armTimeout(started.plus(options.timeout().get()));
                }
                try {
                    task.run();
                    if (timeout == null || !timeout.fired) {
                        record(new RunRecord(started, RunOutcome.SUCCEEDED, "", manual));
                    }
                } catch (Throwable e) {
                    if (timeout != null && timeout.fired) {
                        return; // recorded and reported by the timeout
                    }
                    if (e instanceof VirtualMachineError fatal) {
                        throw fatal;
                    }
                    record(new RunRecord(started, RunOutcome.FAILED, e.toString(), manual));
                    LOG.warn("Job '{}' failed", name, e);
                    report(e);
                }
            } finally {
                if (timeout != null) {
                    timeout.cancelled = true;
                    Thread.interrupted(); // a late interrupt must not leak into the worker's next job
                }
                runner = null;
                running.decrementAndGet();
                Boolean next;
                synchronized (waiting) {
                    next = waiting.poll();
                }
                if (next != null) {
                    execute(nominal == null ? clock.zonedNow() : nominal, next);
                }
            }
        }

        /** Applies the execution mode to a run that is due; false when it must not start now. */
        private boolean admit(Instant started, boolean manual) {
            org.hassette.api.bus.ExecutionMode mode = options.mode();
            if (mode.kind() == org.hassette.api.bus.ExecutionMode.Kind.PARALLEL) {
                running.incrementAndGet();
                return true;
            }
            synchronized (waiting) {
                if (running.compareAndSet(0, 1)) {
                    return true;
                }
                switch (mode.kind()) {
                    case QUEUED -> {
                        if (waiting.size() >= mode.depth()) {
                            record(new RunRecord(started, RunOutcome.SKIPPED, "queue full (depth " + mode.depth() + ")", manual));
                        } else {
                            waiting.add(manual);
                        }
                    }
                    case RESTART -> {
                        waiting.clear();
                        waiting.add(manual);
                        Thread t = runner;
                        if (t != null) {
                            t.interrupt(); // the running one stops; this one starts when it has
                        }
                    }
                    default -> record(new RunRecord(started, RunOutcome.SKIPPED, "previous run still running", manual));
                }
                return false;
            }
        }

        private TimeoutDeadline armTimeout(Instant at) {
            TimeoutDeadline t;
            synchronized (lock) {
                t = new TimeoutDeadline(at, ++sequence, this, Thread.currentThread());
                queue.add(t);
            }
            wakeup.run();
            return t;
        }

        void report(Throwable error) {
            Optional<org.hassette.api.scheduler.JobErrorHandler> handler = options.onError();
            if (handler.isPresent()) {
                try {
                    handler.get().onError(info(), error);
                } catch (RuntimeException e) {
                    LOG.warn("The error handler of job '{}' threw", name, e);
                }
            }
        }

        void record(RunRecord r) {
            synchronized (history) {
                history.addLast(r);
                while (history.size() > HISTORY) {
                    history.removeFirst();
                }
            }
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String group() {
            return options.group();
        }

        @Override
        public boolean cancel() {
            synchronized (lock) {
                if (status == JobStatus.CANCELLED) {
                    return false;
                }
                status = JobStatus.CANCELLED;
                if (pending != null) {
                    pending.cancelled = true;
                    pending = null;
                }
                jobs.remove(name, this);
            }
            return true;
        }

        @Override
        public void runNow() {
            synchronized (lock) {
                if (status == JobStatus.CANCELLED) {
                    throw new IllegalStateException("Job '" + name + "' is cancelled");
                }
            }
            execute(clock.zonedNow(), true);
        }

        @Override
        public Optional<ZonedDateTime> nextRun() {
            synchronized (lock) {
                return pending == null ? Optional.empty() : Optional.of(pending.at.atZone(clock.zone()));
            }
        }

        @Override
        public JobStatus status() {
            synchronized (lock) {
                return status;
            }
        }

        @Override
        public JobInfo info() {
            List<RunRecord> runs;
            synchronized (history) {
                runs = List.copyOf(history);
            }
            return new JobInfo(name, options.group(), trigger.describe(), status(), nextRun(),
                    runs.isEmpty() ? Optional.empty() : Optional.of(runs.get(runs.size() - 1)), running.get() > 0, runs);
        }

        @Override
        public String toString() {
            return "Job[" + name + ", " + trigger.describe() + "]";
        }
    }
}
