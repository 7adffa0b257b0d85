package org.hassette.apps.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import org.hassette.api.app.App;
import org.hassette.api.app.AppInfo;
import org.hassette.api.lifecycle.ConfigurationErrors;
import org.hassette.api.lifecycle.ResourceProperties;
import org.hassette.api.lifecycle.ResourceStatus;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.runtime.dto.UnsatisfiedReferenceDTO;

/**
 * App components SCR knows that have no App service yet, with the reason in an operator's words:
 * waiting for the core, for another app's service, for a configuration, disabled, or failed to
 * activate. Read from SCR's DTOs on demand, so it is never stale.
 */
final class PendingApps {
    static final String CONDITION_REFERENCE = "osgi.ds.satisfying.condition";

    private PendingApps() {
    }

    static List<AppInfo> list(ServiceComponentRuntime scr) {
        List<AppInfo> out = new ArrayList<>();
        if (scr == null) {
            return out;
        }
        Collection<ComponentDescriptionDTO> all = scr.getComponentDescriptionDTOs();
        for (ComponentDescriptionDTO d : all) {
            if (d.serviceInterfaces == null || !Arrays.asList(d.serviceInterfaces).contains(App.class.getName())) {
                continue;
            }
            String pid = d.configurationPid != null && d.configurationPid.length > 0 ? d.configurationPid[d.configurationPid.length - 1] : d.name;
            if (!scr.isComponentEnabled(d)) {
                out.add(pending(d, "app:" + pid, "its component is disabled (scr:enable " + d.name + ")"));
                continue;
            }
            Collection<ComponentConfigurationDTO> configs = scr.getComponentConfigurationDTOs(d);
            if (configs.isEmpty()) {
                if ("require".equals(d.configurationPolicy)) {
                    out.add(pending(d, "app:" + pid, "waiting for a configuration: add etc/" + pid + ".cfg, or etc/" + pid
                            + "-<name>.cfg for one instance per file"));
                }
                continue;
            }
            for (ComponentConfigurationDTO c : configs) {
                String reason = reason(d, c, all);
                if (reason != null) {
                    Object servicePid = c.properties.get("service.pid");
                    String id = servicePid instanceof String sp ? "app:" + sp : "app:" + pid;
                    out.add(pending(d, id, reason));
                }
            }
        }
        return out;
    }

    /**
     * Why a configuration has no service yet, or null when it has (or is about to have) one; a
     * reference to a service a Hassette core resource provides (found in {@code all}) is named by
     * that resource, so the operator knows where {@code hassette:why} continues.
     */
    static String reason(ComponentDescriptionDTO d, ComponentConfigurationDTO c, Collection<ComponentDescriptionDTO> all) {
        switch (c.state) {
            case ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION:
                return "waiting for its configuration";
            case ComponentConfigurationDTO.UNSATISFIED_REFERENCE: {
                List<String> waits = new ArrayList<>();
                for (UnsatisfiedReferenceDTO r : c.unsatisfiedReferences) {
                    waits.add(CONDITION_REFERENCE.equals(r.name) ? "the Hassette core to be ready (see hassette:status)" : waitingFor(d, r, all));
                }
                return "waiting for " + String.join(" and ", waits);
            }
            case ComponentConfigurationDTO.FAILED_ACTIVATION:
                String named = ConfigurationErrors.describe(c.failure, c.properties);
                return "activation failed: " + (c.failure == null ? "see the log" : named != null ? named : AppHandler.rootCause(c.failure));
            default:
                return null;
        }
    }

    private static String waitingFor(ComponentDescriptionDTO d, UnsatisfiedReferenceDTO r, Collection<ComponentDescriptionDTO> all) {
        String type = Arrays.stream(d.references).filter(ref -> ref.name.equals(r.name)).map(ref -> ref.interfaceName)
                .findFirst().orElse(null);
        for (ComponentDescriptionDTO provider : all) {
            Object resource = provider.properties.get(ResourceProperties.RESOURCE);
            if (type != null && resource != null && type.equals(provider.properties.get(ResourceProperties.PROVIDES))) {
                return "the Hassette core's " + resource + " (see hassette:why " + resource + ")";
            }
        }
        return (type == null ? "a service" : type) + " (reference '" + r.name + "'"
                + (r.target != null && !r.target.isEmpty() ? ", target " + r.target : "") + ")";
    }

    private static AppInfo pending(ComponentDescriptionDTO d, String appId, String reason) {
        return new AppInfo(appId, d.bundle.symbolicName, d.bundle.version == null ? "" : d.bundle.version, ResourceStatus.NOT_STARTED, reason, true, false, 0, 0, 0, 0, 0,
                Instant.now());
    }
}
