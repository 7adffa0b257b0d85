package org.hassette.itest.supervision.internal;

import org.hassette.api.lifecycle.HassetteResource;
import org.hassette.api.lifecycle.ResourceLifecycle;
import org.hassette.api.lifecycle.ResourceRole;
import org.hassette.api.lifecycle.RestartPolicy;
import org.hassette.itest.supervision.Probes;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * The first activation fails at run time (FAILED status); every restart reaches RUNNING and then
 * never becomes ready — the case a watcher that trusts RUNNING gets wrong.
 */
@Component(name = Probes.NEVER_READY, enabled = false, immediate = true, service = {})
@HassetteResource(resource = Probes.NEVER_READY, provides = Probes.ProbeService.class)
@RestartPolicy(type = "temporary", budget = 2, backoff_base_ms = 10, backoff_jitter = 0, readiness_timeout_seconds = 1)
public class NeverReadyProbe {
    private final ResourceLifecycle lifecycle;

    @Activate
    public NeverReadyProbe(BundleContext context) {
        Probes.attempt(Probes.NEVER_READY);
        lifecycle = ResourceLifecycle.open(context, Probes.NEVER_READY, ResourceRole.CORE, Probes.ProbeService.class);
        lifecycle.starting("starting");
        lifecycle.running("connecting (and never getting there)");
        if (Probes.attempts(Probes.NEVER_READY).size() == 1) {
            lifecycle.failed("lost its connection", new java.io.IOException("connection reset"));
        }
    }

    @Deactivate
    void deactivate() {
        Probes.deactivated(Probes.NEVER_READY);
        lifecycle.close();
    }
}
