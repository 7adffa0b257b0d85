package org.hassette.lifecycle.internal;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.hassette.api.lifecycle.ReadinessReport;
import org.hassette.api.lifecycle.ResourceReport;
import org.hassette.api.lifecycle.ResourceStatusService;
import org.hassette.api.lifecycle.Supervisor;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.component.runtime.ServiceComponentRuntime;

/**
 * The why-not-ready report: every resource known from status services, from SCR component
 * descriptions carrying {@code hassette.resource} (so a component that never activated still shows
 * up) and from the required list, each with its chain to the root cause. Computed on demand from
 * the live registry and SCR's DTOs, so it is never stale.
 */
@Component(immediate = true, configurationPid = ReadinessConfig.PID)
public class ReadinessReportService implements ReadinessReport {
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

    @Override
    public boolean coreReady() {
        return coreReady(context, required);
    }

    /** Whether every name in {@code required} has a core status service saying ready. */
    static boolean coreReady(BundleContext context, Collection<String> required) {
        try {
            Collection<ServiceReference<ResourceStatusService>> refs = context.getServiceReferences(
                    ResourceStatusService.class, CoreReadiness.CORE_STATUS_FILTER);
            return required.stream().allMatch(name -> refs.stream().anyMatch(r -> CoreReadiness.isReady(r, name)));
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

    /** The required core resources, as configured. */
    Set<String> required() {
        return required;
    }

    private WhyNotReady explainer() {
        return new WhyNotReady(Snapshot.take(context, scr, supervisor));
    }
}
