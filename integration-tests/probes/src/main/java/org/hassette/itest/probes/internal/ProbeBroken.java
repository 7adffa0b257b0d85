package org.hassette.itest.probes.internal;

import org.hassette.api.lifecycle.HassetteResource;
import org.hassette.itest.probes.BrokenService;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/** Core resource "probe.broken" whose activation always fails. Disabled until a test enables it. */
@Component(name = "probe.broken", enabled = false, immediate = true, service = {})
@HassetteResource(resource = "probe.broken", provides = BrokenService.class)
// readiness probes: the watcher reports their failures but never restarts them
@org.hassette.api.lifecycle.RestartPolicy(type = "none")
public class ProbeBroken {
    static final String FAILURE = "simulated: schema 7 is newer than this build (5)";

    @Activate
    public ProbeBroken() {
        throw new IllegalStateException(FAILURE + "\nsecond line that the report must not show");
    }
}
