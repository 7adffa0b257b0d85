package org.hassette.it;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.hassette.api.lifecycle.ReadinessReport;
import org.hassette.api.lifecycle.ResourceReport;
import org.hassette.api.lifecycle.ResourceStatus;
import org.hassette.api.lifecycle.SupervisionState;
import org.hassette.api.lifecycle.Supervisor;
import org.hassette.itest.probes.ResourceControl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/** Why-not-ready chains from real SCR state: unsatisfied references, missing configuration, failed activation. */
class WhyChainIT {
    static final String BETA_WAITS = "probe.beta: waiting for AlphaService (unsatisfied reference 'alpha')";

    @InjectBundleContext
    BundleContext context;
    @InjectService
    ConfigurationAdmin configAdmin;
    @InjectService
    ServiceComponentRuntime scr;
    @InjectService
    ReadinessReport report;
    @InjectService(filter = "(probe.resource=probe.alpha)")
    ResourceControl alpha;

    @BeforeEach
    void requireAlphaAndBeta() throws Exception {
        Readiness.configure(context, configAdmin, scr, 300, "probe.alpha", "probe.beta");
    }

    @AfterEach
    void reset() throws Exception {
        alpha.notReady("test over");
        for (String name : List.of("probe.delta", "probe.broken")) {
            scr.disableComponent(Readiness.component(context, scr, "org.hassette.itest.probes", name)).getValue();
        }
    }

    @Test
    void betasChainNamesAlphasReasonWhenAlphaFailed() {
        alpha.failed("migrations failed", new IllegalStateException("schema 7 is newer than 5"));
        List<String> expected = List.of(BETA_WAITS, "probe.alpha: FAILED, migrations failed: IllegalStateException: schema 7 is newer than 5");
        Readiness.awaitEquals("beta's chain reaches alpha's failure", expected, () -> chain("probe.beta"));
        ResourceReport beta = report.resource("probe.beta").orElseThrow();
        assertFalse(beta.ready());
        assertEquals(ResourceStatus.NOT_STARTED, beta.status(), "beta never started: its component waits for alpha");
        assertEquals("waiting for AlphaService (unsatisfied reference 'alpha')", beta.reason());
        ResourceReport a = report.resource("probe.alpha").orElseThrow();
        assertEquals(ResourceStatus.FAILED, a.status());
        assertFalse(report.coreReady());
    }

    @Test
    void chainShowsTheWatchersPlanWhenASupervisorIsPresent() {
        alpha.failed("migrations failed", new IllegalStateException("schema 7 is newer than 5"));
        Supervisor watcher = new Supervisor() {
            @Override
            public Optional<SupervisionState> state(String resource) {
                return states().stream().filter(s -> s.resource().equals(resource)).findFirst();
            }

            @Override
            public List<SupervisionState> states() {
                return List.of(new SupervisionState("probe.alpha", "transient", 2, 3, 4, Instant.now().plusSeconds(4), null,
                        "IllegalStateException: schema 7 is newer than 5"));
            }

            @Override
            public void restartNow(String resource) {
                throw new UnsupportedOperationException();
            }
        };
        ServiceRegistration<Supervisor> registration = context.registerService(Supervisor.class, watcher,
                new java.util.Hashtable<>(java.util.Map.of(org.osgi.framework.Constants.SERVICE_RANKING, 1000))); // outranks the real watcher
        try {
            Await.until("the watcher's plan in alpha's line", Readiness.WAIT, () -> chain("probe.beta").size() == 2
                    && chain("probe.beta").get(1).matches("probe\\.alpha: FAILED, .* \\(restart 2/3, next in [1-4] s\\)"));
            assertEquals(4, report.resource("probe.alpha").orElseThrow().restarts());
        } finally {
            registration.unregister();
        }
        Await.until("no watcher, no plan", Readiness.WAIT, () -> !chain("probe.beta").get(1).contains("restart"));
    }

    @Test
    void componentWaitingForConfigurationSaysWhichPid() {
        assertEquals(List.of("probe.configured: waiting for configuration org.hassette.itest.configured"), chain("probe.configured"));
    }

    @Test
    void failedActivationShowsTheFirstLineOfTheFailureAtTheEndOfTheConsumersChain() throws Exception {
        ComponentDescriptionDTO broken = Readiness.component(context, scr, "org.hassette.itest.probes", "probe.broken");
        assertEquals(List.of("probe.broken: disabled"), chain("probe.broken"));
        scr.enableComponent(broken).getValue();
        scr.enableComponent(Readiness.component(context, scr, "org.hassette.itest.probes", "probe.delta")).getValue();
        List<String> expected = List.of("probe.delta: waiting for BrokenService (unsatisfied reference 'broken')",
                "probe.broken: activation failed: java.lang.IllegalStateException: simulated: schema 7 is newer than this build (5)");
        Readiness.awaitEquals("delta's chain ends at broken's failure", expected, () -> chain("probe.delta"));
        assertEquals(ResourceStatus.FAILED, report.resource("probe.broken").orElseThrow().status());
    }

    @Test
    void requiredResourceThatNoBundleDeclaresIsReportedNotInstalled() throws Exception {
        Readiness.configure(context, configAdmin, scr, 300, "probe.alpha", "probe.beta", "probe.missing");
        assertEquals(List.of("probe.missing: not installed (no bundle declares resource 'probe.missing')"), chain("probe.missing"));
        assertTrue(report.resources().stream().anyMatch(r -> r.resource().equals("probe.missing")), "required resources are always listed");
    }

    @Test
    void readyResourcesHaveNoChain() {
        alpha.ready("up");
        Await.until("core ready", Readiness.WAIT, report::coreReady);
        assertEquals(List.of(), chain("probe.alpha"));
        assertEquals(List.of(), chain("probe.beta"));
        assertTrue(report.resource("probe.beta").orElseThrow().ready());
    }

    private List<String> chain(String resource) {
        return report.resource(resource).map(ResourceReport::chain).orElseThrow(() -> new AssertionError("no report for " + resource));
    }
}
