package org.hassette.lifecycle.internal;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.hassette.api.lifecycle.ReadinessReport;
import org.hassette.api.lifecycle.ResourceReport;
import org.hassette.api.lifecycle.Supervisor;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.condition.Condition;

/**
 * The why-not-ready report: every resource known from status services, from SCR component
 * descriptions carrying {@code hassette.resource} (so a component that never activated still shows
 * up) and from the required list, each with its chain to the root cause. Computed on demand from
 * the live registry and SCR's DTOs, so it is never stale.
 */
@Component(immediate = true, configurationPid = ReadinessConfig.PID)
public class ReadinessReportService implements ReadinessReport {
    private static final String CORE_READY_FILTER = "(" + Condition.CONDITION_ID + "=" + CORE_READY_CONDITION + ")";

    private final BundleContext context;
    private final ServiceComponentRuntime scr;
    private volatile Set<String> required;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile Supervisor supervisor;

    @Activate
    public ReadinessReportService(BundleContext context, @Reference ServiceComponentRuntime scr, ReadinessConfig config) {
        this.context = context;
        this.scr = scr;
        modified(config);
    }

    @Modified
    void modified(ReadinessConfig config) {
        required = Set.of(config.required());
    }

    /** Whether the core-ready condition is registered: what gated components actually see. */
    @Override
    public boolean coreReady() {
        try {
            return !context.getServiceReferences(Condition.class, CORE_READY_FILTER).isEmpty();
        } catch (InvalidSyntaxException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    @Override
    public List<ResourceReport> resources() {
        return explainer().reports(required);
    }

    @Override
    public Optional<ResourceReport> resource(String name) {
        return resources().stream().filter(r -> r.resource().equals(name)).findFirst();
    }

    private WhyNotReady explainer() {
        return new WhyNotReady(Snapshot.take(context, scr, supervisor));
    }
}
