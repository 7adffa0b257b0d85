package org.hassette.api.ha;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Told about every change of the {@link StateCache}. Called on the connection's dispatch thread;
 * must return quickly.
 */
@ConsumerType
@FunctionalInterface
public interface StateChangeListener {
    /**
     * @param entityId the entity
     * @param oldState the state before, null when the entity was added
     * @param newState the state now, null when the entity was removed
     */
    void onChange(String entityId, EntityState oldState, EntityState newState);
}
