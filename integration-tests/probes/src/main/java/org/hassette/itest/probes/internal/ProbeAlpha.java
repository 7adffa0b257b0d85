package org.hassette.itest.probes.internal;

import org.hassette.api.lifecycle.HassetteResource;
import org.hassette.itest.probes.AlphaService;
import org.hassette.itest.probes.ResourceControl;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/** Core resource "probe.alpha": provides AlphaService while the test says it is ready. */
@Component(name = "probe.alpha", immediate = true, service = ResourceControl.class,
        property = ResourceControl.PROPERTY + "=probe.alpha")
@HassetteResource(resource = "probe.alpha", provides = AlphaService.class)
// readiness probes: the watcher reports their failures but never restarts them
@org.hassette.api.lifecycle.RestartPolicy(type = "none")
public class ProbeAlpha extends ControlledResource<AlphaService> {
    @Activate
    public ProbeAlpha(BundleContext context) {
        super(context, "probe.alpha", AlphaService.class, new AlphaService() { });
    }
}
