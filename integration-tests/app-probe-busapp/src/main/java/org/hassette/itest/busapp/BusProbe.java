package org.hassette.itest.busapp;

import java.util.List;
import java.util.Optional;
import org.hassette.api.bus.Subscription;
import org.hassette.api.scheduler.JobInfo;

/**
 * The probe app's window for the test: what its handlers and jobs saw, and actions the test asks
 * the app to take with its own (app-scoped) scheduler.
 */
public interface BusProbe {
    /** Group of the probe's jobs (except the interval job). */
    String GROUP = "it-bp";
    /** Group of the interval job, cancelled as a group. */
    String EVERY_GROUP = "it-bp-every";

    /** The app instance id, empty before start. */
    String appId();

    /** What the listener or job of that short name saw, in order (values as strings). */
    List<String> seen(String name);

    /** Outcomes of the idempotent-registration checks made in start (e.g. {@code skip-same: true}). */
    List<String> notes();

    /** The subscription of a listener by short name. */
    Optional<Subscription> listener(String name);

    /** Full job name for a short name (prefixed with the app id). */
    String jobName(String shortName);

    /** Runs the probe's job of that short name now, through the app's scheduler. */
    void runNow(String shortName);

    /** Cancels a group through the app's scheduler; how many were cancelled. */
    int cancelGroup(String group);

    /** The app's jobs of a group, through the app's scheduler. */
    List<JobInfo> jobs(String group);

    /** Lets the blocked single-mode handler finish. */
    void releaseSingle();
}
