package org.hassette.lifecycle.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.hassette.api.lifecycle.ResourceStatusService;
import org.hassette.api.lifecycle.SupervisionState;
import org.hassette.api.lifecycle.Supervisor;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/** Everything the why-chains are computed from, taken at one moment. */
record Snapshot(List<StatusView> statuses, List<ComponentView> components, Map<String, SupervisionState> supervision,
        Instant now) {

    /** Reads the registry, SCR and (when present) the watcher now. */
    static Snapshot take(BundleContext context, ServiceComponentRuntime scr, Supervisor supervisor) {
        List<StatusView> statuses = new ArrayList<>();
        try {
            Collection<ServiceReference<ResourceStatusService>> refs = context.getServiceReferences(ResourceStatusService.class, null);
            refs.stream().map(StatusView::of).filter(Objects::nonNull).forEach(statuses::add);
        } catch (InvalidSyntaxException impossible) {
            throw new IllegalStateException(impossible);
        }
        List<ComponentView> components = new ArrayList<>();
        for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs()) {
            components.add(new ComponentView(d, scr.isComponentEnabled(d), List.copyOf(scr.getComponentConfigurationDTOs(d))));
        }
        Map<String, SupervisionState> supervision = new HashMap<>();
        if (supervisor != null) {
            for (SupervisionState s : supervisor.states()) {
                supervision.put(s.resource(), s);
            }
        }
        return new Snapshot(statuses, components, supervision, Instant.now());
    }
}
