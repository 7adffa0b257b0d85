package org.hassette.itest.probes.internal;

import org.hassette.api.lifecycle.HassetteResource;
import org.hassette.itest.probes.BrokenService;
import org.hassette.itest.probes.DeltaService;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Core resource "probe.delta" that needs the broken resource's service. Disabled until a test enables it. */
@Component(name = "probe.delta", enabled = false, immediate = true, service = {})
@HassetteResource(resource = "probe.delta", provides = DeltaService.class)
// readiness probes: the watcher reports their failures but never restarts them
@org.hassette.api.lifecycle.RestartPolicy(type = "none")
public class ProbeDelta {
    @Activate
    public ProbeDelta(@Reference(name = "broken") BrokenService broken) {
    }
}
