package org.hassette.lifecycle.internal;

import java.util.Arrays;
import java.util.List;
import org.hassette.api.lifecycle.ResourceProperties;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/** One SCR component description with its enabled flag and current configurations. */
record ComponentView(ComponentDescriptionDTO description, boolean enabled, List<ComponentConfigurationDTO> configurations) {

    String name() {
        return description.name;
    }

    /** {@code hassette.resource} of the component ({@code @HassetteResource}), or {@code null}. */
    String resource() {
        Object r = description.properties == null ? null : description.properties.get(ResourceProperties.RESOURCE);
        return r instanceof String s && !s.isBlank() ? s : null;
    }

    /** {@code hassette.provides} of the component, or {@code null}. */
    String provides() {
        Object p = description.properties == null ? null : description.properties.get(ResourceProperties.PROVIDES);
        return p == null ? null : p.toString();
    }

    /** Whether SCR registers {@code type} for this component. */
    boolean registers(String type) {
        return description.serviceInterfaces != null && Arrays.asList(description.serviceInterfaces).contains(type);
    }

    /** The configuration that tells most about the component: active before satisfied before failed, and so on. */
    ComponentConfigurationDTO mostAdvanced() {
        ComponentConfigurationDTO best = null;
        for (ComponentConfigurationDTO c : configurations) {
            if (best == null || rank(c.state) > rank(best.state)) {
                best = c;
            }
        }
        return best;
    }

    private static int rank(int state) {
        return switch (state) {
            case ComponentConfigurationDTO.ACTIVE -> 5;
            case ComponentConfigurationDTO.SATISFIED -> 4;
            case ComponentConfigurationDTO.FAILED_ACTIVATION -> 3;
            case ComponentConfigurationDTO.UNSATISFIED_REFERENCE -> 2;
            default -> 1;
        };
    }
}
