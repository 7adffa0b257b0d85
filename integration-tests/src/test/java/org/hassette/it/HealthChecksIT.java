package org.hassette.it;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.apache.felix.hc.api.HealthCheck;
import org.apache.felix.hc.api.Result;
import org.apache.felix.hc.api.ResultLog;
import org.hassette.api.lifecycle.ResourceLifecycle;
import org.hassette.api.lifecycle.ResourceRole;
import org.hassette.itest.probes.ResourceControl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/** The per-resource health checks: registered as resources appear, and following each resource. */
class HealthChecksIT {
    @InjectBundleContext
    BundleContext context;
    @InjectService
    ConfigurationAdmin configAdmin;
    @InjectService
    ServiceComponentRuntime scr;
    @InjectService(filter = "(probe.resource=probe.alpha)")
    ResourceControl alpha;

    private ResourceLifecycle app;

    @BeforeEach
    void requireAlphaAndBeta() throws Exception {
        Readiness.configure(context, configAdmin, scr, 300, "probe.alpha", "probe.beta");
    }

    @AfterEach
    void reset() throws Exception {
        if (app != null) {
            app.close();
        }
        alpha.notReady("test over");
        Readiness.configure(context, configAdmin, scr, 300, "probe.alpha", "probe.beta");
    }

    @Test
    void requiredCoreResourceHasAReadyCheckTaggedSystemreadyThatFollowsIt() throws Exception {
        String name = "Hassette ready: probe.alpha";
        ServiceReference<HealthCheck> ref = awaitCheck(name);
        assertEquals(List.of("systemready", "hassette"), Arrays.asList((String[]) ref.getProperty(HealthCheck.TAGS)));
        HealthCheck check = context.getService(ref);

        alpha.failed("migrations failed", new IllegalStateException("schema 7 is newer than 5"));
        awaitResult(check, Result.Status.TEMPORARILY_UNAVAILABLE,
                "probe.alpha: FAILED, migrations failed: IllegalStateException: schema 7 is newer than 5");

        alpha.ready("schema 5 in place");
        awaitResult(check, Result.Status.OK, "probe.alpha: ready, schema 5 in place");

        // the chain of a resource that waits for another names the root cause
        HealthCheck beta = context.getService(awaitCheck("Hassette ready: probe.beta"));
        alpha.failed("disk full", new IllegalStateException("no space"));
        awaitResult(beta, Result.Status.TEMPORARILY_UNAVAILABLE,
                "probe.beta: waiting for AlphaService (unsatisfied reference 'alpha') → probe.alpha: FAILED, disk full: IllegalStateException: no space");

        // after the startup timeout a resource that is still not ready is CRITICAL
        Readiness.configure(context, configAdmin, scr, 1, "probe.alpha", "probe.beta");
        awaitResult(check, Result.Status.CRITICAL, "probe.alpha: FAILED, disk full: IllegalStateException: no space");
    }

    @Test
    void requiredResourceThatNoBundleProvidesHasChecksUntilItIsNoLongerRequired() throws Exception {
        Readiness.configure(context, configAdmin, scr, 300, "probe.alpha", "probe.beta", "probe.nowhere");
        HealthCheck check = context.getService(awaitCheck("Hassette ready: probe.nowhere"));
        awaitResult(check, Result.Status.TEMPORARILY_UNAVAILABLE, "probe.nowhere: not installed (no bundle declares resource 'probe.nowhere')");
        awaitCheck("Hassette alive: probe.nowhere");

        Readiness.configure(context, configAdmin, scr, 300, "probe.alpha", "probe.beta");
        Await.until("checks of probe.nowhere removed", Readiness.WAIT,
                () -> find("Hassette ready: probe.nowhere").isEmpty() && find("Hassette alive: probe.nowhere").isEmpty());
        assertTrue(find("Hassette ready: probe.alpha").isPresent(), "required resources keep theirs");
    }

    @Test
    void aliveCheckIsTaggedSystemaliveAndOnlyWarnsWhileTheWatcherCanStillHelp() throws Exception {
        ServiceReference<HealthCheck> ref = awaitCheck("Hassette alive: probe.alpha");
        assertEquals(List.of("systemalive", "hassette"), Arrays.asList((String[]) ref.getProperty(HealthCheck.TAGS)));
        HealthCheck check = context.getService(ref);
        alpha.ready("fine");
        awaitResult(check, Result.Status.OK, "probe.alpha: alive, running, ready, fine");
        alpha.failed("migrations failed", new IllegalStateException("schema 7 is newer than 5"));
        awaitResult(check, Result.Status.WARN,
                "probe.alpha: FAILED, migrations failed: IllegalStateException: schema 7 is newer than 5 (still supervised: see hassette:watcher)");
    }

    @Test
    void appCheckAppearsWithTheAppFollowsItAndGoesWithIt() throws Exception {
        String name = "Hassette app: app:it-health";
        assertTrue(find(name).isEmpty(), "no check before the app exists");
        app = ResourceLifecycle.open(context, "app:it-health", ResourceRole.APP, null);
        ServiceReference<HealthCheck> ref = awaitCheck(name);
        assertEquals(List.of("apps", "hassette"), Arrays.asList((String[]) ref.getProperty(HealthCheck.TAGS)));
        HealthCheck check = context.getService(ref);

        app.starting("calling start");
        awaitStatus(check, Result.Status.TEMPORARILY_UNAVAILABLE);
        app.running("started");
        app.ready("2 listeners");
        awaitResult(check, Result.Status.OK, "app:it-health: running, 2 listeners");
        app.failed("start threw", new IllegalArgumentException("no sensor configured"));
        awaitStatus(check, Result.Status.CRITICAL);
        assertTrue(message(check.execute()).contains("start threw"), message(check.execute()));

        app.close();
        app = null;
        Await.until(name + " unregistered after the app went away", Readiness.WAIT, () -> find(name).isEmpty());
    }

    private ServiceReference<HealthCheck> awaitCheck(String name) {
        Await.until("health check '" + name + "' registered", Readiness.WAIT, () -> find(name).isPresent());
        return find(name).orElseThrow();
    }

    private Optional<ServiceReference<HealthCheck>> find(String name) {
        try {
            Collection<ServiceReference<HealthCheck>> refs = context.getServiceReferences(HealthCheck.class, "(hc.name=" + name + ")");
            return refs.stream().findFirst();
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static void awaitResult(HealthCheck check, Result.Status status, String message) {
        Readiness.awaitEquals("check result", status + " " + message, () -> {
            Result r = check.execute();
            return r.getStatus() + " " + message(r);
        });
    }

    private static void awaitStatus(HealthCheck check, Result.Status status) {
        Readiness.awaitEquals("check status", status, () -> check.execute().getStatus());
    }

    private static String message(Result r) {
        StringBuilder b = new StringBuilder();
        for (ResultLog.Entry e : r) {
            b.append(b.length() == 0 ? "" : " | ").append(e.getMessage());
        }
        return b.toString();
    }
}
