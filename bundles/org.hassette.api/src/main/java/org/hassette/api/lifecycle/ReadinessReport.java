package org.hassette.api.lifecycle;

import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Explains the platform's readiness: which resources are ready and, for the others, why not, as a
 * chain from the resource to the root cause (status reasons, SCR's unsatisfied references and
 * activation failures, the watcher's verdicts).
 */
@ProviderType
public interface ReadinessReport {
    /** Condition id registered while every required core resource is ready. */
    String CORE_READY_CONDITION = "hassette.core.ready";

    /** Whether every required core resource is ready. */
    boolean coreReady();

    /** Every known resource, core first, by name. */
    List<ResourceReport> resources();

    /** One resource. */
    Optional<ResourceReport> resource(String name);
}
