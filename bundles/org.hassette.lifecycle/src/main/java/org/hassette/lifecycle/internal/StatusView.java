package org.hassette.lifecycle.internal;

import org.hassette.api.lifecycle.ResourceProperties;
import org.hassette.api.lifecycle.ResourceRole;
import org.hassette.api.lifecycle.ResourceStatus;
import org.osgi.framework.ServiceReference;

/**
 * What one {@code ResourceStatusService} says, read from its service properties (which change with
 * every status or readiness change, so reading them is reading the current state).
 */
record StatusView(String resource, ResourceRole role, ResourceStatus status, boolean ready, String reason,
        String exception, String provides) {

    /** The view of a status service, or {@code null} when its properties are not a valid status. */
    static StatusView of(ServiceReference<?> ref) {
        Object resource = ref.getProperty(ResourceProperties.RESOURCE);
        if (!(resource instanceof String name) || name.isBlank()) {
            return null;
        }
        ResourceRole role;
        ResourceStatus status;
        try {
            role = ResourceRole.parse(String.valueOf(ref.getProperty(ResourceProperties.ROLE)));
            status = ResourceStatus.parse(String.valueOf(ref.getProperty(ResourceProperties.STATUS)));
        } catch (IllegalArgumentException notAStatus) {
            return null;
        }
        return new StatusView(name, role, status, isReady(ref), text(ref.getProperty(ResourceProperties.REASON)),
                (String) ref.getProperty(ResourceProperties.EXCEPTION), (String) ref.getProperty(ResourceProperties.PROVIDES));
    }

    /** Whether the status service says {@code hassette.ready=true} now. */
    static boolean isReady(ServiceReference<?> ref) {
        return Boolean.TRUE.equals(ref.getProperty(ResourceProperties.READY));
    }

    private static String text(Object value) {
        return value == null ? "" : value.toString();
    }
}
