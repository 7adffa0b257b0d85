package org.hassette.api.scheduler;

import java.time.ZonedDateTime;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/** A registered job. */
@ProviderType
public interface JobHandle {

    /** The job's unique name. */
    String name();

    /** The job's group, or empty. */
    String group();

    /** Stops future runs (a run going on now finishes). Returns false if it was already cancelled. */
    boolean cancel();

    /**
     * Runs the job now on a worker, subject to its {@code where} predicates and timeout; the
     * scheduled runs are not affected (a manual run never consumes a pending occurrence).
     */
    void runNow();

    /** When it runs next (jitter included), empty when it will not. */
    Optional<ZonedDateTime> nextRun();

    /** Where the job is in its life. */
    JobStatus status();

    /** A snapshot for display. */
    JobInfo info();
}
