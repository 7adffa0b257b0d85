package org.hassette.api.lifecycle;

import java.time.Instant;
import java.util.Objects;

/**
 * One observed status of a resource: who, what, why, and when.
 *
 * @param resource resource name, e.g. {@code websocket} or {@code app:motion_lights/hall}
 * @param role core or app
 * @param status the status now
 * @param previous the status before this one; {@code null} for the first record
 * @param ready whether the resource is ready to be used (independent of status)
 * @param reason a human reason, e.g. {@code "auth_invalid: token rejected"}; never {@code null}
 * @param exception a one-line summary of the error that caused this status ({@code Type: message}),
 *     or {@code null}
 * @param timestamp when the status was entered
 */
public record StatusRecord(String resource, ResourceRole role, ResourceStatus status, ResourceStatus previous,
        boolean ready, String reason, String exception, Instant timestamp) {

    public StatusRecord {
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(timestamp, "timestamp");
        reason = reason == null ? "" : reason;
    }

    /** The first record of a resource that has not started. */
    public static StatusRecord initial(String resource, ResourceRole role, Instant now) {
        return new StatusRecord(resource, role, ResourceStatus.NOT_STARTED, null, false, "not started", null, now);
    }

    /**
     * The record after moving to {@code next}, checked against {@link StatusTransitions}.
     *
     * @throws IllegalTransitionException when the edge is not legal
     */
    public StatusRecord transition(ResourceStatus next, boolean nowReady, String why, Throwable error, Instant now) {
        StatusTransitions.check(resource, status, next);
        return new StatusRecord(resource, role, next, status, nowReady, why, summarize(error), now);
    }

    /** The same status with new readiness and reason (no transition). */
    public StatusRecord withReadiness(boolean nowReady, String why, Instant now) {
        return new StatusRecord(resource, role, status, previous, nowReady, why, exception, now);
    }

    /** {@code SimpleName: message} of an error, first line only; {@code null} for no error. */
    public static String summarize(Throwable error) {
        if (error == null) {
            return null;
        }
        String message = error.getMessage();
        if (message != null) {
            int nl = message.indexOf('\n');
            if (nl >= 0) {
                message = message.substring(0, nl);
            }
        }
        return error.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }
}
