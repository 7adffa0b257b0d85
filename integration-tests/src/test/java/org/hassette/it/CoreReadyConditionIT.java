package org.hassette.it;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.hassette.api.lifecycle.ResourceProperties;
import org.hassette.api.lifecycle.ResourceStatusService;
import org.hassette.itest.probes.AlphaService;
import org.hassette.itest.probes.BetaService;
import org.hassette.itest.probes.ProbeLog;
import org.hassette.itest.probes.ResourceControl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/**
 * The core-ready condition and DS references carry readiness: no polling, no window in which a
 * consumer runs against a dependency that is not ready (audit findings 1 and 4).
 */
class CoreReadyConditionIT {
    @InjectBundleContext
    BundleContext context;
    @InjectService
    ConfigurationAdmin configAdmin;
    @InjectService
    ServiceComponentRuntime scr;
    @InjectService(filter = "(probe.resource=probe.alpha)")
    ResourceControl alpha;
    @InjectService(filter = "(probe.resource=probe.gamma)")
    ResourceControl gamma;

    @BeforeEach
    void requireAlphaAndBeta() throws Exception {
        alpha.notReady("reset by the test");
        gamma.notReady("reset by the test");
        Readiness.configure(context, configAdmin, scr, 300, "probe.alpha", "probe.beta");
        Await.until("no core-ready condition", Readiness.WAIT, () -> !Readiness.conditionRegistered(context));
        ProbeLog.clear();
    }

    @AfterEach
    void withdrawAlpha() {
        alpha.notReady("test over");
        gamma.notReady("test over");
    }

    @Test
    void conditionExistsExactlyWhileAllRequiredResourcesAreReady() {
        assertFalse(Readiness.conditionRegistered(context), "alpha is not ready");
        assertEquals(List.of(), ProbeLog.events(), "neither beta nor the gated component may start");

        alpha.ready("up");
        Await.until("condition after alpha and beta are ready", Readiness.WAIT, () -> Readiness.conditionRegistered(context));
        Await.until("gated component active", Readiness.WAIT, () -> ProbeLog.count("gated+ alpha=true") == 1);
        assertEquals(List.of("beta+", "gated+ alpha=true"), ProbeLog.events(), "beta first, then (all ready) the gated component");

        alpha.notReady("going down");
        // synchronous: by the time notReady returns, the condition is gone and the gated component stopped
        assertFalse(Readiness.conditionRegistered(context));
        assertEquals(List.of("beta+", "gated+ alpha=true", "gated- alpha=true", "beta-"), ProbeLog.events(),
                "the gated component stops while AlphaService is still registered, then beta stops with it");
    }

    @Test
    void gatedComponentIsDeactivatedBeforeItsDependencyIsWithdrawn() {
        // audit finding 1: the consumer checked alpha (gated+ alpha=true) and alpha flips right after
        for (int i = 0; i < 20; i++) {
            alpha.ready("up " + i);
            Await.until("gated component active, cycle " + i, Readiness.WAIT, () -> ProbeLog.count("gated+ alpha=true") == 1);
            alpha.notReady("down " + i);
            List<String> events = ProbeLog.events();
            assertEquals("gated- alpha=true", events.get(events.indexOf("gated+ alpha=true") + 1),
                    "cycle " + i + ": SCR must deactivate the gated component synchronously, while alpha's service still exists: " + events);
            assertFalse(Readiness.conditionRegistered(context), "cycle " + i);
            ProbeLog.clear();
        }
    }

    @Test
    void aRequiredResourceGoingDownWhileAGatedComponentActivatesWaitsForItAndStopsIt() throws Exception {
        // the window registerService used to leave: gated components activate inside it, before the
        // registration is known to other threads, so a resource going down then could not withdraw it
        Readiness.configure(context, configAdmin, scr, 300, "probe.alpha", "probe.beta", "probe.gamma");
        gamma.ready("up");
        ProbeLog.clear();
        ProbeLog.gatedActivationDelayMs = 1000;
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<?> up = pool.submit(() -> alpha.ready("up")); // registers the condition; the gated probe activates on that thread
            Await.until("the gated probe is activating", Readiness.WAIT, () -> ProbeLog.events().contains("gated activating"));
            gamma.notReady("down while the gated probe activates");
            // synchronous: by the time notReady returns the gated probe has finished activating and been stopped
            List<String> events = ProbeLog.events();
            assertTrue(events.contains("gated- alpha=true"), "stopped before gamma's service went: " + events);
            assertEquals(List.of(), ProbeLog.violations(), "the gated probe ran without GammaService");
            assertFalse(Readiness.conditionRegistered(context));
            up.get(30, TimeUnit.SECONDS);
        } finally {
            ProbeLog.gatedActivationDelayMs = 0;
            pool.shutdownNow();
        }
        assertFalse(Readiness.conditionRegistered(context), "gamma is still down");
        assertEquals(List.of(), ProbeLog.violations());
    }

    @Test
    void betaActivatesOnlyAfterAlphaIsReadyAndStopsWhenAlphaWithdraws() throws Exception {
        var beta = Readiness.component(context, scr, "org.hassette.itest.probes", "probe.beta");
        assertEquals(List.of(ComponentConfigurationDTO.UNSATISFIED_REFERENCE), Readiness.states(scr, beta));
        assertNull(context.getServiceReference(BetaService.class));

        List<String> order = new CopyOnWriteArrayList<>();
        ServiceListener recorder = e -> {
            Object ready = e.getServiceReference().getProperty(ResourceProperties.READY);
            Object resource = e.getServiceReference().getProperty(ResourceProperties.RESOURCE);
            if (e.getServiceReference().getProperty("objectClass") instanceof String[] types
                    && List.of(types).contains(AlphaService.class.getName())) {
                order.add(e.getType() == ServiceEvent.REGISTERED ? "AlphaService registered" : "AlphaService gone");
            } else if ("probe.alpha".equals(resource) && e.getType() == ServiceEvent.MODIFIED) {
                order.add("alpha ready=" + ready);
            }
        };
        context.addServiceListener(recorder, "(|(objectClass=" + AlphaService.class.getName() + ")(objectClass="
                + ResourceStatusService.class.getName() + "))");
        try {
            alpha.ready("up");
            Await.until("beta active and ready", Readiness.WAIT, () -> context.getServiceReference(BetaService.class) != null);
            assertEquals(List.of(ComponentConfigurationDTO.ACTIVE), Readiness.states(scr, beta));
            alpha.notReady("down");
            Await.until("beta stopped", Readiness.WAIT, () -> ProbeLog.count("beta-") == 1);
            assertNull(context.getServiceReference(BetaService.class));
            assertEquals(List.of(ComponentConfigurationDTO.UNSATISFIED_REFERENCE), Readiness.states(scr, beta));
        } finally {
            context.removeServiceListener(recorder);
        }
        // the readiness moment of one service: registered before it says ready, says not ready before it goes
        int registered = order.indexOf("AlphaService registered");
        int ready = order.indexOf("alpha ready=true");
        int notReady = order.subList(ready + 1, order.size()).indexOf("alpha ready=false") + ready + 1;
        int gone = order.indexOf("AlphaService gone");
        assertTrue(registered >= 0 && registered < ready && ready < notReady && notReady < gone, order.toString());
    }

    @Test
    void anEmptyRequiredListMeansReadyAtOnce() throws Exception {
        Readiness.configure(context, configAdmin, scr, 300);
        Await.until("condition with nothing required", Readiness.WAIT, () -> Readiness.conditionRegistered(context));
        Await.until("gated component active", Readiness.WAIT, () -> ProbeLog.count("gated+ alpha=false") == 1);
        Readiness.configure(context, configAdmin, scr, 300, "probe.alpha");
        assertFalse(Readiness.conditionRegistered(context), "a new requirement that is not met withdraws the condition");
        assertEquals("gated- alpha=false", ProbeLog.events().get(ProbeLog.events().size() - 1));
    }

    @Test
    void flappingAlphaLeavesTheConditionConsistentWithItsReadiness() {
        for (int i = 0; i < 200; i++) {
            alpha.ready("flap " + i);
            Await.until("condition after ready #" + i, Readiness.WAIT, () -> Readiness.conditionRegistered(context));
            alpha.notReady("flap " + i);
            assertFalse(Readiness.conditionRegistered(context), "after not ready #" + i);
        }
        assertEquals(200, ProbeLog.count("gated+ alpha=true"));
        assertEquals(200, ProbeLog.count("gated- alpha=true"));
        assertEquals(List.of(), ProbeLog.violations());
    }

    @Test
    void concurrentFlappingEndsConsistentWithTheLastReadiness() throws Exception {
        Readiness.configure(context, configAdmin, scr, 300, "probe.alpha", "probe.beta", "probe.gamma");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (boolean[] end : new boolean[][] { { true, true }, { true, false }, { false, true }, { true, true } }) {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<?>> runs = new ArrayList<>();
                runs.add(pool.submit(() -> flap(start, alpha, end[0])));
                runs.add(pool.submit(() -> flap(start, gamma, end[1])));
                start.countDown();
                for (Future<?> f : runs) {
                    f.get(60, TimeUnit.SECONDS);
                }
                assertEquals(List.of(), ProbeLog.violations(),
                        "the gated component ran while a required resource's service was gone");
                boolean expected = end[0] && end[1];
                Await.until("condition " + (expected ? "present" : "absent") + " after flapping to alpha=" + end[0]
                        + " gamma=" + end[1], Readiness.WAIT, () -> Readiness.conditionRegistered(context) == expected);
                alpha.notReady("next round");
                gamma.notReady("next round");
                assertFalse(Readiness.conditionRegistered(context));
                assertEquals(List.of(), ProbeLog.violations(), "after the round");
            }
            assertTrue(ProbeLog.count("gated+ alpha=true") > 0, "the gated component did start during the flapping: " + ProbeLog.events().size());
        } finally {
            pool.shutdownNow();
        }
    }

    private static Void flap(CountDownLatch start, ResourceControl resource, boolean endReady) throws InterruptedException {
        start.await();
        for (int i = 0; i < 200; i++) {
            resource.ready("flap " + i);
            resource.notReady("flap " + i);
        }
        if (endReady) {
            resource.ready("settled");
        }
        return null;
    }
}
