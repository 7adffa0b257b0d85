package org.hassette.api.app;

import org.hassette.api.lifecycle.ResourceStatus;

/**
 * One app instance as the platform sees it.
 *
 * @param appId  {@code app:<component name or service.pid>}
 * @param bundle the symbolic name of the bundle that registered the app
 * @param status the app's lifecycle status
 * @param reason why it is in that status (the failure for FAILED)
 */
public record AppInfo(String appId, String bundle, ResourceStatus status, String reason) {
}
