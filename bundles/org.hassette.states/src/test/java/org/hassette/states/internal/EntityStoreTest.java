package org.hassette.states.internal;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hassette.api.ha.EntityState;
import org.junit.jupiter.api.Test;

class EntityStoreTest {
    private final List<String> changes = new ArrayList<>();
    private final EntityStore store = new EntityStore(w -> fail(w));

    EntityStoreTest() {
        store.addListener((id, o, n) -> changes.add(id + ":" + (o == null ? "-" : o.state()) + ">" + (n == null ? "-" : n.state())));
    }

    private static EntityState s(String id, String state) {
        return new EntityState(id, state, Map.of("friendly_name", id), Instant.EPOCH, Instant.EPOCH, "ctx");
    }

    @Test
    void incrementalUpdatesAddChangeAndRemoveWithDomainIndex() {
        store.apply("light.a", s("light.a", "off"));
        store.apply("light.b", s("light.b", "on"));
        store.apply("sensor.t", s("sensor.t", "21"));
        store.apply("light.a", s("light.a", "on"));
        store.apply("light.b", null);
        store.apply("light.zzz", null); // removing what is not there tells nobody
        assertEquals(List.of("light.a:->off", "light.b:->on", "sensor.t:->21", "light.a:off>on", "light.b:on>-"), changes);
        assertEquals(2, store.size());
        assertEquals(List.of("light.a"), store.domain("light").stream().map(EntityState::entityId).toList());
        assertTrue(store.domain("switch").isEmpty());
    }

    @Test
    void fullSnapshotReportsOnlyDifferencesIncludingRemovals() {
        store.replaceAll(List.of(s("light.a", "on"), s("light.b", "off"), s("sensor.t", "20")));
        changes.clear();
        int n = store.replaceAll(List.of(s("light.a", "on"), s("sensor.t", "21"), s("switch.new", "on")));
        assertEquals(3, n);
        assertTrue(changes.containsAll(List.of("light.b:off>-", "sensor.t:20>21", "switch.new:->on")), changes.toString());
        assertEquals(3, changes.size(), "unchanged light.a is not reported");
        assertTrue(store.get("light.b").isEmpty());
        assertEquals(List.of("switch.new"), store.domain("switch").stream().map(EntityState::entityId).toList());
        assertTrue(store.domain("light").stream().noneMatch(e -> e.entityId().equals("light.b")));
    }

    @Test
    void globsMatchIdsWithStarAndQuestionMarkAndQuoteTheRest() {
        store.replaceAll(List.of(s("sensor.kitchen_temperature", "1"), s("sensor.bedroom_temperature_2", "2"),
                s("sensor.kitchen_humidity", "3"), s("light.kitchen", "on"), s("sensor.a+b", "4")));
        assertEquals(List.of("sensor.kitchen_temperature"), ids(store.matching("sensor.*_temperature")));
        assertEquals(List.of("sensor.bedroom_temperature_2", "sensor.kitchen_temperature"), ids(store.matching("sensor.*_temperature*")));
        assertEquals(List.of("light.kitchen", "sensor.kitchen_humidity", "sensor.kitchen_temperature"), ids(store.matching("*kitchen*")));
        assertEquals(List.of("sensor.a+b"), ids(store.matching("sensor.a+?")));
        assertTrue(store.matching("sensor.a+").isEmpty());
    }

    @Test
    void sixteenThousandEntitiesUpdateInPlace() {
        List<EntityState> all = new ArrayList<>();
        for (int i = 0; i < EntityStore.EXPECTED_ENTITIES; i++) {
            all.add(s("sensor.s" + i, "0"));
        }
        store.replaceAll(all);
        changes.clear();
        for (int i = 0; i < 100_000; i++) {
            String id = "sensor.s" + (i % EntityStore.EXPECTED_ENTITIES);
            store.apply(id, s(id, Integer.toString(i)));
        }
        assertEquals(EntityStore.EXPECTED_ENTITIES, store.size());
        assertEquals(100_000, changes.size());
        assertEquals(EntityStore.EXPECTED_ENTITIES, store.domain("sensor").size());
    }

    private static List<String> ids(List<EntityState> l) {
        return l.stream().map(EntityState::entityId).sorted().toList();
    }
}
