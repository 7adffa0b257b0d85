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
import org.hassette.api.ha.HomeAssistantApi;
import org.hassette.api.scheduler.JobHandle;
import org.hassette.api.scheduler.JobOptions;
import org.hassette.api.scheduler.JobStatus;
import org.hassette.api.scheduler.Location;
import org.hassette.api.scheduler.Scheduler;
import org.hassette.api.scheduler.SunEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/**
 * The scheduler component ({@code org.hassette.scheduler}) wired to the rest of the platform in a real
 * framework: the location for sun events comes from its configuration until Home Assistant's
 * {@code get_config} answers (the HA simulator's), a sun job registered before any location waits and
 * is planned when it arrives, and entity-timed jobs read the state cache and follow its changes.
 */
class SchedulerServiceIT {
    static final Duration WAIT = Duration.ofSeconds(45);
    static final String GROUP = "it-scheduler-service";
    /** Sydney: a sunset there is never between 16:00 and 21:00 in Los Angeles, and the other way round. */
    static final double SYDNEY_LAT = -33.8688;
    static final double SYDNEY_LON = 151.2093;

    @InjectBundleContext
    BundleContext context;
    @InjectService(timeout = 10_000)
    ConfigurationAdmin configAdmin;
    @InjectService(timeout = 10_000)
    ServiceComponentRuntime scr;

    private SimulatedHome home;

    @AfterEach
    void tearDown() throws Exception {
        Scheduler s = scheduler();
        if (s != null) {
            s.cancelGroup(GROUP);
        }
        if (home != null) {
            home.close();
        }
        var c = configAdmin.getConfiguration("org.hassette.scheduler", "?");
        if (c.getProperties() != null) {
            c.delete();
            // SCR applies the deletion on its own thread: until it has, the instance of this test is still the
            // registered one (and may have no location either), and the next test would see it replaced under it
            Await.until("scheduler component without its configuration", WAIT,
                    () -> Components.configurationPid(scr, "org.hassette.scheduler") == null);
            Await.until("scheduler back with its default configuration", WAIT, () -> {
                Scheduler now = scheduler(); // once: it may go away between two lookups
                return now != null && now.location().isEmpty();
            });
            Await.until("scheduler ready", WAIT, () -> Platform.isReady(context, "scheduler"));
        }
    }

    /**
     * Gives the scheduler component this configuration and waits for the new instance: a fresh one
     * knows no location from an earlier connection (the scheduler keeps Home Assistant's last one).
     */
    Scheduler restartScheduler(Map<String, Object> properties) throws Exception {
        ServiceReference<Scheduler> old = context.getServiceReference(Scheduler.class);
        Object oldId = old == null ? null : old.getProperty("service.id");
        Dictionary<String, Object> p = new Hashtable<>(properties);
        p.put("it.run", java.util.UUID.randomUUID().toString());
        configAdmin.getConfiguration("org.hassette.scheduler", "?").update(p);
        Await.until("a new scheduler instance", WAIT, () -> {
            ServiceReference<Scheduler> r = context.getServiceReference(Scheduler.class);
            return r != null && !r.getProperty("service.id").equals(oldId);
        });
        return scheduler();
    }

    Scheduler scheduler() {
        ServiceReference<Scheduler> ref = context.getServiceReference(Scheduler.class);
        return ref == null ? null : context.getService(ref);
    }

    @Test
    void configuredLocationUntilHomeAssistantAnswersThenHomeAssistantsAndWaitingSunJobsArePlanned() throws Exception {
        home = SimulatedHome.start(context, configAdmin, scr);
        // no location at all yet (the simulator is not connected, nothing configured): a sun job waits, it is not refused
        Scheduler before = restartScheduler(Map.of());
        assertEquals(java.util.Optional.empty(), before.location());
        JobHandle waiting = before.runAtSun(SunEvent.SUNSET, Duration.ZERO, () -> { }, JobOptions.builder().name("it-ss-waiting").group(GROUP).build());
        assertEquals(JobStatus.WAITING, waiting.status());
        assertTrue(waiting.nextRun().isEmpty());
        assertEquals(JobStatus.WAITING, before.jobs(GROUP).get(0).status(), "listed as waiting");

        // a configured location is used while Home Assistant has not given one (the component restarts with it)
        Scheduler configured = restartScheduler(Map.of("latitude", String.valueOf(SYDNEY_LAT), "longitude", String.valueOf(SYDNEY_LON)));
        assertEquals(new Location(SYDNEY_LAT, SYDNEY_LON, 0), configured.location().orElseThrow());
        JobHandle sydney = configured.runAtSun(SunEvent.SUNSET, Duration.ZERO, () -> { }, JobOptions.builder().name("it-ss-sunset").group(GROUP).build());
        assertEquals(JobStatus.SCHEDULED, sydney.status());
        assertSunsetIn(ZoneId.of("Australia/Sydney"), sydney.nextRun().orElseThrow());

        // Home Assistant connects: its get_config location wins and the sun job is planned again for it
        home.connect();
        Map<String, Object> haConfig = api().getConfig().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        double lat = ((Number) haConfig.get("latitude")).doubleValue();
        double lon = ((Number) haConfig.get("longitude")).doubleValue();
        Await.until("scheduler uses Home Assistant's location " + lat + "," + lon, WAIT,
                () -> configured.location().map(l -> l.latitude() == lat && l.longitude() == lon).orElse(false));
        Await.until("the sun job is planned again for Home Assistant's location (" + sydney.nextRun() + ")", WAIT,
                () -> sydney.nextRun().map(t -> isSunsetIn(ZoneId.of("America/Los_Angeles"), t)).orElse(false));
        ZonedDateTime next = sydney.nextRun().orElseThrow();
        assertEquals(configured.sunTime(SunEvent.SUNSET, next.withZoneSameInstant(configured.clock().zone()).toLocalDate()).orElseThrow()
                .toInstant(), next.toInstant());
    }

    @Test
    void anUnusableConfiguredLocationIsIgnoredAndTheSchedulerStaysReady() throws Exception {
        Scheduler s = restartScheduler(Map.of("latitude", "north", "longitude", "8.5"));
        Await.until("scheduler ready", WAIT, () -> Platform.isReady(context, "scheduler"));
        assertEquals(java.util.Optional.empty(), s.location(), "a latitude that is not a number is ignored (and logged)");
        s = restartScheduler(Map.of("latitude", "91", "longitude", "8.5"));
        assertEquals(java.util.Optional.empty(), s.location(), "a latitude outside -90..90 is ignored (and logged)");
        JobHandle h = s.runAtSun(SunEvent.SUNRISE, Duration.ZERO, () -> { }, JobOptions.builder().name("it-ss-bad").group(GROUP).build());
        assertEquals(JobStatus.WAITING, h.status());
    }

    @Test
    void aSunJobRegisteredBeforeGetConfigAnswersIsPlannedOnceItDoes() throws Exception {
        home = SimulatedHome.start(context, configAdmin, scr);
        Scheduler s = restartScheduler(Map.of());
        JobHandle dusk = s.runAtSun(SunEvent.DUSK, Duration.ofMinutes(5), () -> { }, JobOptions.builder().name("it-ss-dusk").group(GROUP).build());
        assertEquals(JobStatus.WAITING, dusk.status(), "before Home Assistant answers get_config");
        home.connect();
        Await.until("planned once get_config answered", WAIT, () -> dusk.status() == JobStatus.SCHEDULED);
        ZonedDateTime next = dusk.nextRun().orElseThrow();
        ZonedDateTime duskTime = s.sunTime(SunEvent.DUSK, next.minusMinutes(5).withZoneSameInstant(s.clock().zone()).toLocalDate()).orElseThrow();
        assertEquals(duskTime.plusMinutes(5).toInstant(), next.toInstant());
        assertTrue(next.isAfter(ZonedDateTime.now()));
    }

    @Test
    void entityTimedJobsReadTheStateCacheAndFollowItsChanges() throws Exception {
        home = SimulatedHome.connect(context, configAdmin, scr);
        Scheduler s = scheduler();
        List<String> ran = new CopyOnWriteArrayList<>();
        JobHandle alarm = s.runAtEntityTime("input_datetime.it_ss_alarm", null, Duration.ZERO, () -> ran.add("alarm"),
                JobOptions.builder().name("it-ss-alarm").group(GROUP).build());
        assertEquals(JobStatus.WAITING, alarm.status(), "no such entity yet");
        // far ahead first: planned at exactly that instant from the state cache
        ZonedDateTime far = ZonedDateTime.now().plusHours(3).withNano(0);
        home.sim.setState("input_datetime.it_ss_alarm", far.toOffsetDateTime().toString(), Map.of());
        Await.until("planned from the entity's value", WAIT,
                () -> alarm.nextRun().map(t -> t.toInstant().equals(far.toInstant())).orElse(false));
        // changed to soon: planned again, and runs
        ZonedDateTime soon = ZonedDateTime.now().plusSeconds(5).withNano(0); // room for a slow state-cache path on a loaded box
        home.sim.setState("input_datetime.it_ss_alarm", soon.toOffsetDateTime().toString(), Map.of());
        Await.until("the job ran at the changed time", WAIT, () -> ran.size() == 1);
        Await.until("waiting for the next value", WAIT, () -> alarm.status() == JobStatus.WAITING);
        // WAITING is set when the run is handed to a worker; the run is recorded after the job body returned
        Await.until("the run recorded", WAIT, () -> alarm.info().lastRun().isPresent());
        assertFalse(alarm.info().lastRun().orElseThrow().at().isBefore(soon.toInstant()), "not before the entity's time");
        home.sim.setState("input_datetime.it_ss_alarm", "unavailable", Map.of());
        assertEquals(1, ran.size());
    }

    private HomeAssistantApi api() {
        return context.getService(context.getServiceReference(HomeAssistantApi.class));
    }

    private static boolean isSunsetIn(ZoneId zone, ZonedDateTime t) {
        int hour = t.withZoneSameInstant(zone).getHour();
        return hour >= 16 && hour <= 20;
    }

    private static void assertSunsetIn(ZoneId zone, ZonedDateTime t) {
        assertTrue(isSunsetIn(zone, t), "a sunset in " + zone + " is between 16:00 and 21:00 local time: " + t.withZoneSameInstant(zone));
    }
}
