package org.hassette.states.internal;

import org.hassette.api.ha.EntityState;
import org.hassette.api.ha.StateChangeListener;

/**
 * Benchmark access to the state cache's package-private {@link EntityStore} (the same package name
 * on the plain class path; no production change). Not part of any bundle.
 */
public final class BenchStateStore {
    private final EntityStore store = new EntityStore(msg -> { });

    /** What {@code StateCacheService} does with one {@code state_changed}, minus its lock and resync check. */
    public void apply(String entityId, EntityState newState) {
        store.apply(entityId, newState);
    }

    public void addListener(StateChangeListener l) {
        store.addListener(l);
    }
}
