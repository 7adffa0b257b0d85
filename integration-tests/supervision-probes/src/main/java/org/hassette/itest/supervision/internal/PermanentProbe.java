package org.hassette.itest.supervision.internal;

import org.hassette.api.lifecycle.HassetteResource;
import org.hassette.api.lifecycle.RestartPolicy;
import org.hassette.itest.supervision.Probes;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/** A permanent resource whose activation always fails: its exhausted budget is fatal. */
@Component(name = Probes.PERMANENT, enabled = false, immediate = true, service = {})
@HassetteResource(resource = Probes.PERMANENT, provides = Probes.ProbeService.class)
@RestartPolicy(type = "permanent", budget = 2, backoff_base_ms = 10, backoff_jitter = 0)
public class PermanentProbe {
    @Activate
    public PermanentProbe() {
        Probes.attempt(Probes.PERMANENT);
        throw new IllegalStateException("simulated permanent failure of " + Probes.PERMANENT);
    }
}
