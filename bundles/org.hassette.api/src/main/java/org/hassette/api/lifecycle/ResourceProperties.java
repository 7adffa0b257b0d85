package org.hassette.api.lifecycle;

/**
 * Names of the service properties of a {@link ResourceStatusService} and of the component
 * properties that tie a DS component to the resource it implements.
 */
public final class ResourceProperties {
    /** Resource name, e.g. {@code database}. Also a component property of the implementing component. */
    public static final String RESOURCE = "hassette.resource";
    /** {@code core} or {@code app}. */
    public static final String ROLE = "hassette.role";
    /** {@link ResourceStatus#label()} of the current status. */
    public static final String STATUS = "hassette.status";
    /** Boolean: the resource is ready to be used. */
    public static final String READY = "hassette.ready";
    /** Human reason of the current status or readiness. */
    public static final String REASON = "hassette.reason";
    /** One-line summary of the error behind the current status, when there is one. */
    public static final String EXCEPTION = "hassette.exception";
    /**
     * Fully qualified name of the service interface the resource registers while it is ready. Also a
     * component property, so a component waiting on that interface can be traced to this resource.
     */
    public static final String PROVIDES = "hassette.provides";
    /**
     * What outside the platform a running, not-ready resource waits for (e.g. {@code Home Assistant});
     * absent otherwise. See {@link ResourceLifecycle#waitingOn(String, String)}.
     *
     * @since 1.3
     */
    public static final String WAITING_ON = "hassette.waiting.on";

    /** EventAdmin topic prefix of status transitions: {@code org/hassette/resource/<STATUS>}. */
    public static final String TOPIC_PREFIX = "org/hassette/resource/";

    private ResourceProperties() {
    }
}
