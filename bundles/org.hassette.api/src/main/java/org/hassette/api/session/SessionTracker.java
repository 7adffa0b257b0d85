package org.hassette.api.session;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Tracks the current run in the {@code sessions} table. Registered only while ready: the session row
 * exists, orphans of killed runs are marked {@code unknown}, the heartbeat is scheduled.
 */
@ProviderType
public interface SessionTracker {
    /** Id of the current session. */
    long currentSessionId();

    /**
     * Records a fatal failure of this run. The first crash wins; later calls change nothing.
     *
     * @return true when this call recorded the crash
     */
    boolean recordCrash(String errorType, String errorMessage, String errorTrace);

    /**
     * Finalizes the current session exactly once: {@code failure} when a crash was recorded, else
     * {@code success}. Later calls change nothing.
     *
     * @return true when this call finalized the session
     */
    boolean finalizeSession();

    /** The most recent sessions, newest first. */
    List<SessionRecord> recentSessions(int limit);
}
