package org.hassette.api.bus;

import java.util.Objects;
import org.hassette.api.ha.EntityState;

/**
 * One change of an entity as the state cache saw it.
 *
 * @param entityId  the entity
 * @param oldState  before; null when the entity appeared, or for an {@code immediate} call
 * @param newState  after; null when the entity was removed
 * @param attribute the attribute an attribute listener watches, else null
 * @param immediate whether this is the synthetic change of {@link StateChangeBuilder#immediate()}
 */
public record StateChange(String entityId, EntityState oldState, EntityState newState, String attribute,
        boolean immediate) {

    public StateChange {
        Objects.requireNonNull(entityId, "entityId");
    }

    /** A plain state change. */
    public StateChange(String entityId, EntityState oldState, EntityState newState) {
        this(entityId, oldState, newState, null, false);
    }

    /** The value before: the attribute value for attribute listeners, else the state string; null when absent. */
    public Object oldValue() {
        return value(oldState);
    }

    /** The value after, like {@link #oldValue()}. */
    public Object newValue() {
        return value(newState);
    }

    /** The domain of the entity, e.g. {@code light}. */
    public String domain() {
        int dot = entityId.indexOf('.');
        return dot < 0 ? entityId : entityId.substring(0, dot);
    }

    /** This change as seen by a listener of {@code attr}. */
    public StateChange forAttribute(String attr) {
        return new StateChange(entityId, oldState, newState, attr, immediate);
    }

    private Object value(EntityState s) {
        if (s == null) {
            return null;
        }
        return attribute == null ? s.state() : s.attribute(attribute);
    }
}
