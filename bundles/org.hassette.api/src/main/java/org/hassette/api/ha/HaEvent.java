package org.hassette.api.ha;

import java.time.Instant;
import java.util.Map;

/**
 * An event from Home Assistant's event bus ({@code subscribe_events}).
 *
 * @param eventType e.g. {@code state_changed}, {@code call_service}
 * @param data      the event data as plain Java values (for {@code state_changed}: {@code entity_id},
 *                  {@code old_state}, {@code new_state}, each state a map or null)
 * @param origin    {@code LOCAL} or {@code REMOTE}
 * @param timeFired when HA fired it
 * @param contextId id of the event's context, or null
 * @param generation the connection generation that delivered it
 */
public record HaEvent(String eventType, Map<String, Object> data, String origin, Instant timeFired, String contextId,
        long generation) {
}
