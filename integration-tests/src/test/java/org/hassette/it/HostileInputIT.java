package org.hassette.it;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.hassette.api.app.App;
import org.hassette.api.app.AppInfo;
import org.hassette.api.app.AppRegistry;
import org.hassette.api.ha.HomeAssistantConnection;
import org.hassette.api.ha.StateCache;
import org.hassette.api.ha.Subscription;
import org.hassette.api.lifecycle.ResourceProperties;
import org.hassette.api.lifecycle.ResourceStatus;
import org.hassette.api.scheduler.InvalidScheduleException;
import org.hassette.api.scheduler.JobOptions;
import org.hassette.api.scheduler.Scheduler;
import org.hassette.simulator.ConnectionInfo;
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
 * The hostile input corpus against a real framework: what Home Assistant (here the simulator's raw
 * message injection) could send that is malformed, of the wrong type, of an unknown kind, 100 MB
 * large or about an invalid entity id, and bad schedules handed to the scheduler by apps. Each is
 * reported with a message naming the input, and the platform keeps working: the same connection
 * still delivers events, the cache is unharmed, another app keeps running.
 */
class HostileInputIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 10_000)
    ConfigurationAdmin configAdmin;

    @InjectService(timeout = 10_000)
    ServiceComponentRuntime scr;

    private final String run = Long.toString(System.nanoTime(), 36);
    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private java.io.PrintStream originalOut;
    private SimulatedHome home;
    private final List<ServiceRegistration<App>> registered = new ArrayList<>();

    /** Log lines reach the console (logback-it.xml); the test reads its own stdout, line by line. */
    private void captureWarnings() {
        originalOut = System.out;
        java.io.PrintStream tee = new java.io.PrintStream(new java.io.OutputStream() {
            private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();

            @Override
            public synchronized void write(int b) {
                originalOut.write(b);
                if (b == '\n') {
                    String text = line.toString(java.nio.charset.StandardCharsets.UTF_8);
                    line.reset();
                    if (text.contains(" WARN ")) {
                        warnings.add(text);
                    }
                } else {
                    line.write(b);
                }
            }
        }, true);
        System.setOut(tee);
    }

    @BeforeEach
    void setUp() throws Exception {
        captureWarnings();
        SimulatedHome.configureAppHandler(context, configAdmin, scr, Map.of("timeout.seconds", 2L, "restart.initial.ms", 60_000L,
                "restart.max.ms", 60_000L));
        home = SimulatedHome.connect(context, configAdmin, scr);
    }

    @AfterEach
    void tearDown() throws Exception {
        System.setOut(originalOut);
        for (ServiceRegistration<App> r : registered) {
            try {
                r.unregister();
            } catch (IllegalStateException gone) {
                // already gone
            }
        }
        home.close();
        SimulatedHome.resetAppHandler(context, configAdmin, scr);
    }

    @Test
    void malformedAndUnexpectedMessagesAreNamedAndSkippedOnTheSameConnection() throws Exception {
        ServiceReference<HomeAssistantConnection> ref = context.getServiceReference(HomeAssistantConnection.class);
        HomeAssistantConnection connection = context.getService(ref);
        StateCache cache = context.getService(context.getServiceReference(StateCache.class));
        List<Long> probes = new CopyOnWriteArrayList<>();
        Subscription probeListener = connection.onEvent("hostile_probe", e -> probes.add(((Number) e.data().get("n")).longValue()));
        String validState = "{\"entity_id\":\"%s\",\"state\":\"on\",\"attributes\":{},\"last_changed\":\"2026-11-28T10:00:00+00:00\","
                + "\"last_reported\":\"2026-11-28T10:00:00+00:00\",\"last_updated\":\"2026-11-28T10:00:00+00:00\","
                + "\"context\":{\"id\":\"01JDHOSTILE0000000000000000\",\"parent_id\":null,\"user_id\":null}}";
        // message sent as is -> what the warning must say about it
        Map<String, String> corpus = new java.util.LinkedHashMap<>();
        corpus.put("{\"type\":\"event\",\"event\":{\"event_type\":", "malformed frame (38 bytes, starts with '{\"type\":\"event\",\"event\":{\"event_type\":");
        corpus.put("not json at all", "malformed frame (15 bytes, starts with 'not json at all");
        corpus.put("\"just a string\"", "not an object: just a string");
        corpus.put("[1,2,3]", "not an object: 1");
        corpus.put("{\"id\":2,\"type\":\"event\",\"event\":\"not an object\"}", "without an event object (id 2)");
        corpus.put("{\"id\":2,\"type\":\"frobnicate\",\"x\":1}", "unknown type 'frobnicate' (id 2)");
        corpus.put("{\"id\":2,\"type\":42}", "unknown type '42' (id 2)");
        corpus.put("{\"id\":2,\"type\":\"event\",\"event\":{\"data\":{}}}", "event without event_type");
        corpus.put("{\"id\":2,\"type\":\"event\",\"event\":{\"event_type\":\"state_changed\",\"data\":{\"entity_id\":\"sensor.hostile_time\","
                + "\"new_state\":{\"entity_id\":\"sensor.hostile_time\",\"state\":\"on\",\"last_updated\":\"yesterday\"}}}}",
                "malformed state_changed for sensor.hostile_time");
        corpus.put("{\"id\":2,\"type\":\"event\",\"event\":{\"event_type\":\"state_changed\",\"data\":{\"entity_id\":\"Not An Id\","
                + "\"new_state\":" + String.format(validState, "Not An Id") + "}}}", "invalid entity id 'Not An Id'");
        corpus.put("{\"id\":2,\"type\":\"event\",\"event\":{\"event_type\":\"state_changed\",\"data\":{\"entity_id\":\"sensor.hostile_a\","
                + "\"new_state\":" + String.format(validState, "sensor.hostile_b") + "}}}", "sensor.hostile_a");

        int n = 0;
        for (var e : corpus.entrySet()) {
            awaitNothingPending(); // so that the message goes alone, not inside a coalesced array
            int before = warnings.size();
            assertEquals(1, home.sim.sendRawMessage(e.getKey()), "sent to the platform's connection");
            Await.until("a warning containing \"" + e.getValue() + "\" for " + e.getKey() + "; warnings: " + tail(before), WAIT,
                    () -> warnings.subList(before, warnings.size()).stream().anyMatch(w -> w.contains(e.getValue())));
            // the same connection still delivers
            long probe = ++n;
            home.sim.fireEvent("hostile_probe", Map.of("n", probe));
            Await.until("probe " + probe + " after " + e.getKey(), WAIT, () -> probes.contains(probe));
            assertEquals(ref.getProperty("service.id"), context.getServiceReference(HomeAssistantConnection.class).getProperty("service.id"),
                    "no reconnect for " + e.getKey());
        }
        probeListener.close();
        assertTrue(cache.get("Not An Id").isEmpty(), "an invalid entity id is not mirrored");
        assertTrue(cache.get("sensor.hostile_a").isEmpty() && cache.get("sensor.hostile_b").isEmpty(),
                "a state whose entity id differs from the event's is not mirrored");
        assertTrue(cache.get("sensor.hostile_time").isEmpty());
        assertEquals(Boolean.TRUE, home.property("websocket", ResourceProperties.READY));
        assertEquals(Boolean.TRUE, home.property("states", ResourceProperties.READY));
    }

    @Test
    void hundredMegabyteMessageIsRefusedByItsSizeAndTheConnectionComesBack() throws Exception {
        Object before = context.getServiceReference(HomeAssistantConnection.class).getProperty("service.id");
        int bytes = home.sim.sendOversizedFrame(100 * 1024 * 1024);
        // The frame itself, then each get_states on reconnect (it holds the same oversized entity), is refused;
        // the reason names whichever came last, so accept any message at least as large as the frame sent.
        java.util.regex.Pattern refused = java.util.regex.Pattern.compile(
                "message of (\\d+) bytes exceeds the limit of " + (64 * 1024 * 1024) + " bytes \\(max_message_mb\\)");
        Await.until("the reason names the size and the limit", WAIT, () -> {
            java.util.regex.Matcher m = refused.matcher(String.valueOf(home.property("websocket", ResourceProperties.REASON)));
            return m.find() && Long.parseLong(m.group(1)) >= bytes;
        });
        assertEquals("running", home.property("websocket", ResourceProperties.STATUS), "an HA problem is not a failure");
        // the entity is made small again in HA: the connection comes back by itself
        home.sim.setState("sensor.sim_oversized", "small", Map.of());
        Await.until("a new connection", WAIT, () -> {
            ServiceReference<HomeAssistantConnection> r = context.getServiceReference(HomeAssistantConnection.class);
            return r != null && !r.getProperty("service.id").equals(before);
        });
        Await.until("core ready again", WAIT, () -> Readiness.conditionRegistered(context));
        StateCache cache = context.getService(context.getServiceReference(StateCache.class));
        Await.until("the cache has the small state", WAIT,
                () -> cache.get("sensor.sim_oversized").map(s -> "small".equals(s.state())).orElse(false));
    }

    @Test
    void badSchedulesAreRefusedNamingTheExpressionAndTheAppFailsAloneWithThatReason() throws Exception {
        Scheduler scheduler = context.getService(context.getServiceReference(Scheduler.class));
        for (String cron : List.of("", "* * * *", "61 * * * *", "*/0 * * * *", "* * 31 2 *", "@sometimes", "a b c d e", "1-70 * * * *")) {
            InvalidScheduleException e = assertThrows(InvalidScheduleException.class,
                    () -> scheduler.runCron(cron, () -> { }, JobOptions.builder().name("hostile").build()), "cron '" + cron + "'");
            assertTrue(e.getMessage().startsWith("Invalid schedule '" + cron + "'"), e.getMessage());
        }
        AtomicInteger healthyRuns = new AtomicInteger();
        register(id("hostile.healthy"), ctx -> ctx.scheduler().runEvery(Duration.ofMillis(100), healthyRuns::incrementAndGet,
                JobOptions.builder().name("tick").build()));
        register(id("hostile.badcron"), ctx -> ctx.scheduler().runCron("0 25 * * *", () -> { }, JobOptions.builder().name("never").build()));
        AppRegistry registry = context.getService(context.getServiceReference(AppRegistry.class));
        Await.until("the bad cron app failed with the expression in its reason (" + registry.apps() + ")", WAIT,
                () -> registry.app(app("hostile.badcron")).map(a -> a.status() == ResourceStatus.FAILED
                        && a.reason() != null && a.reason().contains("Invalid schedule '0 25 * * *'")).orElse(false));
        int runs = healthyRuns.get();
        Await.until("the healthy app keeps running its job", WAIT, () -> healthyRuns.get() > runs + 3);
        AppInfo healthy = registry.app(app("hostile.healthy")).orElseThrow();
        assertEquals(ResourceStatus.RUNNING, healthy.status(), healthy.toString());
        assertTrue(Readiness.conditionRegistered(context), "the core stays ready");
    }

    private void awaitNothingPending() {
        Await.until("the simulator has written everything", WAIT,
                () -> home.sim.connections().stream().mapToInt(ConnectionInfo::pending).allMatch(p -> p == 0));
    }

    private String tail(int from) {
        return warnings.subList(Math.min(from, warnings.size()), warnings.size()).toString();
    }

    private void register(String pid, App app) {
        Dictionary<String, Object> p = new Hashtable<>();
        p.put("service.pid", pid);
        registered.add(context.registerService(App.class, app, p));
    }

    private String id(String base) {
        return base + "_" + run;
    }

    private String app(String base) {
        return "app:" + id(base);
    }
}
