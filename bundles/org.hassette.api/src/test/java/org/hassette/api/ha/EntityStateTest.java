package org.hassette.api.ha;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EntityStateTest {

    @Test
    void haTimestampsParseLikeTheIsoParser() {
        for (String t : new String[] {"2025-11-16T21:58:12.444020+00:00", "2025-11-16T21:58:12+00:00", "2024-02-29T00:00:00.1Z",
                "1999-12-31T23:59:59.123456789-07:30", "2025-01-01T05:06:07.000001+14:00"}) {
            assertEquals(OffsetDateTime.parse(t).toInstant(), EntityState.parseHaTimestamp(t), t);
            assertEquals(OffsetDateTime.parse(t).toInstant(), EntityState.instant(t), t);
        }
    }

    @Test
    void otherShapesFallBackToTheIsoParserOrAreRejected() {
        assertNull(EntityState.parseHaTimestamp("2025-02-30T00:00:00+00:00"));
        assertNull(EntityState.parseHaTimestamp("2025-11-16 21:58:12+00:00"));
        assertNull(EntityState.parseHaTimestamp("2025-11-16T24:00:00+00:00"));
        assertNull(EntityState.parseHaTimestamp("2025-11-16T21:58:12.+00:00"));
        assertThrows(IllegalArgumentException.class, () -> EntityState.instant("yesterday"));
        assertNull(EntityState.instant(null));
    }

    @Test
    void fromHaJsonWithImmutableAttributes() {
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("brightness", 200L);
        attrs.put("color_mode", null);
        Map<String, Object> json = Map.of("entity_id", "light.kitchen", "state", "on", "attributes", attrs,
                "last_changed", "2025-11-16T21:58:12.444020+00:00", "last_updated", "2025-11-16T21:58:13+00:00",
                "context", Map.of("id", "01KA7ASYPWZCHB1PKX3V8EJ9BT"));
        EntityState s = EntityState.of(json);
        assertEquals("light", s.domain());
        assertEquals(200L, s.attribute("brightness"));
        assertTrue(s.attributes().containsKey("color_mode"));
        assertEquals(Instant.parse("2025-11-16T21:58:13Z"), s.lastUpdated());
        assertEquals("01KA7ASYPWZCHB1PKX3V8EJ9BT", s.contextId());
        attrs.put("brightness", 1L);
        assertEquals(200L, s.attribute("brightness"), "a copy, not a view");
        assertThrows(UnsupportedOperationException.class, () -> s.attributes().put("x", 1));
        assertThrows(IllegalArgumentException.class, () -> EntityState.of(Map.of("state", "on")));
    }
}
