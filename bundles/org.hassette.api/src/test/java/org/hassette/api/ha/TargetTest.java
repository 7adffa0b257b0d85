package org.hassette.api.ha;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TargetTest {

    @Test
    void everyKindOfTargetBecomesHasKeyAndEmptyOnesAreLeftOut() {
        assertEquals(Map.of(), Target.NONE.toMap());
        assertTrue(Target.NONE.isEmpty());
        assertEquals(Map.of("entity_id", List.of("light.a")), Target.entities("light.a").toMap());
        assertEquals(Map.of("device_id", List.of("d1")), Target.devices("d1").toMap());
        assertEquals(Map.of("area_id", List.of("kitchen")), Target.areas("kitchen").toMap());
        assertEquals(Map.of("floor_id", List.of("ground")), Target.floors("ground").toMap());
        assertEquals(Map.of("label_id", List.of("christmas")), Target.labels("christmas").toMap());
        assertFalse(Target.labels("christmas").isEmpty());
    }

    @Test
    void targetsCombineWithoutRepeatingIdsInHasKeyOrder() {
        Target t = Target.floors("ground").and(Target.labels("christmas")).and(Target.entities("light.porch"))
                .and(Target.floors("ground", "first"));
        assertEquals(List.of("entity_id", "floor_id", "label_id"), List.copyOf(t.toMap().keySet()));
        assertEquals(List.of("ground", "first"), t.floorIds());
        assertEquals(List.of("christmas"), t.labelIds());
    }

    @Test
    void theThreeListFormStillWorksAndNullsAreEmpty() {
        Target t = new Target(List.of("light.a"), null, List.of("hall"));
        assertEquals(List.of(), t.deviceIds());
        assertEquals(List.of(), t.floorIds());
        assertEquals(List.of(), t.labelIds());
        assertEquals(Map.of("entity_id", List.of("light.a"), "area_id", List.of("hall")), t.toMap());
    }
}
