package org.hassette.api.bus;

/**
 * Topics on which the platform emits its own events to the bus ({@link EventBus#onTopic}).
 */
public final class PlatformTopics {
    /** Every status or readiness change of a resource; payload: {@code org.hassette.api.lifecycle.StatusRecord}. */
    public static final String SERVICE_STATUS = "hassette.service_status";

    /**
     * The Home Assistant connection came up or went down; payload: {@link ConnectionChange}. Emitted on
     * each change of the {@code websocket} resource's readiness.
     */
    public static final String CONNECTION = "hassette.connection";

    private PlatformTopics() {
    }

    /**
     * @param connected whether the connection is up now
     * @param reason    the websocket resource's reason (e.g. {@code connection refused (attempt 3, next in 4 s)})
     */
    public record ConnectionChange(boolean connected, String reason) {
    }
}
