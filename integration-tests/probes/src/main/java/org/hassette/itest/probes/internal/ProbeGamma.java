package org.hassette.itest.probes.internal;

import org.hassette.api.lifecycle.HassetteResource;
import org.hassette.itest.probes.GammaService;
import org.hassette.itest.probes.ResourceControl;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/** Core resource "probe.gamma": provides GammaService while the test says it is ready. */
@Component(name = "probe.gamma", immediate = true, service = ResourceControl.class,
        property = ResourceControl.PROPERTY + "=probe.gamma")
@HassetteResource(resource = "probe.gamma", provides = GammaService.class)
// readiness probes: the watcher reports their failures but never restarts them
@org.hassette.api.lifecycle.RestartPolicy(type = "none")
public class ProbeGamma extends ControlledResource<GammaService> {
    @Activate
    public ProbeGamma(BundleContext context) {
        super(context, "probe.gamma", GammaService.class, new GammaService() { });
    }
}
