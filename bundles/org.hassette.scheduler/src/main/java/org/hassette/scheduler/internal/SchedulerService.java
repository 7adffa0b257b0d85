package org.hassette.scheduler.internal;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.hassette.api.ha.HomeAssistantApi;
import org.hassette.api.ha.StateCache;
import org.hassette.api.lifecycle.HassetteResource;
import org.hassette.api.lifecycle.ResourceLifecycle;
import org.hassette.api.lifecycle.ResourceRole;
import org.hassette.api.lifecycle.RestartPolicy;
import org.hassette.api.scheduler.Location;
import org.hassette.api.scheduler.Scheduler;
import org.osgi.framework.BundleContext;
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
 * The platform scheduler: one timer thread that waits for the next deadline and hands due runs to
 * a small bounded worker pool.
 *
 * <p>Readiness rule: ready when the zone is known (configured, else the JVM's) and the timer thread
 * runs; the timer thread itself registers {@link Scheduler} as its first act, so the registration
 * proves it runs. Activation only starts the thread. A failure of the timer loop is logged and the
 * loop goes on; jobs never run on it.
 */
@Component(name = "org.hassette.scheduler", immediate = true, service = {})
@Designate(ocd = SchedulerService.Config.class)
@HassetteResource(resource = "scheduler", provides = Scheduler.class)
@RestartPolicy(type = "permanent")
public class SchedulerService {
    private static final Logger LOG = LoggerFactory.getLogger(SchedulerService.class);
    /** Longest the timer sleeps without looking at the clock (catches wall-clock jumps). */
    static final Duration MAX_SLEEP = Duration.ofSeconds(30);

    @ObjectClassDefinition(name = "Hassette scheduler", description = "Runs jobs at times, intervals, cron expressions and sun events.")
    public @interface Config {
        @AttributeDefinition(name = "Time zone", description = "Zone of daily, cron and sun schedules (e.g. Europe/Berlin). Empty: the JVM's zone.")
        String timezone() default "";

        @AttributeDefinition(name = "Latitude", description = "Degrees north for sun events when Home Assistant does not provide its location. Empty: unset.")
        String latitude() default "";

        @AttributeDefinition(name = "Longitude", description = "Degrees east for sun events when Home Assistant does not provide its location. Empty: unset.")
        String longitude() default "";

        @AttributeDefinition(name = "Elevation (m)", description = "Metres above sea level for sun events.")
        double elevation() default 0;

        @AttributeDefinition(name = "Workers", description = "Threads that run jobs; a slow job occupies one.", min = "1")
        int workers() default 4;

        @AttributeDefinition(name = "Queue capacity", description = "Due runs that may wait for a free worker; beyond it a run is skipped and recorded.", min = "1")
        int queue_capacity() default 1000;
    }

    private final ResourceLifecycle lifecycle;
    private final SchedulerEngine engine;
    private final ThreadPoolExecutor workers;
    private final Thread timer;
    private final Optional<Location> configured;
    private final Object monitor = new Object();
    private volatile Location fromHomeAssistant;
    /** Read by job constraints; bound after construction (dynamic). */
    private volatile StateCache states;
    private volatile boolean running = true;
    private boolean kicked;

    @Activate
    public SchedulerService(BundleContext context, Config config) {
        lifecycle = ResourceLifecycle.open(context, "scheduler", ResourceRole.CORE, Scheduler.class);
        lifecycle.starting("starting the timer thread");
        ZoneId zone;
        try {
            zone = config.timezone().isBlank() ? ZoneId.systemDefault() : ZoneId.of(config.timezone().strip());
        } catch (DateTimeException e) {
            lifecycle.failed("unknown time zone '" + config.timezone() + "' in org.hassette.scheduler: use a region id such as Europe/Berlin", e);
            throw new IllegalArgumentException("Unknown time zone '" + config.timezone() + "' in configuration org.hassette.scheduler", e);
        }
        configured = configuredLocation(config);
        AtomicInteger n = new AtomicInteger();
        workers = new ThreadPoolExecutor(config.workers(), config.workers(), 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(config.queue_capacity()), r -> {
                    Thread t = new Thread(r, "hassette-scheduler-worker-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        workers.allowCoreThreadTimeOut(true);
        engine = new SchedulerEngine(new SystemClock(zone), workers, new Random(), this::location);
        engine.onWakeup(this::kick);
        timer = new Thread(this::runTimer, "hassette-scheduler-timer");
        timer.setDaemon(true);
        timer.start();
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindHomeAssistantApi(HomeAssistantApi api) {
        api.getConfig().whenComplete((cfg, error) -> {
            if (error != null) {
                LOG.warn("Could not read Home Assistant's location (get_config): {}", error.getMessage());
                return;
            }
            try {
                Location l = new Location(number(cfg.get("latitude")), number(cfg.get("longitude")),
                        cfg.get("elevation") == null ? 0 : number(cfg.get("elevation")));
                Location before = fromHomeAssistant;
                fromHomeAssistant = l;
                if (!l.equals(before)) {
                    LOG.info("Sun events use Home Assistant's location {}", l);
                    engine.locationChanged(); // sun jobs waiting for a location are planned now
                }
            } catch (RuntimeException bad) {
                LOG.warn("Home Assistant's get_config has no usable location ({}); using the configured one", bad.getMessage());
            }
        });
    }

    private volatile org.hassette.api.ha.Subscription stateListener;

    /**
     * The state cache feeds constraints on jobs and entity-timed jobs, which read their times from it
     * and are planned again when those entities change.
     */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindStateCache(StateCache cache) {
        states = cache;
        engine.states(cache);
        engine.entityValues((entityId, attribute) -> cache.get(entityId).map(state -> attribute == null ? state.state()
                : state.attributes().get(attribute) == null ? null : String.valueOf(state.attributes().get(attribute))));
        stateListener = cache.addListener((entityId, before, after) -> engine.entityChanged(entityId));
        // a fresh cache (new connection) may hold new values for every entity-timed job
        engine.entityTimedEntities().forEach(engine::entityChanged);
    }

    void unbindStateCache(StateCache cache) {
        if (states == cache) {
            states = null;
            engine.states(null);
            org.hassette.api.ha.Subscription l = stateListener;
            if (l != null) {
                l.close();
            }
            // entity-timed runs stay planned: the last known times stay valid while Home Assistant is away
        }
    }

    void unbindHomeAssistantApi(HomeAssistantApi api) {
        // keep the last location Home Assistant gave: a house does not move while disconnected
    }

    @Deactivate
    void deactivate() {
        running = false;
        lifecycle.close(); // unregisters Scheduler first: no new jobs while stopping
        timer.interrupt();
        engine.cancelAll();
        workers.shutdownNow();
    }

    Optional<Location> location() {
        Location ha = fromHomeAssistant;
        return ha != null ? Optional.of(ha) : configured;
    }

    private void kick() {
        synchronized (monitor) {
            kicked = true;
            monitor.notifyAll();
        }
    }

    private void runTimer() {
        ZoneId zone = engine.clock().zone();
        lifecycle.ready(Scheduler.class, engine, Map.of("hassette.scheduler.zone", zone.getId()),
                "timer running in zone " + zone.getId() + ", " + workers.getMaximumPoolSize() + " workers");
        while (running) {
            try {
                engine.fireDue(Instant.now());
                Instant next = engine.nextDeadline();
                long waitMs = MAX_SLEEP.toMillis();
                if (next != null) {
                    waitMs = Math.max(0, Math.min(waitMs, Duration.between(Instant.now(), next).toMillis() + 1));
                }
                synchronized (monitor) {
                    if (!kicked && waitMs > 0) {
                        monitor.wait(waitMs);
                    }
                    kicked = false;
                }
            } catch (InterruptedException stop) {
                if (!running) {
                    return;
                }
            } catch (RuntimeException | Error e) {
                LOG.error("Scheduler timer loop failed; continuing", e);
            }
        }
    }

    private static Optional<Location> configuredLocation(Config config) {
        if (config.latitude().isBlank() || config.longitude().isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Location(Double.parseDouble(config.latitude().strip()),
                    Double.parseDouble(config.longitude().strip()), config.elevation()));
        } catch (IllegalArgumentException bad) {
            LOG.warn("Ignoring the configured location of org.hassette.scheduler: {}", bad.getMessage());
            return Optional.empty();
        }
    }

    private static double number(Object o) {
        if (o instanceof Number num) {
            return num.doubleValue();
        }
        throw new IllegalArgumentException("not a number: " + o);
    }
}
