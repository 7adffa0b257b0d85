package org.hassette.itest.supervision.internal;

import org.hassette.api.lifecycle.HassetteResource;
import org.hassette.api.lifecycle.ResourceLifecycle;
import org.hassette.api.lifecycle.ResourceRole;
import org.hassette.itest.supervision.Probes;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/** Becomes ready, then crashes (fatal) when the test releases {@link Probes#crashTogether}. */
@Component(name = Probes.CRASH_A, enabled = false, immediate = true, service = {})
@HassetteResource(resource = Probes.CRASH_A, provides = Probes.ProbeService.class)
public class CrashAProbe {
    private final ResourceLifecycle lifecycle;

    @Activate
    public CrashAProbe(BundleContext context) {
        lifecycle = ResourceLifecycle.open(context, Probes.CRASH_A, ResourceRole.CORE, Probes.ProbeService.class);
        lifecycle.ready(Probes.ProbeService.class, () -> Probes.CRASH_A, java.util.Map.of(), "ready to crash");
        java.util.concurrent.CountDownLatch latch = Probes.crashTogether;
        Thread t = new Thread(() -> {
            try {
                latch.await();
                lifecycle.crashed("simulated crash", new IllegalStateException("boom in " + Probes.CRASH_A));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "crash-A");
        t.setDaemon(true);
        t.start();
    }

    @Deactivate
    void deactivate() {
        Probes.deactivated(Probes.CRASH_A);
        lifecycle.close();
    }
}
