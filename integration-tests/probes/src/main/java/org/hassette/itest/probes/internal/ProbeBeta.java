package org.hassette.itest.probes.internal;

import java.util.Map;
import org.hassette.api.lifecycle.HassetteResource;
import org.hassette.api.lifecycle.ResourceLifecycle;
import org.hassette.api.lifecycle.ResourceRole;
import org.hassette.itest.probes.AlphaService;
import org.hassette.itest.probes.BetaService;
import org.hassette.itest.probes.ProbeLog;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/** Core resource "probe.beta": needs AlphaService (static, mandatory) and is ready as soon as it is activated. */
@Component(name = "probe.beta", immediate = true, service = {})
@HassetteResource(resource = "probe.beta", provides = BetaService.class)
// readiness probes: the watcher reports their failures but never restarts them
@org.hassette.api.lifecycle.RestartPolicy(type = "none")
public class ProbeBeta {
    private final ResourceLifecycle lifecycle;

    @Activate
    public ProbeBeta(BundleContext context, @Reference(name = "alpha") AlphaService alpha) {
        ProbeLog.record("beta+");
        lifecycle = ResourceLifecycle.open(context, "probe.beta", ResourceRole.CORE, BetaService.class);
        lifecycle.starting("activating");
        lifecycle.ready(BetaService.class, new BetaService() { }, Map.of(), "alpha bound");
    }

    @Deactivate
    void deactivate() {
        lifecycle.close();
        ProbeLog.record("beta-");
    }
}
