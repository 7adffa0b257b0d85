package org.hassette.api.lifecycle;

import java.time.Instant;

/**
 * What the watcher knows about one supervised resource.
 *
 * @param resource resource name
 * @param policyType {@code permanent}, {@code transient} or {@code temporary}
 * @param restartsInWindow restarts charged to the budget in the current window
 * @param budget restarts allowed per window
 * @param totalRestarts restarts since the platform started
 * @param nextAttemptAt when the next restart is planned, or {@code null}
 * @param verdict {@link ResourceStatus#EXHAUSTED_COOLING} or {@link ResourceStatus#EXHAUSTED_DEAD} once
 *     the watcher has given up (for now or for good), else {@code null}
 * @param lastFailure reason of the last failure seen, or {@code null}
 */
public record SupervisionState(String resource, String policyType, int restartsInWindow, int budget, int totalRestarts,
        Instant nextAttemptAt, ResourceStatus verdict, String lastFailure) {
}
