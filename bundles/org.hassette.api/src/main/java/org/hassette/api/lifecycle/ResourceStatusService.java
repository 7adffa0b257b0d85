package org.hassette.api.lifecycle;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Published by every managed resource for as long as its component lives, whatever its status. Its
 * service properties ({@link ResourceProperties}) change with each status or readiness change
 * ({@code ServiceEvent.MODIFIED}), so ordinary OSGi tools and filters see the state without polling.
 */
@ProviderType
public interface ResourceStatusService {
    /** The current status record. */
    StatusRecord status();
}
