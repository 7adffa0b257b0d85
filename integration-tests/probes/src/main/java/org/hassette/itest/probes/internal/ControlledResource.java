package org.hassette.itest.probes.internal;

import java.util.Map;
import org.hassette.api.lifecycle.ResourceLifecycle;
import org.hassette.api.lifecycle.ResourceRole;
import org.hassette.api.lifecycle.ResourceStatus;
import org.hassette.api.lifecycle.StatusTransitions;
import org.hassette.itest.probes.ResourceControl;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Deactivate;

/** A core resource whose readiness the test decides. */
abstract class ControlledResource<S> implements ResourceControl {
    private final ResourceLifecycle lifecycle;
    private final Class<S> type;
    private final S service;

    ControlledResource(BundleContext context, String name, Class<S> type, S service) {
        this.type = type;
        this.service = service;
        lifecycle = ResourceLifecycle.open(context, name, ResourceRole.CORE, type);
        lifecycle.starting("waiting for the test");
    }

    @Override
    public void ready(String reason) {
        ResourceStatus now = lifecycle.status().status();
        if (now != ResourceStatus.RUNNING && !StatusTransitions.isAllowed(now, ResourceStatus.RUNNING)) {
            lifecycle.starting("restarting");
        }
        lifecycle.ready(type, service, Map.of(), reason);
    }

    @Override
    public void notReady(String reason) {
        lifecycle.notReady(reason);
    }

    @Override
    public void failed(String reason, Throwable error) {
        lifecycle.failed(reason, error);
    }

    @Deactivate
    void close() {
        lifecycle.close();
    }
}
