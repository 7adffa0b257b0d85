package org.hassette.web.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.hassette.api.app.AppInfo;
import org.hassette.api.app.AppRegistry;
import org.hassette.api.bus.InvocationListener;
import org.hassette.api.bus.InvocationRecord;
import org.hassette.api.database.Database;
import org.hassette.api.execution.ExecutionHistory;
import org.hassette.api.execution.ExecutionRecord;
import org.hassette.api.lifecycle.ConfigurationErrors;
import org.hassette.api.scheduler.JobInfo;
import org.hassette.api.scheduler.RunOutcome;
import org.hassette.api.scheduler.RunRecord;
import org.hassette.api.scheduler.Scheduler;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.ComponentServiceObjects;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records every bus handler call (as the bus's {@link InvocationListener}) and every scheduler job
 * run (read from the jobs' run histories, which the scheduler keeps per job) into the execution
 * store, and registers {@link ExecutionHistory} once the table exists. Each record is attributed to
 * the app whose id prefixes the listener's or job's name ({@code <appId>:...}) or equals the job's
 * group, the naming the app API uses; other records have no app.
 */
@Component(service = InvocationListener.class, configurationPid = ExecutionRecorder.PID)
@Designate(ocd = ExecutionRecorder.Config.class)
public class ExecutionRecorder implements InvocationListener {
    static final String PID = "org.hassette.web.executions";
    private static final Logger LOG = LoggerFactory.getLogger(ExecutionRecorder.class);

    @ObjectClassDefinition(name = "Hassette execution history", description = "Retention of handler calls and job runs")
    public @interface Config {
        @AttributeDefinition(description = "Records older than this many hours are deleted")
        int max_age_hours() default 168;

        @AttributeDefinition(description = "At most this many records are kept (the oldest go first)")
        int max_rows() default 10_000;

        @AttributeDefinition(description = "Records waiting to be written at most; beyond it new ones are dropped and counted")
        int queue_capacity() default 10_000;

        @AttributeDefinition(description = "Milliseconds between batched writes")
        long flush_interval_ms() default 250;

        @AttributeDefinition(description = "Milliseconds between reads of the scheduler's job histories")
        long job_poll_interval_ms() default 1000;

        @AttributeDefinition(description = "Successful calls recorded per listener and second at most (0: all); errors and timeouts are always recorded")
        int successes_per_listener_per_second() default 10;
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile Scheduler scheduler;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile ComponentServiceObjects<AppRegistry> apps;

    private final ExecutionStore store;
    private final ScheduledExecutorService writer;
    private final Instant since;
    /** Per job name, the newest run already recorded. Only touched on the writer thread. */
    private final Map<String, Instant> seenRuns = new HashMap<>();
    private volatile ServiceRegistration<ExecutionHistory> registration;
    private volatile boolean closed;
    private volatile AppsSnapshot appsSnapshot;
    private final SuccessSampler successes;

    @Activate
    public ExecutionRecorder(BundleContext context, @Reference Database database, Config configured, Map<String, Object> properties) {
        // a value DS cannot convert is logged with its file and the default used: the history keeps recording
        Config config = ConfigurationErrors.checked(Config.class, configured, properties, null, LOG::error);
        this.since = Instant.now();
        this.successes = SuccessSampler.monotonic(config.successes_per_listener_per_second());
        this.writer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "hassette-web-executions");
            t.setDaemon(true);
            return t;
        });
        this.store = new ExecutionStore(database, writer, Instant::now, Duration.ofHours(Math.max(1, config.max_age_hours())),
                Math.max(1, config.max_rows()), config.queue_capacity());
        // Registered from our own thread: registering on the database's writer thread would let a
        // consumer activated by it (e.g. one that writes to the database in its constructor) wait for itself.
        store.createTable().whenCompleteAsync((v, error) -> {
            if (error != null) {
                LOG.error("Cannot create the executions table; the execution history stays unavailable: {}", error.toString());
                return;
            }
            if (closed) {
                return;
            }
            ServiceRegistration<ExecutionHistory> r = context.registerService(ExecutionHistory.class, store, null);
            synchronized (this) {
                if (!closed) {
                    registration = r;
                    return;
                }
            }
            r.unregister(); // deactivated while registering
        }, writer);
        long flush = Math.max(10, config.flush_interval_ms());
        writer.scheduleWithFixedDelay(this::flush, flush, flush, TimeUnit.MILLISECONDS);
        long poll = Math.max(50, config.job_poll_interval_ms());
        writer.scheduleWithFixedDelay(this::pollJobs, poll, poll, TimeUnit.MILLISECONDS);
        writer.scheduleWithFixedDelay(this::prune, 5, 60, TimeUnit.SECONDS);
    }

    @Deactivate
    void deactivate() {
        ServiceRegistration<ExecutionHistory> r;
        synchronized (this) {
            closed = true;
            r = registration;
            registration = null;
        }
        if (r != null) {
            try {
                r.unregister();
            } catch (IllegalStateException e) {
                // already gone with the bundle
            }
        }
        writer.shutdownNow();
        store.flush(); // best effort: whatever was queued goes to the database's writer
    }

    /**
     * Records the call unless it is a success of a listener that already had its share of recorded
     * successes this second: a busy listener (thousands of events a second) must not turn the
     * history into a write load on SQLite, while every error and timeout is kept.
     */
    @Override
    public void invoked(InvocationRecord r) {
        if (r.outcome() == InvocationRecord.Outcome.SUCCESS && !successes.admit(r.listener())) {
            return;
        }
        String error = r.error() == null ? null : r.error().getClass().getSimpleName() + ": " + r.error().getMessage();
        store.offer(new ExecutionRecord(0, ExecutionRecord.Kind.LISTENER, r.listener(), appOf(r.listener(), null), r.start(),
                r.duration(), r.outcome().name().toLowerCase(Locale.ROOT), error, r.detail()));
    }

    // Neither waits: the store's callbacks run on this same thread, after the database's writer is done.
    private void flush() {
        store.flush().whenComplete((n, error) -> {
            if (error != null) {
                LOG.warn("Cannot write execution records: {}", error.toString());
            }
        });
    }

    private void prune() {
        successes.forgetOlderThan(60); // listeners gone quiet or removed
        store.prune().whenComplete((n, error) -> {
            if (error != null) {
                LOG.warn("Cannot prune execution records: {}", error.toString());
            } else if (n > 0) {
                LOG.debug("Pruned {} execution records", n);
            }
        });
    }

    /** Records the runs each job made since the last poll (and since this component started). */
    private void pollJobs() {
        Scheduler s = scheduler;
        if (s == null) {
            return;
        }
        try {
            for (JobInfo job : s.jobs()) {
                Instant last = seenRuns.getOrDefault(job.name(), since);
                Instant newest = last;
                for (RunRecord run : job.history()) {
                    if (run.at().isAfter(last)) {
                        store.offer(new ExecutionRecord(0, ExecutionRecord.Kind.JOB, job.name(), appOf(job.name(), job.group()), run.at(), null,
                                outcome(run), run.outcome() == RunOutcome.FAILED || run.outcome() == RunOutcome.TIMED_OUT ? run.detail() : null,
                                (run.manual() ? "run now" : "") + (run.manual() && !run.detail().isEmpty() ? "; " : "") + run.detail()));
                        if (run.at().isAfter(newest)) {
                            newest = run.at();
                        }
                    }
                }
                seenRuns.put(job.name(), newest);
            }
        } catch (RuntimeException e) {
            LOG.warn("Cannot read the scheduler's jobs: {}", e.toString());
        }
    }

    private static String outcome(RunRecord run) {
        switch (run.outcome()) {
            case SUCCEEDED:
                return "success";
            case FAILED:
                return "error";
            case TIMED_OUT:
                return "timeout";
            default:
                return "skipped";
        }
    }

    /** The app this listener or job belongs to, see {@link AppAttribution}. */
    private String appOf(String name, String group) {
        String app = AppAttribution.of(knownApps(false), name, group);
        if (app == null && name.startsWith("app:")) {
            app = AppAttribution.of(knownApps(true), name, group); // maybe an app newer than the snapshot
        }
        return app;
    }

    /**
     * The app list, read at most once a second (or every 100 ms for a name that looks like an app's
     * but matched none): attribution runs on every handler call.
     */
    private List<AppInfo> knownApps(boolean fresh) {
        long now = System.nanoTime();
        AppsSnapshot snap = appsSnapshot;
        long maxAge = fresh ? TimeUnit.MILLISECONDS.toNanos(100) : TimeUnit.SECONDS.toNanos(1);
        if (snap != null && now - snap.readAt < maxAge) {
            return snap.apps;
        }
        List<AppInfo> list;
        try (Lease<AppRegistry> lease = Lease.of(apps)) {
            list = lease.service == null ? List.of() : lease.service.apps();
        } catch (RuntimeException e) {
            list = List.of();
        }
        appsSnapshot = new AppsSnapshot(list, now);
        return list;
    }

    private record AppsSnapshot(List<AppInfo> apps, long readAt) {
    }
}
