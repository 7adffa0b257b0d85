package org.hassette.itest.supervision.internal;

import java.util.Map;
import org.hassette.api.lifecycle.HassetteResource;
import org.hassette.api.lifecycle.ResourceLifecycle;
import org.hassette.api.lifecycle.ResourceRole;
import org.hassette.api.lifecycle.RestartPolicy;
import org.hassette.itest.supervision.Probes;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/** Like the flaky probe, for the backoff test that configures its policy through Config Admin. */
@Component(name = Probes.BACKOFF, enabled = false, immediate = true, service = {})
@HassetteResource(resource = Probes.BACKOFF, provides = Probes.ProbeService.class)
@RestartPolicy(type = "transient", budget = 5, backoff_base_ms = 20, backoff_jitter = 0, readiness_timeout_seconds = 5)
public class BackoffProbe {
    private final ResourceLifecycle lifecycle;

    @Activate
    public BackoffProbe(BundleContext context) {
        Probes.attempt(Probes.BACKOFF);
        lifecycle = ResourceLifecycle.open(context, Probes.BACKOFF, ResourceRole.CORE, Probes.ProbeService.class);
        lifecycle.ready(Probes.ProbeService.class, () -> Probes.BACKOFF, Map.of(), "probe ready");
    }

    @Deactivate
    void deactivate() {
        Probes.deactivated(Probes.BACKOFF);
        lifecycle.close();
    }
}
