package org.hassette.api.ha;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One entity's state as Home Assistant reported it. Immutable: the attribute map cannot be modified
 * (nested values are plain Java values as parsed and must be treated as read-only).
 *
 * @param entityId    e.g. {@code light.kitchen}
 * @param state       the state string, e.g. {@code on}, {@code 21.5}, {@code unavailable}
 * @param attributes  attributes, never null
 * @param lastChanged when the state string last changed (null if HA did not say)
 * @param lastUpdated when state or attributes last changed (null if HA did not say)
 * @param contextId   id of the context of the last change (a ULID), or null
 */
public record EntityState(String entityId, String state, Map<String, Object> attributes, Instant lastChanged,
        Instant lastUpdated, String contextId) {

    public EntityState {
        Objects.requireNonNull(entityId, "entityId");
        attributes = attributes == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }

    /**
     * Builds a state from HA's JSON object as plain Java values ({@code entity_id}, {@code state},
     * {@code attributes}, {@code last_changed}, {@code last_updated}, {@code context.id}).
     *
     * @throws IllegalArgumentException when {@code entity_id} is missing or a timestamp is malformed
     */
    @SuppressWarnings("unchecked")
    public static EntityState of(Map<String, ?> json) {
        Object id = json.get("entity_id");
        if (!(id instanceof String)) {
            throw new IllegalArgumentException("state without entity_id: " + json.keySet());
        }
        Object attrs = json.get("attributes");
        Object ctx = json.get("context");
        Object ctxId = ctx instanceof Map ? ((Map<String, ?>) ctx).get("id") : null;
        Object state = json.get("state");
        return new EntityState((String) id, state == null ? null : state.toString(),
                attrs instanceof Map ? (Map<String, Object>) attrs : Map.of(),
                instant(json.get("last_changed")), instant(json.get("last_updated")),
                ctxId instanceof String ? (String) ctxId : null);
    }

    /** Parses HA's timestamps ({@code 2025-11-16T21:58:12.444020+00:00}); null stays null. */
    public static Instant instant(Object isoTimestamp) {
        if (isoTimestamp == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(isoTimestamp.toString()).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("malformed timestamp '" + isoTimestamp + "'", e);
        }
    }

    /** The part of the entity id before the dot, e.g. {@code light}. */
    public String domain() {
        int dot = entityId.indexOf('.');
        return dot < 0 ? entityId : entityId.substring(0, dot);
    }

    /** One attribute, or null when absent. */
    public Object attribute(String name) {
        return attributes.get(name);
    }
}
