package org.hassette.itest.probes.internal;

import org.hassette.api.lifecycle.HassetteResource;
import org.hassette.itest.probes.ConfiguredService;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

/** Core resource "probe.configured" that requires a configuration nobody gives it. */
@Component(name = "probe.configured", configurationPid = "org.hassette.itest.configured",
        configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true, service = {})
@HassetteResource(resource = "probe.configured", provides = ConfiguredService.class)
// readiness probes: the watcher reports their failures but never restarts them
@org.hassette.api.lifecycle.RestartPolicy(type = "none")
public class ProbeConfigured {
    @Activate
    public ProbeConfigured() {
    }
}
