package org.hassette.api.scheduler;

/** How one run of a job ended. */
public enum RunOutcome {
    /** The task returned normally. */
    SUCCEEDED,
    /** The task threw, or a {@code where} predicate or a constraint threw. */
    FAILED,
    /** Not run: a {@code where} predicate or a constraint said no, or the previous run was still going. */
    SKIPPED,
    /** The task ran longer than its timeout and was interrupted. */
    TIMED_OUT
}
