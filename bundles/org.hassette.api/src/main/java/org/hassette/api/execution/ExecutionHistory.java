package org.hassette.api.execution;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The recent handler calls and job runs, kept in the platform database with a bounded retention
 * (by age and by count). Registered while the store can answer, i.e. while the database is ready.
 */
@ProviderType
public interface ExecutionHistory {

    /**
     * The most recent records, newest first.
     *
     * @param app   only this app instance's records, or {@code null} for all
     * @param limit at most this many (1 or more)
     * @throws IllegalArgumentException for a limit below 1
     */
    List<ExecutionRecord> recent(String app, int limit);

    /** How many records are kept right now. */
    long count();

    /** Registers a listener told about each record after it was stored; close the result to stop. */
    AutoCloseable addListener(ExecutionListener listener);

    /** Told about each stored record, on the store's writer thread: return quickly, do not throw. */
    @FunctionalInterface
    interface ExecutionListener {
        void stored(ExecutionRecord record);
    }
}
