package org.hassette.api.session;

import java.time.Instant;

/**
 * One run of the platform.
 *
 * @param stoppedAt {@code null} while running
 * @param errorType simple name of the fatal error, or {@code null}
 */
public record SessionRecord(long id, Instant startedAt, Instant stoppedAt, Instant lastHeartbeatAt, SessionStatus status,
        String errorType, String errorMessage, String errorTrace) {
}
