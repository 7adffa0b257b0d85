package org.hassette.it;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.hassette.api.lifecycle.ResourceStatus;
import org.hassette.api.lifecycle.StatusRecord;
import org.hassette.api.scheduler.JobHandle;
import org.hassette.api.scheduler.JobOptions;
import org.hassette.api.scheduler.RunOutcome;
import org.hassette.api.scheduler.Scheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/** The scheduler in a real framework: registered only while ready, and it runs real jobs. */
class SchedulerIT {
    static final Duration WAIT = Duration.ofSeconds(20);
    static final String COMPONENT = "org.hassette.scheduler";

    @InjectBundleContext
    BundleContext context;
    @InjectService
    ServiceComponentRuntime scr;

    @AfterEach
    void enableAgain() {
        if (Components.state(scr, COMPONENT) == Components.DISABLED) {
            Components.enable(scr, COMPONENT);
        }
        Await.until("scheduler ready", WAIT, () -> Platform.isReady(context, "scheduler") && scheduler() != null);
    }

    Scheduler scheduler() {
        ServiceReference<Scheduler> ref = context.getServiceReference(Scheduler.class);
        return ref == null ? null : context.getService(ref);
    }

    @Test
    void schedulerIsRegisteredOnlyWhileReady() throws Exception {
        Await.until("scheduler ready", WAIT, () -> Platform.isReady(context, "scheduler") && scheduler() != null);
        List<String> seen = new CopyOnWriteArrayList<>();
        ServiceListener listener = event -> {
            StatusRecord s = Platform.status(context, "scheduler");
            String state = s == null ? "no status" : s.status() + (s.ready() ? "/ready" : "/not ready");
            seen.add((event.getType() == ServiceEvent.REGISTERED ? "registered while " : "unregistering while ") + state);
        };
        context.addServiceListener(listener, "(objectClass=" + Scheduler.class.getName() + ")");
        try {
            Components.disable(scr, COMPONENT);
            Await.until("scheduler unregistered", WAIT, () -> scheduler() == null);
            assertNull(Platform.status(context, "scheduler"), "no status service while the component is disabled");
            Components.enable(scr, COMPONENT);
            Components.awaitState(scr, COMPONENT, ComponentConfigurationDTO.ACTIVE, WAIT);
            Await.until("scheduler registered again", WAIT, () -> scheduler() != null && Platform.isReady(context, "scheduler"));
        } finally {
            context.removeServiceListener(listener);
        }
        // readiness is withdrawn before the service goes, and the service comes only once the timer runs (RUNNING)
        assertEquals(List.of("unregistering while RUNNING/not ready", "registered while RUNNING/not ready"), seen);
        assertEquals(ResourceStatus.RUNNING, Platform.status(context, "scheduler").status());
        assertTrue(Platform.status(context, "scheduler").reason().contains("timer running in zone"));
    }

    @Test
    void runsARealJobOnAWorkerNotTheTimer() throws Exception {
        Await.until("scheduler ready", WAIT, () -> Platform.isReady(context, "scheduler") && scheduler() != null);
        Scheduler scheduler = scheduler();
        CountDownLatch ran = new CountDownLatch(3);
        AtomicReference<String> thread = new AtomicReference<>();
        JobHandle h = scheduler.runEvery(Duration.ofMillis(50), () -> {
            thread.set(Thread.currentThread().getName());
            ran.countDown();
        }, JobOptions.builder().name("it-every").group("it").build());
        try {
            assertTrue(ran.await(WAIT.toSeconds(), TimeUnit.SECONDS), "the job ran three times");
            assertTrue(thread.get().startsWith("hassette-scheduler-worker-"), thread.get());
            assertEquals(RunOutcome.SUCCEEDED, h.info().lastOutcome().orElseThrow());
            assertEquals(List.of("it-every"), scheduler.jobs("it").stream().map(j -> j.name()).toList());
        } finally {
            assertEquals(1, scheduler.cancelGroup("it"));
        }
        assertTrue(scheduler.job("it-every").isEmpty());
    }

    @Test
    void aBadCronExpressionIsRefusedAtRegistration() {
        Await.until("scheduler ready", WAIT, () -> scheduler() != null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> scheduler().runCron("0 24 * * *", () -> { }));
        assertTrue(e.getMessage().contains("'0 24 * * *' at position 3"), e.getMessage());
    }
}
