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
        long delay = ProbeLog.gatedActivationDelayMs;
        if (delay > 0) {
            ProbeLog.record("gated activating");
            try {
                Thread.sleep(delay); // a slow activation, on purpose: a required resource may go down meanwhile
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        checkRequired("activated");
        ProbeLog.record("gated+ alpha=" + alphaRegistered());
    }

    /**
     * Every resource the condition requires (its {@code hassette.required} property) must have its
     * service registered now — what a consumer's references would bind. Otherwise a violation is
     * recorded for the test to report.
     */
    private void checkRequired(String when) {
        try {
            var conditions = context.getServiceReferences(org.osgi.service.condition.Condition.class,
                    "(osgi.condition.id=hassette.core.ready)");
            if (conditions.isEmpty()) {
                if (when.equals("activated")) {
                    ProbeLog.violation(when + " without a core-ready condition");
                }
                return; // on the way down the condition may already be unregistering
            }
            Object required = conditions.iterator().next().getProperty("hassette.required");
            if (!(required instanceof String[] names)) {
                return;
            }
            for (String name : names) {
                var provided = context.getServiceReferences((String) null, "(&(hassette.resource=" + name
                        + ")(!(objectClass=org.hassette.api.lifecycle.ResourceStatusService)))");
                if (provided == null || provided.length == 0) {
                    ProbeLog.violation(when + " while required resource " + name + " has no service registered");
                }
            }
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Deactivate
    void deactivate() {
        checkRequired("still active");
        ProbeLog.record("gated- alpha=" + alphaRegistered());
    }

    private boolean alphaRegistered() {
        return context.getServiceReference(AlphaService.class) != null;
    }
}
