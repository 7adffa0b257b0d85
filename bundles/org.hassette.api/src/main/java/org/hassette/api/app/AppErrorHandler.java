package org.hassette.api.app;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Receives the failures of an app's listeners and jobs (see {@link AppContext#onError}). Runs on the
 * thread that saw the failure (a bus handler thread or a scheduler worker); must not block for long.
 * What it throws is logged and dropped.
 */
@ConsumerType
@FunctionalInterface
public interface AppErrorHandler {
    void onError(AppError error);
}
