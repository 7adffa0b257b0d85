package org.hassette.itest.supervision.internal;

import java.util.Map;
import org.hassette.api.lifecycle.HassetteResource;
import org.hassette.api.lifecycle.ResourceLifecycle;
import org.hassette.api.lifecycle.ResourceRole;
import org.hassette.itest.supervision.Probes;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * Healthy while it runs; crashes (reports CRASHED) in its {@code @Deactivate}, i.e. while the
 * platform is shutting down — audit finding 5's second crash arriving during the shutdown.
 */
@Component(name = Probes.CRASH_ON_STOP, enabled = false, immediate = true, service = {})
@HassetteResource(resource = Probes.CRASH_ON_STOP, provides = Probes.ProbeService.class)
public class CrashOnStopProbe {
    private final ResourceLifecycle lifecycle;

    @Activate
    public CrashOnStopProbe(BundleContext context) {
        Probes.attempt(Probes.CRASH_ON_STOP);
        lifecycle = ResourceLifecycle.open(context, Probes.CRASH_ON_STOP, ResourceRole.CORE, Probes.ProbeService.class);
        lifecycle.ready(Probes.ProbeService.class, () -> Probes.CRASH_ON_STOP, Map.of(), "ready (crashes when stopped)");
    }

    @Deactivate
    void deactivate() {
        Probes.deactivated(Probes.CRASH_ON_STOP);
        lifecycle.crashed("crashed while stopping", new IllegalStateException("boom on the way down in " + Probes.CRASH_ON_STOP));
        lifecycle.close();
    }
}
