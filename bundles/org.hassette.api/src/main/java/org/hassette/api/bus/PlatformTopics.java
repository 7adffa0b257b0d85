package org.hassette.api.bus;

import java.time.Instant;
import java.util.Objects;
import org.hassette.api.lifecycle.ResourceRole;
import org.hassette.api.lifecycle.ResourceStatus;
import org.hassette.api.lifecycle.StatusRecord;

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

    /**
     * Every status or readiness change of an app instance (started, failed, restarting, quarantined,
     * stopped); payload: {@link AppStatusChange}. The same changes also appear on
     * {@link #SERVICE_STATUS} as {@code StatusRecord}s of role {@code APP}.
     */
    public static final String APP_STATUS = "hassette.app_status";

    private PlatformTopics() {
    }

    /**
     * A status change of one app instance.
     *
     * @param appId     the app instance, {@code app:<pid or component name>}
     * @param status    its status now ({@code RUNNING} once started, {@code FAILED} after a failed start, ...)
     * @param previous  the status before, {@code null} for the first
     * @param running   whether it runs (the resource's readiness)
     * @param reason    why, e.g. {@code start failed: IllegalStateException: no sensor (retry 1/3 in 2 s)}
     * @param exception {@code Type: message} of the error behind it, or {@code null}
     * @param at        when the app entered it
     */
    public record AppStatusChange(String appId, ResourceStatus status, ResourceStatus previous, boolean running, String reason,
            String exception, Instant at) {
        public AppStatusChange {
            Objects.requireNonNull(appId, "appId");
            Objects.requireNonNull(status, "status");
            reason = reason == null ? "" : reason;
        }

        /** The change a status record of role {@code APP} describes. */
        public static AppStatusChange of(StatusRecord r) {
            if (r.role() != ResourceRole.APP) {
                throw new IllegalArgumentException(r.resource() + " is no app (role " + r.role() + ")");
            }
            return new AppStatusChange(r.resource(), r.status(), r.previous(), r.ready(), r.reason(), r.exception(), r.timestamp());
        }

        /** Whether the app is in a failure status ({@code FAILED}, {@code CRASHED} or exhausted). */
        public boolean failed() {
            return status.isFailure();
        }
    }

    /**
     * @param connected whether the connection is up now
     * @param reason    the websocket resource's reason (e.g. {@code connection refused (attempt 3, next in 4 s)})
     */
    public record ConnectionChange(boolean connected, String reason) {
    }
}
