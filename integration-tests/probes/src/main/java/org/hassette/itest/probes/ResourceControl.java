package org.hassette.itest.probes;

/**
 * Drives a probe core resource from a test. Registered with the property
 * {@code probe.resource=<resource name>}.
 */
public interface ResourceControl {
    String PROPERTY = "probe.resource";

    /** Ready: registers the resource's service, then publishes ready=true. */
    void ready(String reason);

    /** Not ready: publishes ready=false, then unregisters the service. */
    void notReady(String reason);

    /** FAILED with a reason and an error. */
    void failed(String reason, Throwable error);
}
