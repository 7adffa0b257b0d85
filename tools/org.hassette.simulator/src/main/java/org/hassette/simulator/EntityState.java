package org.hassette.simulator;

import java.time.Instant;
import java.util.Map;

/**
 * A snapshot of one entity's state as the simulator holds it.
 *
 * @param entityId        e.g. {@code light.kitchen_light}
 * @param state           the state string
 * @param attributes      attributes (unmodifiable, plain Java values)
 * @param lastChanged     when the state string last changed
 * @param lastUpdated     when state or attributes last changed
 * @param lastReported    when the state was last written, even without change
 * @param contextId       ULID of the context of the last change
 * @param contextUserId   user of that context, or null
 */
public record EntityState(String entityId, String state, Map<String, Object> attributes, Instant lastChanged,
        Instant lastUpdated, Instant lastReported, String contextId, String contextUserId) {
}
