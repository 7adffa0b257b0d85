package org.hassette.it;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.hassette.api.app.AppRegistry;
import org.hassette.api.bus.InvocationListener;
import org.hassette.api.bus.InvocationRecord;
import org.hassette.api.bus.ListenerStats;
import org.hassette.api.ha.HomeAssistantApi;
import org.hassette.api.lifecycle.ResourceStatus;
import org.hassette.api.scheduler.JobInfo;
import org.hassette.api.scheduler.JobStatus;
import org.hassette.api.scheduler.RunOutcome;
import org.hassette.itest.busapp.BusProbe;
import org.hassette.simulator.HaSimulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/**
 * Issue 5's "done when": the bus and the scheduler used through the public API only, by real apps in
 * their own bundles ({@code org.hassette.itest.busapp}, {@code org.hassette.itest.emitter}), deployed
 * through the app handler in a real framework against the HA simulator. The probe app registers one
 * listener of every kind and option and one job of every kind in its {@code start}; this test drives
 * Home Assistant (the simulator) and reads back what the app saw. Durations are short but real; every
 * wait is a condition with a generous timeout, never a sleep.
 */
class BusSchedulerFelixIT {
    static final Duration WAIT = Duration.ofSeconds(45);
    static final String PROBE = "app:it.busprobe";
    static final String EMITTER = "app:it.emitter";

    @InjectBundleContext
    BundleContext context;
    @InjectService(timeout = 10_000)
    ConfigurationAdmin configAdmin;
    @InjectService(timeout = 10_000)
    ServiceComponentRuntime scr;

    private SimulatedHome home;
    private HaSimulator sim;
    private AppRegistry registry;
    private BusProbe probe;
    private final List<InvocationRecord> invocations = new CopyOnWriteArrayList<>();
    private ServiceRegistration<InvocationListener> telemetry;

    @BeforeEach
    void setUp() throws Exception {
        registry = context.getService(context.getServiceReference(AppRegistry.class));
        home = SimulatedHome.start(context, configAdmin, scr);
        sim = home.sim;
        // entities the app finds when it starts (immediate) or that must exist for service calls
        sim.setState("sensor.it_bp_seed", "42", Map.of());
        sim.setState("light.it_bp_lamp", "on", Map.of("brightness", 10));
        sim.setState("light.it_bp_svc", "off", Map.of());
        sim.setState("light.it_bp_other", "off", Map.of());
        sim.setState("input_boolean.it_bp_allow", "off", Map.of());
        telemetry = context.registerService(InvocationListener.class, invocations::add, null);
        home.connect();
        configure("it.emitter");
        configure("it.busprobe");
        Await.until(PROBE + " and " + EMITTER + " running (" + registry.apps() + ")", WAIT,
                () -> running(PROBE) && running(EMITTER));
        Await.until("the probe app's service", WAIT, () -> probe() != null && probe().appId().equals(PROBE));
        probe = probe();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (probe != null) {
            probe.releaseSingle();
        }
        for (String pid : List.of("it.busprobe", "it.emitter")) {
            configAdmin.getConfiguration(pid, "?").delete();
        }
        Await.until("test apps stopped", WAIT, () -> !running(PROBE) && !running(EMITTER));
        if (telemetry != null) {
            telemetry.unregister();
        }
        home.close();
    }

    @Test
    void everyListenerKindAndOptionWorksFromARealApp() throws Exception {
        // immediate: one call at registration with the current state
        awaitSeen("immediate", List.of("immediate:42"));

        // glob: sensor.it_bp_*_temp, not the humidity sensor; the last change is a sentinel for ordering
        sim.setState("sensor.it_bp_kitchen_temp", "21", Map.of());
        sim.setState("sensor.it_bp_kitchen_humidity", "50", Map.of());
        sim.setState("sensor.it_bp_hall_temp", "19", Map.of());
        awaitSeen("glob", List.of("sensor.it_bp_kitchen_temp=21", "sensor.it_bp_hall_temp=19"));

        // domain and entity list
        sim.setState("input_boolean.it_bp_x", "on", Map.of());
        sim.setState("switch.it_bp_a", "on", Map.of());
        sim.setState("switch.it_bp_c", "on", Map.of());
        sim.setState("switch.it_bp_b", "on", Map.of());
        Await.until("domain listener saw input_boolean.it_bp_x (" + probe.seen("domain") + ")", WAIT,
                () -> probe.seen("domain").contains("input_boolean.it_bp_x=on"));
        awaitSeen("list", List.of("switch.it_bp_a=on", "switch.it_bp_b=on"));

        // attribute change: only brightness changes count, not a state change with the same brightness
        sim.setState("light.it_bp_lamp", "on", Map.of("brightness", 20));
        sim.setState("light.it_bp_lamp", "off", Map.of("brightness", 20));
        sim.setState("light.it_bp_lamp", "off", Map.of("brightness", 30));
        awaitSeen("attr", List.of("20", "30"));

        // a Home Assistant event type, filtered on its data
        sim.fireEvent("it_bp_custom", Map.of("kind", "ping", "n", 1));
        sim.fireEvent("it_bp_custom", Map.of("kind", "pong", "n", 2));
        sim.fireEvent("it_bp_custom", Map.of("kind", "ping", "n", 3));
        awaitSeen("event", List.of("1", "3"));

        // a service call listener (call_service events), matched on the service data
        HomeAssistantApi api = context.getService(context.getServiceReference(HomeAssistantApi.class));
        api.turnOn("light.it_bp_other").get(WAIT.toSeconds(), TimeUnit.SECONDS);
        api.turnOn("light.it_bp_svc").get(WAIT.toSeconds(), TimeUnit.SECONDS);
        Await.until("service call seen (" + probe.seen("service") + ")", WAIT, () -> probe.seen("service").size() == 1);
        assertTrue(probe.seen("service").get(0).startsWith("turn_on ") && probe.seen("service").get(0).contains("light.it_bp_svc"),
                probe.seen("service").toString());

        // app to app: the emitter app (another bundle) emits on a topic the probe app listens to
        sim.setState("input_text.it_em_say", "hello", Map.of());
        awaitSeen("topic", List.of("it/emitter/said=hello"));

        // once: removed after the first call
        sim.setState("input_number.it_bp_once", "1", Map.of());
        awaitSeen("once", List.of("1"));
        assertTrue(probe.listener("once").orElseThrow().isCancelled());
        sim.setState("input_number.it_bp_once", "2", Map.of());

        // throttle (leading, 5 minutes): the first of three
        for (String v : List.of("1", "2", "3")) {
            sim.setState("input_number.it_bp_throttle", v, Map.of());
        }
        awaitStats("throttle", s -> s.matched() == 3);
        assertEquals(List.of("1"), probe.seen("throttle"));
        assertEquals(2, stats("throttle").suppressed());

        // debounce (trailing, 3 s): one call with the latest of three
        for (String v : List.of("1", "2", "3")) {
            sim.setState("input_number.it_bp_debounce", v, Map.of());
        }
        awaitSeen("debounce", List.of("3"));
        assertEquals(3, stats("debounce").matched());
        assertEquals(1, stats("debounce").invoked());

        // holdFor (4 s): "on" that does not hold is cancelled; one that holds fires
        sim.setState("binary_sensor.it_bp_door", "on", Map.of());
        sim.setState("binary_sensor.it_bp_door", "off", Map.of());
        awaitStats("hold", s -> s.received() >= 2);
        sim.setState("binary_sensor.it_bp_door", "on", Map.of());
        awaitSeen("hold", List.of("off->on")); // the first "on" (from nothing) was cancelled by "off"
        assertEquals(1, stats("hold").invoked());

        // timeout (300 ms): the slow handler is interrupted and the error handler told
        sim.setState("input_button.it_bp_slow", "2026-01-01T00:00:00+00:00", Map.of());
        awaitSeen("timeout-error", List.of("TIMEOUT TimeoutException"));
        assertEquals(List.of("started"), probe.seen("timeout"), "interrupted, never finished");

        // mode single: while the first call blocks, the next two are not run
        sim.setState("input_number.it_bp_single", "1", Map.of());
        awaitSeen("single", List.of("1"));
        sim.setState("input_number.it_bp_single", "2", Map.of());
        sim.setState("input_number.it_bp_single", "3", Map.of());
        awaitStats("single", s -> s.matched() == 3 && s.suppressed() == 2);
        probe.releaseSingle();
        assertEquals(List.of("1"), probe.seen("single"));

        // a constraint says no: the call is skipped and recorded with the constraint's name
        String constrained = PROBE + ":constrained";
        sim.setState("input_number.it_bp_gate", "1", Map.of());
        Await.until("a skip recorded for " + constrained + " (" + invocations + ")", WAIT, () -> invocations.stream()
                .anyMatch(r -> r.listener().equals(constrained) && r.outcome() == InvocationRecord.Outcome.SKIPPED));
        InvocationRecord skip = invocations.stream().filter(r -> r.listener().equals(constrained)).findFirst().orElseThrow();
        assertTrue(skip.detail().contains("input_boolean.it_bp_allow is on") && skip.detail().contains("off"), skip.detail());
        assertEquals(1, stats("constrained").skipped());
        assertEquals(List.of(), probe.seen("constrained"));
        sim.setState("input_boolean.it_bp_allow", "on", Map.of());
        Await.until("the allow flag reached the state cache", WAIT, () -> probe.seen("domain").contains("input_boolean.it_bp_allow=on"));
        sim.setState("input_number.it_bp_gate", "2", Map.of());
        awaitSeen("constrained", List.of("2"));

        // ifExists: SKIP with the same options keeps the first, ERROR refuses, REPLACE swaps
        assertEquals(List.of("skip-same: true", "error: refused", "replace: old cancelled true, new active true"), probe.notes());
        sim.setState("input_number.it_bp_dup", "1", Map.of());
        awaitSeen("dup", List.of("replacement"));

        // the once listener got nothing more (its second change was long routed by now)
        assertEquals(List.of("1"), probe.seen("once"));
        // every listener is the app's and carries its name in telemetry
        assertTrue(invocations.stream().anyMatch(r -> r.listener().equals(PROBE + ":glob") && r.outcome() == InvocationRecord.Outcome.SUCCESS));
    }

    @Test
    void everyJobKindWorksFromARealApp() throws Exception {
        // runIn, runEvery, runCron fire on their own
        awaitSeen("runIn", List.of("ran"));
        Await.until("interval job ran three times (" + probe.seen("every").size() + ")", WAIT, () -> probe.seen("every").size() >= 3);
        Await.until("cron job ran twice", WAIT, () -> probe.seen("cron").size() >= 2);

        // job listing with status and next run
        Await.until("the sun job is planned from Home Assistant's location (" + jobs() + ")", WAIT,
                () -> job("sunset").status() == JobStatus.SCHEDULED);
        Await.until("the runIn run recorded", WAIT, () -> job("runIn").lastOutcome().isPresent()); // after its body returned
        Map<String, JobInfo> jobs = jobs();
        assertEquals(java.util.Set.of("runIn", "cron", "alarm", "sunset", "manual", "later"), jobs.keySet());
        assertEquals(JobStatus.COMPLETED, jobs.get("runIn").status());
        assertEquals(RunOutcome.SUCCEEDED, jobs.get("runIn").lastOutcome().orElseThrow());
        assertEquals(JobStatus.SCHEDULED, jobs.get("cron").status());
        assertEquals(JobStatus.WAITING, jobs.get("alarm").status(), "input_datetime.it_bp_alarm does not exist yet");
        assertEquals(JobStatus.MANUAL, jobs.get("manual").status());
        assertTrue(jobs.get("manual").nextRun().isEmpty());
        int hour = jobs.get("sunset").nextRun().orElseThrow().withZoneSameInstant(ZoneId.of("America/Los_Angeles")).getHour();
        assertTrue(hour >= 16 && hour <= 20, "a sunset at the simulator's location (San Diego): " + jobs.get("sunset").nextRun());
        List<String> order = probe.jobs(BusProbe.GROUP).stream().filter(j -> j.nextRun().isPresent())
                .map(j -> j.nextRun().get().toInstant().toString()).toList();
        assertEquals(order.stream().sorted().toList(), order, "listed by next run");

        // entity-driven time: the job runs at the time the entity holds once it holds one
        ZonedDateTime soon = ZonedDateTime.now().plusSeconds(5).withNano(0); // room for a slow state-cache path on a loaded box
        sim.setState("input_datetime.it_bp_alarm", soon.toOffsetDateTime().toString(), Map.of());
        awaitSeen("alarm", List.of("ran"));
        Await.until("the alarm job waits for the next value", WAIT, () -> job("alarm").status() == JobStatus.WAITING);

        // runNow: a manual job, and a scheduled one whose next run stays
        probe.runNow("manual");
        awaitSeen("manual", List.of("ran"));
        // the job saw its run from inside it; the scheduler records the run once the job has returned
        Await.until("the manual run recorded", WAIT, () -> job("manual").lastRun().isPresent());
        assertTrue(job("manual").lastRun().orElseThrow().manual());
        assertEquals(JobStatus.MANUAL, job("manual").status());
        ZonedDateTime laterNext = job("later").nextRun().orElseThrow();
        probe.runNow("later");
        awaitSeen("later", List.of("ran"));
        assertEquals(laterNext, job("later").nextRun().orElseThrow(), "a manual run does not consume the scheduled one");

        // cancel by group
        assertEquals(1, probe.cancelGroup(BusProbe.EVERY_GROUP));
        assertEquals(List.of(), probe.jobs(BusProbe.EVERY_GROUP));
        int afterCancel = probe.seen("every").size();
        int cronBefore = probe.seen("cron").size();
        Await.until("two more cron runs", WAIT, () -> probe.seen("cron").size() >= cronBefore + 2);
        assertTrue(probe.seen("every").size() <= afterCancel + 1, "at most a run already in flight after cancelling");
        assertEquals(6, probe.cancelGroup(BusProbe.GROUP));
        assertEquals(List.of(), probe.jobs(BusProbe.GROUP));
    }

    // ---- helpers ----

    private void configure(String pid) throws Exception {
        Dictionary<String, Object> p = new Hashtable<>();
        p.put("it", "bus-scheduler");
        configAdmin.getConfiguration(pid, "?").update(p);
    }

    private boolean running(String appId) {
        return registry.app(appId).map(a -> a.status() == ResourceStatus.RUNNING).orElse(false);
    }

    private BusProbe probe() {
        ServiceReference<BusProbe> ref = context.getServiceReference(BusProbe.class);
        return ref == null ? null : context.getService(ref);
    }

    private void awaitSeen(String name, List<String> expected) {
        Await.until(name + " saw " + expected + " (saw " + probe.seen(name) + ")", WAIT, () -> probe.seen(name).size() >= expected.size());
        assertEquals(expected, probe.seen(name), name);
    }

    private ListenerStats stats(String name) {
        return probe.listener(name).orElseThrow().stats();
    }

    private void awaitStats(String name, java.util.function.Predicate<ListenerStats> condition) {
        Await.until(name + " stats (" + stats(name) + ")", WAIT, () -> condition.test(stats(name)));
    }

    private Map<String, JobInfo> jobs() {
        String prefix = PROBE + ":";
        return probe.jobs(BusProbe.GROUP).stream().collect(Collectors.toMap(j -> j.name().substring(prefix.length()), Function.identity()));
    }

    private JobInfo job(String shortName) {
        return probe.jobs(BusProbe.GROUP).stream().filter(j -> j.name().equals(probe.jobName(shortName))).findFirst()
                .orElseThrow(() -> new AssertionError("no job " + shortName));
    }
}
