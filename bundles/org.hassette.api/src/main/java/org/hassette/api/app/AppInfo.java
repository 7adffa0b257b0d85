package org.hassette.api.app;

import java.time.Instant;
import java.util.List;
import org.hassette.api.lifecycle.ResourceStatus;

/**
 * One app instance as the platform sees it.
 *
 * @param appId         {@code app:<component name or service.pid>}
 * @param bundle        the symbolic name of the bundle that registered the app
 * @param bundleVersion that bundle's version
 * @param status        the app's lifecycle status
 * @param reason        why it is in that status (the failure for FAILED, the quarantine reason)
 * @param enabled       false when an operator disabled it or it was quarantined; a disabled app is not
 *                      started, also not after a platform restart
 * @param quarantined   true when it kept failing and was disabled by the platform
 * @param starts        how many times it was started successfully since it was deployed
 * @param failures      how many starts failed since it was deployed
 * @param restarts      automatic restarts since the last success
 * @param listeners     listeners it has registered now
 * @param jobs          jobs it has scheduled now
 * @param since         when it entered its status
 * @param constraints   names of the app-wide constraints it set with {@link AppContext#constrainAll}: every
 *                      listener and job of the app runs only while all of them hold (empty when none)
 */
public record AppInfo(String appId, String bundle, String bundleVersion, ResourceStatus status, String reason,
        boolean enabled, boolean quarantined, int starts, int failures, int restarts, int listeners, int jobs,
        Instant since, List<String> constraints) {

    public AppInfo {
        constraints = constraints == null ? List.of() : List.copyOf(constraints);
    }

    /** An app without app-wide constraints (the 1.2 form of this record). */
    public AppInfo(String appId, String bundle, String bundleVersion, ResourceStatus status, String reason,
            boolean enabled, boolean quarantined, int starts, int failures, int restarts, int listeners, int jobs,
            Instant since) {
        this(appId, bundle, bundleVersion, status, reason, enabled, quarantined, starts, failures, restarts, listeners,
                jobs, since, List.of());
    }
}
