package org.hassette.lifecycle.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration PID {@value #PID}, shared by the readiness condition, the report and the health check. */
@ObjectClassDefinition(id = ReadinessConfig.PID, name = "Hassette core readiness",
        description = "Which core resources must be ready before the platform is ready (condition hassette.core.ready)")
public @interface ReadinessConfig {
    String PID = "org.hassette.lifecycle.readiness";

    @AttributeDefinition(name = "Required core resources",
            description = "Names (hassette.resource) of the core resources that must all be ready. Grows as core bundles land.")
    String[] required() default { "database", "session", "watcher", "websocket", "haapi", "states", "scheduler", "bus" };

    @AttributeDefinition(name = "Startup timeout (s)",
            description = "Seconds to wait for core readiness before logging what blocks it and reporting CRITICAL. "
                    + "0 = the framework property hassette.startup.timeout.seconds (default 60).")
    long startup_timeout_seconds() default 0;
}
