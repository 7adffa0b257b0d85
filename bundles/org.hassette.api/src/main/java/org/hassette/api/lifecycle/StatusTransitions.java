package org.hassette.api.lifecycle;

import static org.hassette.api.lifecycle.ResourceStatus.*;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The legal-transition table of {@link ResourceStatus}.
 *
 * <p>Staying in the same status is not a transition; callers that only want to update the reason
 * should not go through this table.
 */
public final class StatusTransitions {
    private static final Map<ResourceStatus, Set<ResourceStatus>> ALLOWED = new EnumMap<>(ResourceStatus.class);

    static {
        allow(NOT_STARTED, STARTING, STOPPING, STOPPED, FAILED, CRASHED, EXHAUSTED_COOLING, EXHAUSTED_DEAD);
        allow(STARTING, RUNNING, FAILED, CRASHED, STOPPING, STOPPED, EXHAUSTED_COOLING, EXHAUSTED_DEAD);
        allow(RUNNING, STOPPING, STOPPED, FAILED, CRASHED, EXHAUSTED_COOLING, EXHAUSTED_DEAD);
        allow(STOPPING, STOPPED, FAILED, CRASHED);
        allow(STOPPED, STARTING);
        allow(FAILED, STARTING, STOPPING, STOPPED, CRASHED, EXHAUSTED_COOLING, EXHAUSTED_DEAD);
        allow(CRASHED, STARTING, STOPPING, STOPPED, EXHAUSTED_DEAD);
        allow(EXHAUSTED_COOLING, STARTING, STOPPING, STOPPED, EXHAUSTED_DEAD);
        allow(EXHAUSTED_DEAD, STOPPING, STOPPED);
    }

    private StatusTransitions() {
    }

    private static void allow(ResourceStatus from, ResourceStatus... to) {
        EnumSet<ResourceStatus> set = EnumSet.noneOf(ResourceStatus.class);
        Collections.addAll(set, to);
        ALLOWED.put(from, Collections.unmodifiableSet(set));
    }

    /** Whether {@code from -> to} is a legal edge. */
    public static boolean isAllowed(ResourceStatus from, ResourceStatus to) {
        return ALLOWED.get(from).contains(to);
    }

    /** The statuses reachable from {@code from} in one step. */
    public static Set<ResourceStatus> allowedFrom(ResourceStatus from) {
        return ALLOWED.get(from);
    }

    /**
     * Checks an edge.
     *
     * @throws IllegalTransitionException naming the resource, both statuses and the legal targets
     */
    public static void check(String resource, ResourceStatus from, ResourceStatus to) {
        if (!isAllowed(from, to)) {
            throw new IllegalTransitionException(resource, from, to);
        }
    }
}
