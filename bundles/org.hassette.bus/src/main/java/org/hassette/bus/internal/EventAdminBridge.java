package org.hassette.bus.internal;

import java.util.HashMap;
import java.util.Map;
import org.hassette.api.ha.HaEvent;
import org.osgi.service.event.Event;

/**
 * Turns HA events into EventAdmin events: topic {@code org/hassette/event/<event_type>} (characters
 * a topic cannot hold become {@code _}), properties {@code event_type}, {@code data},
 * {@code origin}, {@code time_fired} (ISO-8601 text), {@code context_id}, {@code generation} and,
 * when the data has one, {@code entity_id}. Absent values are left out.
 */
final class EventAdminBridge {
    static final String TOPIC_PREFIX = "org/hassette/event/";

    private EventAdminBridge() {
    }

    static String topic(String eventType) {
        StringBuilder b = new StringBuilder(TOPIC_PREFIX.length() + eventType.length());
        b.append(TOPIC_PREFIX);
        for (char c : eventType.toCharArray()) {
            b.append(Character.isLetterOrDigit(c) && c < 128 || c == '_' || c == '-' ? c : '_');
        }
        if (eventType.isEmpty()) {
            b.append('_');
        }
        return b.toString();
    }

    static Event toEvent(HaEvent e) {
        Map<String, Object> p = new HashMap<>();
        p.put("event_type", e.eventType());
        if (e.data() != null) {
            p.put("data", e.data());
            Object id = e.data().get("entity_id");
            if (id != null) {
                p.put("entity_id", id);
            }
        }
        if (e.origin() != null) {
            p.put("origin", e.origin());
        }
        if (e.timeFired() != null) {
            p.put("time_fired", e.timeFired().toString());
        }
        if (e.contextId() != null) {
            p.put("context_id", e.contextId());
        }
        p.put("generation", e.generation());
        return new Event(topic(e.eventType() == null ? "" : e.eventType()), p);
    }
}
