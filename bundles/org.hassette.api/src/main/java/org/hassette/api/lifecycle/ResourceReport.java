package org.hassette.api.lifecycle;

import java.util.List;

/**
 * One resource as the readiness report sees it: its own status plus what SCR and the watcher say.
 *
 * @param chain why it is not ready, outermost first, each line one hop towards the root cause
 *     (e.g. {@code session: waiting for Database}, {@code database: FAILED, SQLiteException ... (restart 2/5 in 4 s)});
 *     empty when ready
 */
public record ResourceReport(String resource, ResourceRole role, ResourceStatus status, boolean ready, String reason,
        int restarts, List<String> chain) {
}
