package org.hassette.bus.internal;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Instant;
import java.util.Map;
import org.hassette.api.ha.HaEvent;
import org.junit.jupiter.api.Test;
import org.osgi.service.event.Event;

class EventAdminBridgeTest {

    @Test
    void topicKeepsValidEventTypesAndReplacesTheRest() {
        assertEquals("org/hassette/event/state_changed", EventAdminBridge.topic("state_changed"));
        assertEquals("org/hassette/event/my_app_event_1", EventAdminBridge.topic("my.app/event 1"));
        assertEquals("org/hassette/event/_", EventAdminBridge.topic(""));
    }

    @Test
    void eventCarriesTheHaFieldsAndLeavesOutAbsentOnes() {
        Event e = EventAdminBridge.toEvent(new HaEvent("state_changed", Map.of("entity_id", "light.a"), "LOCAL",
                Instant.parse("2025-01-01T00:00:00Z"), null, 3));
        assertEquals("org/hassette/event/state_changed", e.getTopic());
        assertEquals("light.a", e.getProperty("entity_id"));
        assertEquals("2025-01-01T00:00:00Z", e.getProperty("time_fired"));
        assertEquals(3L, e.getProperty("generation"));
        assertFalse(e.containsProperty("context_id"));
    }
}
