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

/** Fails activation as often as the test says, then becomes ready at once. */
@Component(name = Probes.FLAKY, enabled = false, immediate = true, service = {})
@HassetteResource(resource = Probes.FLAKY, provides = Probes.ProbeService.class)
@RestartPolicy(type = "transient", budget = 5, backoff_base_ms = 20, backoff_jitter = 0, readiness_timeout_seconds = 5)
public class FlakyProbe {
    private final ResourceLifecycle lifecycle;

    @Activate
    public FlakyProbe(BundleContext context) {
        Probes.attempt(Probes.FLAKY);
        lifecycle = ResourceLifecycle.open(context, Probes.FLAKY, ResourceRole.CORE, Probes.ProbeService.class);
        lifecycle.ready(Probes.ProbeService.class, () -> Probes.FLAKY, Map.of(), "probe ready");
    }

    @Deactivate
    void deactivate() {
        Probes.deactivated(Probes.FLAKY);
        lifecycle.close();
    }
}
