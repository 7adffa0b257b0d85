package org.hassette.itest.probes.internal;

import org.hassette.itest.probes.AlphaService;
import org.hassette.itest.probes.ProbeLog;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.propertytypes.SatisfyingConditionTarget;

/**
 * Gated on the core-ready condition, like an app. Records, when it starts and stops, whether
 * AlphaService is registered at that moment: it must be there on both occasions, i.e. the gated
 * component never runs while alpha is withdrawn.
 */
@Component(name = "probe.gated", immediate = true, service = {})
@SatisfyingConditionTarget("(osgi.condition.id=hassette.core.ready)")
public class ProbeGated {
    private final BundleContext context;

    @Activate
    public ProbeGated(BundleContext context) {
        this.context = context;
        ProbeLog.record("gated+ alpha=" + alphaRegistered());
    }

    @Deactivate
    void deactivate() {
        ProbeLog.record("gated- alpha=" + alphaRegistered());
    }

    private boolean alphaRegistered() {
        return context.getServiceReference(AlphaService.class) != null;
    }
}
