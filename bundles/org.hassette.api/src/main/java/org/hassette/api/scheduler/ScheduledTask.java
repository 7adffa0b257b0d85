package org.hassette.api.scheduler;

import org.osgi.annotation.versioning.ConsumerType;

/** The work of a job. It may throw: the failure is recorded on the job and reported, never fatal. */
@ConsumerType
@FunctionalInterface
public interface ScheduledTask {
    void run() throws Exception;
}
