package org.hassette.it;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.apache.felix.hc.api.HealthCheck;
import org.apache.felix.hc.api.Result;
import org.apache.felix.hc.api.ResultLog;
import org.hassette.itest.probes.ResourceControl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/** The "Hassette core ready" health check, as the systemready endpoint runs it. */
class CoreReadyHealthCheckIT {
    static final String FILTER = "(hc.name=Hassette core ready)";
    static final String BETA_CHAIN = "probe.beta: waiting for AlphaService (unsatisfied reference 'alpha') → "
            + "probe.alpha: FAILED, migrations failed: IllegalStateException: schema 7 is newer than 5";

    @InjectBundleContext
    BundleContext context;
    @InjectService
    ConfigurationAdmin configAdmin;
    @InjectService
    ServiceComponentRuntime scr;
    @InjectService(filter = FILTER)
    HealthCheck check;
    @InjectService(filter = "(probe.resource=probe.alpha)")
    ResourceControl alpha;

    @BeforeEach
    void alphaFailed() {
        alpha.failed("migrations failed", new IllegalStateException("schema 7 is newer than 5"));
    }

    @AfterEach
    void reset() throws Exception {
        alpha.notReady("test over");
        Readiness.configure(context, configAdmin, scr, 300, "probe.alpha", "probe.beta");
    }

    @Test
    void isTaggedSystemready() throws Exception {
        ServiceReference<HealthCheck> ref = context.getServiceReferences(HealthCheck.class, FILTER).iterator().next();
        assertArrayEquals(new String[] { "systemready" }, (String[]) ref.getProperty("hc.tags"));
    }

    @Test
    void temporarilyUnavailableWithTheChainWhileStarting() throws Exception {
        Readiness.configure(context, configAdmin, scr, 300, "probe.alpha", "probe.beta");
        Result result = check.execute();
        assertEquals(Result.Status.TEMPORARILY_UNAVAILABLE, result.getStatus(), messages(result).toString());
        assertTrue(messages(result).contains("TEMPORARILY_UNAVAILABLE " + BETA_CHAIN), messages(result).toString());
        assertTrue(messages(result).contains("TEMPORARILY_UNAVAILABLE probe.alpha: FAILED, migrations failed: IllegalStateException: schema 7 is newer than 5"),
                messages(result).toString());
    }

    @Test
    void criticalWithTheChainAfterTheStartupTimeout() throws Exception {
        Readiness.configure(context, configAdmin, scr, 1, "probe.alpha", "probe.beta");
        Await.until("CRITICAL once the startup timeout has passed", Readiness.WAIT,
                () -> check.execute().getStatus() == Result.Status.CRITICAL);
        assertTrue(messages(check.execute()).contains("CRITICAL " + BETA_CHAIN), messages(check.execute()).toString());
    }

    @Test
    void okWithOneLinePerReadyResource() throws Exception {
        Readiness.configure(context, configAdmin, scr, 1, "probe.alpha", "probe.beta");
        alpha.ready("schema 5 in place");
        Await.until("OK", Readiness.WAIT, () -> check.execute().getStatus() == Result.Status.OK);
        List<String> messages = messages(check.execute());
        assertTrue(messages.contains("OK probe.alpha: ready, schema 5 in place"), messages.toString());
        assertTrue(messages.contains("OK probe.beta: ready, alpha bound"), messages.toString());
        assertTrue(messages.stream().anyMatch(m -> m.startsWith("OK probe.configured: waiting for configuration") && m.endsWith("(not required)")),
                "core resources that are not required are listed but never fail the check: " + messages);
    }

    private static List<String> messages(Result result) {
        List<String> out = new ArrayList<>();
        for (ResultLog.Entry e : result) {
            out.add(e.getStatus() + " " + e.getMessage());
        }
        return out;
    }
}
