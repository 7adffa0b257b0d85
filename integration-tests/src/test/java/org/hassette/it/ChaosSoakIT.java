package org.hassette.it;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Dictionary;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.hassette.api.app.App;
import org.hassette.api.app.AppContext;
import org.hassette.api.app.AppInfo;
import org.hassette.api.app.AppRegistry;
import org.hassette.api.bus.EventBus;
import org.hassette.api.database.Database;
import org.hassette.api.ha.EntityState;
import org.hassette.api.ha.HaEvent;
import org.hassette.api.ha.HomeAssistantConnection;
import org.hassette.api.ha.StateCache;
import org.hassette.api.lifecycle.ResourceProperties;
import org.hassette.api.lifecycle.ResourceStatus;
import org.hassette.api.session.SessionTracker;
import org.hassette.simulator.HaSimulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/**
 * Chaos soak: for a fixed time (framework property {@code hassette.soak.seconds}, default 40) the
 * simulated Home Assistant is dropped, restarted, stalled and made to refuse the token, an app is
 * redeployed (its service re-registered, sometimes with a failing first start), app handlers throw
 * and time out, and a second SQLite connection holds the write lock, in an order drawn from a seeded
 * RNG (printed; {@code hassette.soak.seed} replays it). Events are numbered by the simulator's
 * fired-event data ({@code seq}) while a background thread keeps firing them.
 *
 * <p>Invariants, checked after every fault: every core resource and every app is ready again within
 * the timeout; the state cache equals the simulator's states; each listener got each event at most
 * once, and within one connection generation and app run without a gap; an event fired once the
 * platform is ready again reaches every listener. At the end: still the same session (one row, open,
 * heartbeating), and the heap after GC is back near its baseline.
 */
class ChaosSoakIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String[] CORE = { "database", "session", "websocket", "haapi", "states", "scheduler", "bus" };
    private static final String EVENT = "chaos_seq";
    private static final String COUNTER = "sensor.chaos_counter";
    private static final int SOAK_BUDGET = 100_000;

    enum Fault { DROP, RESTART, AUTH_FLAP, STALL, REDEPLOY, DB_LOCK, ENTITY_CHURN }

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 10_000)
    ConfigurationAdmin configAdmin;

    @InjectService(timeout = 10_000)
    ServiceComponentRuntime scr;

    private final String run = Long.toString(System.nanoTime(), 36);
    private SimulatedHome home;
    private HaSimulator sim;
    private final List<ServiceRegistration<App>> registered = new CopyOnWriteArrayList<>();
    private Thread firer;
    private final AtomicBoolean firing = new AtomicBoolean(true);
    private final AtomicBoolean stopFiring = new AtomicBoolean();
    private final AtomicLong fired = new AtomicLong();
    private final Object firerLock = new Object();

    @AfterEach
    void tearDown() throws Exception {
        stopFiring.set(true);
        if (firer != null) {
            firer.join(10_000);
        }
        for (ServiceRegistration<App> r : registered) {
            try {
                r.unregister();
            } catch (IllegalStateException gone) {
                // already unregistered
            }
        }
        // the app handler back to its defaults first, and running with them, before the core goes
        configAdmin.getConfiguration("org.hassette.apps", "?").delete();
        Await.until("the app handler running with its default configuration again", WAIT, () -> {
            var d = scr.getComponentDescriptionDTO(Readiness.bundle(context, "org.hassette.apps"), "org.hassette.apps.internal.AppHandler");
            return d != null && scr.getComponentConfigurationDTOs(d).stream().anyMatch(c -> c.state == 8 // ACTIVE
                    && !Integer.valueOf(SOAK_BUDGET).equals(c.properties.get("restart.budget")));
        });
        if (home != null) {
            home.sim.rejectAuth(false);
            home.sim.stall(false);
            home.close();
        }
    }

    /** One listener's view: which seq arrived in which (connection generation, app run). */
    static final class Recorder {
        final String name;
        final List<long[]> seen = Collections.synchronizedList(new ArrayList<>()); // {generation, run, seq}

        Recorder(String name) {
            this.name = name;
        }

        void record(HaEvent e, int appRun) {
            Object seq = e.data().get("seq");
            seen.add(new long[] { e.generation(), appRun, ((Number) seq).longValue() });
        }

        boolean has(long seq) {
            synchronized (seen) {
                for (int i = seen.size() - 1; i >= 0; i--) {
                    if (seen.get(i)[2] == seq) {
                        return true;
                    }
                }
            }
            return false;
        }

        int size() {
            return seen.size();
        }

        /** No seq twice; within one (generation, app run) consecutive, in order, without a gap. */
        void check() {
            List<long[]> copy;
            synchronized (seen) {
                copy = new ArrayList<>(seen);
            }
            Set<Long> all = new HashSet<>();
            Map<String, Long> last = new HashMap<>();
            for (long[] r : copy) {
                assertTrue(all.add(r[2]), name + ": event seq " + r[2] + " delivered twice (generation " + r[0] + ", app run " + r[1] + ")");
                String key = r[0] + "/" + r[1];
                Long previous = last.put(key, r[2]);
                if (previous != null) {
                    assertEquals(previous + 1, r[2], name + ": within connection generation " + r[0] + " and app run " + r[1]
                            + " seq " + r[2] + " followed " + previous + " (a gap or reordering)");
                }
            }
        }
    }

    @Test
    void platformSurvivesRandomFaultsWithItsInvariantsIntact() throws Exception {
        long seconds = Long.parseLong(prop("hassette.soak.seconds", "40"));
        long seed = Long.parseLong(prop("hassette.soak.seed", Long.toString(System.nanoTime())));
        System.out.println("[chaos] seed " + seed + ", " + seconds + " s (replay: -Dhassette.soak.seed=" + seed + ")");
        Random rnd = new Random(seed);

        SimulatedHome.configureAppHandler(context, configAdmin, scr, Map.of("timeout.seconds", 2L, "restart.initial.ms", 50L,
                "restart.max.ms", 200L, "restart.budget", SOAK_BUDGET, "restart.window.seconds", 600L));
        home = SimulatedHome.connect(context, configAdmin, scr);
        sim = home.sim;
        for (int i = 0; i < 20; i++) {
            sim.setState("sensor.chaos_" + i, Integer.toString(i), Map.of("unit_of_measurement", "W"));
        }
        // fast reconnects, a fast retry after auth_invalid, a heartbeat that notices a stall
        var ws = configAdmin.getConfiguration("org.hassette.websocket", "?");
        Dictionary<String, Object> p = ws.getProperties();
        p.put("reconnect.base.ms", 50L);
        p.put("reconnect.max.ms", 400L);
        p.put("auth.retry.ms", 200L);
        p.put("heartbeat.interval.seconds", 1);
        p.put("heartbeat.timeout.seconds", 2); // a stall is noticed within ~3 s; a busy box does not trip it
        p.put("connect.timeout.seconds", 3);
        long before = connection();
        ws.update(p);
        Await.until("the websocket reconnected with the soak settings", WAIT, () -> connection() != before && connection() != -1 && coreReady());

        // the apps: a steady one, one whose handlers throw and time out, one that is redeployed
        Recorder steady = new Recorder("steady");
        Recorder faulty = new Recorder("faulty");
        Recorder redeployed = new Recorder("redeployed");
        List<Long> states = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger steadyRuns = new AtomicInteger();
        AtomicInteger faultyRuns = new AtomicInteger();
        AtomicInteger faultyFailures = new AtomicInteger();
        AtomicReferenceHolder<AppContext> steadyContext = new AtomicReferenceHolder<>();
        register(id("chaos.steady"), ctx -> {
            int n = steadyRuns.incrementAndGet();
            steadyContext.value = ctx;
            ctx.bus().onEvent(EVENT).subscribe(ctx.appId() + ":seq", e -> steady.record(e, n));
            ctx.bus().onStateChange(COUNTER).subscribe(ctx.appId() + ":counter", c -> {
                Object seq = c.newState() == null ? null : c.newState().attribute("seq");
                if (seq != null) {
                    states.add(((Number) seq).longValue());
                }
            });
        });
        register(id("chaos.faulty"), ctx -> {
            int n = faultyRuns.incrementAndGet();
            ctx.bus().onEvent(EVENT).timeout(Duration.ofMillis(100)).subscribe(ctx.appId() + ":seq", e -> {
                faulty.record(e, n);
                long seq = ((Number) e.data().get("seq")).longValue();
                if (seq % 7 == 0) {
                    faultyFailures.incrementAndGet();
                    throw new IllegalStateException("chaos: handler failure on seq " + seq);
                }
                if (seq % 13 == 0) {
                    faultyFailures.incrementAndGet();
                    Thread.sleep(300); // beyond its 100 ms timeout
                }
            });
        });
        AtomicInteger redeployRuns = new AtomicInteger();
        AtomicInteger failingStarts = new AtomicInteger();
        Map<Integer, Integer> countAtUnregister = new HashMap<>();
        Map<Integer, Recorder> byIncarnation = new TreeMap<>();
        int[] incarnation = { 1 };
        registerRedeployed(redeployed, redeployRuns, byIncarnation, incarnation[0], 0, failingStarts);

        firer = new Thread(this::fire, "chaos-firer");
        firer.setDaemon(true);
        firer.start();
        awaitAllReadyAndDelivered(steady, faulty, redeployed);

        // memory baseline once everything has run once
        long baseline = heapAfterGc();
        ServiceReference<SessionTracker> sessionRef = context.getServiceReference(SessionTracker.class);
        long session = context.getService(sessionRef).currentSessionId();
        Path dbFile = Path.of((String) context.getServiceReference(Database.class).getProperty("hassette.database.file"));

        Map<Fault, Integer> injected = new EnumMap<>(Fault.class);
        List<Long> readyMillis = new ArrayList<>();
        Map<Fault, List<Long>> byFault = new EnumMap<>(Fault.class);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        int rounds = 0;
        while (System.nanoTime() < deadline) {
            Fault fault = Fault.values()[rnd.nextInt(Fault.values().length)];
            injected.merge(fault, 1, Integer::sum);
            rounds++;
            long gen = connection();
            long faultEnd;
            switch (fault) {
                case DROP -> {
                    sim.dropAllConnections();
                    faultEnd = System.nanoTime();
                    awaitNewGeneration(gen, fault);
                }
                case RESTART -> {
                    sim.restart(Duration.ofMillis(rnd.nextInt(800)));
                    faultEnd = System.nanoTime();
                    awaitNewGeneration(gen, fault);
                }
                case AUTH_FLAP -> {
                    sim.rejectAuth(true);
                    sim.dropAllConnections();
                    Await.until("auth_invalid reported", WAIT,
                            () -> String.valueOf(home.property("websocket", ResourceProperties.REASON)).startsWith("auth_invalid"));
                    sim.rejectAuth(false);
                    faultEnd = System.nanoTime();
                    awaitNewGeneration(gen, fault);
                }
                case STALL -> {
                    sim.stall(true);
                    try {
                        Await.until("the stall noticed by the heartbeat", WAIT, () -> connection() != gen);
                    } finally {
                        sim.stall(false);
                    }
                    faultEnd = System.nanoTime();
                    awaitNewGeneration(gen, fault);
                }
                case REDEPLOY -> {
                    int old = incarnation[0];
                    unregister(id("chaos.redeployed"));
                    Await.until("redeployed app gone", WAIT, () -> registry().app(app("chaos.redeployed")).isEmpty());
                    countAtUnregister.put(old, byIncarnation.get(old).size());
                    incarnation[0]++;
                    int mode = rnd.nextInt(4); // 0: first start throws, 1: first start overruns its 2 s timeout, else fine
                    registerRedeployed(redeployed, redeployRuns, byIncarnation, incarnation[0], mode == 0 ? 1 : mode == 1 ? 2 : 0,
                            failingStarts);
                    faultEnd = System.nanoTime();
                }
                case DB_LOCK -> {
                    long holdMs = 300 + rnd.nextInt(1500); // below the database's busy timeout of 5 s
                    String key = "lock-" + rounds;
                    CompletableFuture<Void> write;
                    try (Connection other = SqliteFiles.open(dbFile); Statement s = other.createStatement()) {
                        s.execute("BEGIN IMMEDIATE");
                        AppContext ctx = steadyContext.value;
                        write = CompletableFuture.runAsync(() -> ctx.store().put(key, "written while locked"));
                        Thread.sleep(holdMs); // the lock is held for this long, on purpose
                        assertFalse(write.isDone() && write.isCompletedExceptionally(), "a store write failed while another connection held the lock");
                        s.execute("COMMIT");
                    }
                    write.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                    faultEnd = System.nanoTime();
                    assertEquals("written while locked", steadyContext.value.store().get(key).orElse(null));
                }
                case ENTITY_CHURN -> {
                    sim.removeEntity("sensor.chaos_" + rnd.nextInt(20));
                    sim.setState("sensor.chaos_" + rnd.nextInt(20), Integer.toString(rnd.nextInt(100)), Map.of());
                    sim.dropAllConnections();
                    faultEnd = System.nanoTime();
                    awaitNewGeneration(gen, fault);
                }
                default -> throw new AssertionError(fault);
            }
            awaitAllReadyAndDelivered(steady, faulty, redeployed);
            long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - faultEnd);
            readyMillis.add(took);
            byFault.computeIfAbsent(fault, f -> new ArrayList<>()).add(took);
            assertCacheEqualsSimulator(fault);
            steady.check();
            faulty.check();
            redeployed.check();
            for (var e : countAtUnregister.entrySet()) {
                assertEquals(e.getValue().intValue(), byIncarnation.get(e.getKey()).size(),
                        "redeployed app run " + e.getKey() + " got events after its service was unregistered");
            }
            assertEquals(1, listeners(app("chaos.redeployed") + ":seq"), "exactly one listener of the redeployed app");
        }

        // the end: same session, one open row, its heartbeat alive; memory back near its baseline
        firing.set(false);
        assertEquals(session, context.getService(context.getServiceReference(SessionTracker.class)).currentSessionId(),
                "the session survived every fault");
        assertEquals("1", SqliteFiles.text(dbFile, "SELECT count(*) FROM sessions WHERE id >= ?", session), "one session row for this run");
        assertEquals("running", SqliteFiles.session(dbFile, session).get("status"));
        assertNull(SqliteFiles.session(dbFile, session).get("stopped_at"));
        assertTrue(states.size() > 0, "the state listener heard the counter");
        for (int i = 1; i < states.size(); i++) {
            assertTrue(states.get(i) > states.get(i - 1), "counter states out of order or twice: " + states.get(i - 1) + " then " + states.get(i));
        }
        long end = heapAfterGc();
        long allowed = Math.max(48L << 20, baseline / 2);
        List<Long> sorted = new ArrayList<>(readyMillis);
        Collections.sort(sorted);
        String summary = "[chaos] seed " + seed + ": " + rounds + " faults " + injected + " in " + seconds + " s; events fired " + fired.get()
                + ", delivered steady " + steady.size() + " / faulty " + faulty.size() + " (" + faultyFailures.get()
                + " handler failures/timeouts) / redeployed " + redeployed.size() + " over " + incarnation[0] + " deploys ("
                + failingStarts.get() + " failing or hanging first starts); fault end -> all ready and an event delivered: min "
                + sorted.get(0) + " ms, median " + sorted.get(sorted.size() / 2) + " ms, max " + sorted.get(sorted.size() - 1)
                + " ms; heap after GC " + (baseline >> 20) + " MB -> " + (end >> 20) + " MB";
        System.out.println(summary);
        byFault.forEach((f, ms) -> {
            List<Long> m = new ArrayList<>(ms);
            Collections.sort(m);
            System.out.println("[chaos]   " + f + ": " + m.size() + " x, fault end -> ready and delivered min " + m.get(0) + " ms, median "
                    + m.get(m.size() / 2) + " ms, max " + m.get(m.size() - 1) + " ms");
        });
        assertTrue(end <= baseline + allowed, "heap after GC grew from " + (baseline >> 20) + " MB to " + (end >> 20) + " MB; " + summary);
        assertTrue(rounds >= 3, "too few faults: " + summary);
    }

    private void registerRedeployed(Recorder all, AtomicInteger runs, Map<Integer, Recorder> byIncarnation, int incarnation,
            int failFirstStart, AtomicInteger failingStarts) {
        Recorder mine = new Recorder("redeployed#" + incarnation);
        byIncarnation.put(incarnation, mine);
        AtomicBoolean failed = new AtomicBoolean(failFirstStart == 0);
        register(id("chaos.redeployed"), ctx -> {
            if (failed.compareAndSet(false, true)) {
                failingStarts.incrementAndGet();
                if (failFirstStart == 2) {
                    Thread.sleep(3000); // beyond the app handler's timeout.seconds = 2 (interrupted or abandoned)
                    return;
                }
                throw new IllegalStateException("chaos: first start of deploy " + incarnation + " fails");
            }
            int n = runs.incrementAndGet();
            ctx.bus().onEvent(EVENT).subscribe(ctx.appId() + ":seq", e -> {
                mine.record(e, n);
                all.record(e, n);
            });
        });
    }

    /** Fires numbered events (and every 5th a counter state) at about 50/s until stopped. */
    private void fire() {
        while (!stopFiring.get()) {
            try {
                if (firing.get()) {
                    synchronized (firerLock) {
                        long n = fired.incrementAndGet();
                        sim.fireEvent(EVENT, Map.of("seq", n));
                        if (n % 5 == 0) {
                            sim.setState(COUNTER, Long.toString(n), Map.of("seq", n));
                        }
                    }
                }
                Thread.sleep(20); // pacing, not waiting for anything
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * Waits until every core resource and app is ready, then fires one marker event with the firer
     * held and waits until every listener has it (so nothing fired once ready is lost).
     */
    private void awaitAllReadyAndDelivered(Recorder... recorders) {
        for (int attempt = 1;; attempt++) {
            Await.until("every core resource and app ready (" + notReady() + ")", WAIT, this::allReady);
            long conn = connection();
            long marker;
            synchronized (firerLock) {
                marker = fired.incrementAndGet();
                sim.fireEvent(EVENT, Map.of("seq", marker));
            }
            // delivered, unless the connection went meanwhile (a heartbeat timeout on a loaded box): then again
            Await.until("marker event " + marker + " delivered to every listener (" + notReady() + ")", WAIT,
                    () -> allHave(recorders, marker) || connection() != conn);
            if (allHave(recorders, marker)) {
                return;
            }
            assertTrue(attempt < 5, "the connection kept going away before marker events arrived");
        }
    }

    private static boolean allHave(Recorder[] recorders, long seq) {
        for (Recorder r : recorders) {
            if (!r.has(seq)) {
                return false;
            }
        }
        return true;
    }

    private boolean coreReady() {
        if (!Readiness.conditionRegistered(context)) {
            return false;
        }
        for (String r : CORE) {
            if (!Boolean.TRUE.equals(home.property(r, ResourceProperties.READY))) {
                return false;
            }
        }
        // the cache is synced from the connection that is up now
        ServiceReference<StateCache> cache = context.getServiceReference(StateCache.class);
        return cache != null && Long.valueOf(generation()).equals(cache.getProperty("hassette.ha.generation"));
    }

    private boolean allReady() {
        if (!coreReady()) {
            return false;
        }
        AppRegistry registry = registry();
        if (registry == null) {
            return false;
        }
        for (String a : List.of("chaos.steady", "chaos.faulty", "chaos.redeployed")) {
            if (!registry.app(app(a)).map(i -> i.status() == ResourceStatus.RUNNING).orElse(false)) {
                return false;
            }
        }
        return true;
    }

    private String notReady() {
        List<String> out = new ArrayList<>();
        for (String r : CORE) {
            if (!Boolean.TRUE.equals(home.property(r, ResourceProperties.READY))) {
                out.add(r + ": " + home.property(r, ResourceProperties.REASON));
            }
        }
        AppRegistry registry = registry();
        if (registry != null) {
            for (AppInfo i : registry.apps()) {
                if (i.appId().endsWith(run) && i.status() != ResourceStatus.RUNNING) {
                    out.add(i.appId() + ": " + i.status() + " " + i.reason());
                }
            }
        }
        return out.isEmpty() ? "all ready" : String.join("; ", out);
    }

    private void awaitNewGeneration(long old, Fault fault) {
        Await.until("a new connection after " + fault + " (" + notReady() + ")", WAIT, () -> connection() != old && connection() != -1);
    }

    /** The service id of the registered HomeAssistantConnection (one per connection), or -1. */
    private long connection() {
        ServiceReference<HomeAssistantConnection> r = context.getServiceReference(HomeAssistantConnection.class);
        Object id = r == null ? null : r.getProperty("service.id");
        return id == null ? -1 : (Long) id;
    }

    private long generation() {
        ServiceReference<HomeAssistantConnection> r = context.getServiceReference(HomeAssistantConnection.class);
        Object g = r == null ? null : r.getProperty("hassette.ha.generation");
        return g == null ? -1 : (Long) g;
    }

    /** With the firer held, the cache comes to equal the simulator (it may still be applying the last events). */
    private void assertCacheEqualsSimulator(Fault fault) {
        synchronized (firerLock) {
            List<String> last = new ArrayList<>();
            try {
                Await.until("state cache equal to the simulator after " + fault, WAIT, () -> {
                    ServiceReference<StateCache> r = context.getServiceReference(StateCache.class);
                    if (r == null) {
                        last.add("no StateCache");
                        return false;
                    }
                    StateCache cache = context.getService(r);
                    try {
                        String diff = diff(cache);
                        last.add(diff);
                        return diff.isEmpty();
                    } finally {
                        context.ungetService(r);
                    }
                });
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "; last difference: " + (last.isEmpty() ? "?" : last.get(last.size() - 1)));
            }
        }
    }

    private String diff(StateCache cache) {
        Map<String, org.hassette.simulator.EntityState> truth = new HashMap<>();
        sim.states().forEach(s -> truth.put(s.entityId(), s));
        Map<String, EntityState> mirror = new HashMap<>();
        cache.all().forEach(s -> mirror.put(s.entityId(), s));
        StringBuilder out = new StringBuilder();
        for (String id : truth.keySet()) {
            EntityState m = mirror.get(id);
            org.hassette.simulator.EntityState t = truth.get(id);
            if (m == null) {
                out.append("missing ").append(id).append("; ");
            } else if (!t.state().equals(m.state()) || !t.lastUpdated().equals(m.lastUpdated()) || !t.contextId().equals(m.contextId())) {
                out.append(id).append(" is '").append(m.state()).append("' in the cache, '").append(t.state()).append("' in HA; ");
            }
        }
        for (String id : mirror.keySet()) {
            if (!truth.containsKey(id)) {
                out.append("stale ").append(id).append("; ");
            }
        }
        return out.toString();
    }

    private int listeners(String name) {
        ServiceReference<EventBus> r = context.getServiceReference(EventBus.class);
        return (int) context.getService(r).listeners().stream().filter(s -> !s.isCancelled() && s.name().equals(name)).count();
    }

    private AppRegistry registry() {
        ServiceReference<AppRegistry> r = context.getServiceReference(AppRegistry.class);
        return r == null ? null : context.getService(r);
    }

    private static long heapAfterGc() throws InterruptedException {
        var memory = ManagementFactory.getMemoryMXBean();
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100); // let reference processing finish between collections
            best = Math.min(best, memory.getHeapMemoryUsage().getUsed());
        }
        return best;
    }

    private String prop(String key, String fallback) {
        String v = context.getProperty(key);
        if (v == null || v.isBlank()) {
            v = System.getProperty(key);
        }
        return v == null || v.isBlank() ? fallback : v.trim();
    }

    private void register(String pid, App app) {
        Dictionary<String, Object> p = new Hashtable<>();
        p.put("service.pid", pid);
        registered.add(context.registerService(App.class, app, p));
    }

    private void unregister(String pid) {
        for (ServiceRegistration<App> r : registered) {
            try {
                if (pid.equals(r.getReference().getProperty("service.pid"))) {
                    r.unregister();
                    registered.remove(r);
                }
            } catch (IllegalStateException gone) {
                registered.remove(r);
            }
        }
    }

    private String id(String base) {
        return base + "_" + run;
    }

    private String app(String base) {
        return "app:" + id(base);
    }

    static final class AtomicReferenceHolder<T> {
        volatile T value;
    }
}
