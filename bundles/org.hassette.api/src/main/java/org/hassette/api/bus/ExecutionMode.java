package org.hassette.api.bus;

/**
 * What happens when a matching event arrives while the listener's handler still runs.
 *
 * @param kind  the mode
 * @param depth for {@link Kind#QUEUED}: calls waiting at most (more are dropped and counted)
 */
public record ExecutionMode(Kind kind, int depth) {

    /** The modes. */
    public enum Kind {
        /** Ignore the new event (counted as skipped). */
        SINGLE,
        /** Interrupt the running call and start one with the new event. */
        RESTART,
        /** Run calls one after the other in event order. */
        QUEUED,
        /** Run calls concurrently; order is not kept. */
        PARALLEL
    }

    public ExecutionMode {
        if (kind == null) {
            throw new IllegalArgumentException("execution mode kind is required");
        }
        if (kind == Kind.QUEUED && depth < 1) {
            throw new IllegalArgumentException("queued(depth) needs depth >= 1, was " + depth);
        }
    }

    public static ExecutionMode single() {
        return new ExecutionMode(Kind.SINGLE, 0);
    }

    public static ExecutionMode restart() {
        return new ExecutionMode(Kind.RESTART, 0);
    }

    public static ExecutionMode queued(int depth) {
        return new ExecutionMode(Kind.QUEUED, depth);
    }

    public static ExecutionMode parallel() {
        return new ExecutionMode(Kind.PARALLEL, 0);
    }
}
