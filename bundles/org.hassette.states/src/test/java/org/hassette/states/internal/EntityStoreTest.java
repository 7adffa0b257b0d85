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

    private static EntityState at(String id, String state, long second) {
        Instant t = Instant.ofEpochSecond(second);
        return new EntityState(id, state, Map.of(), t, t, "ctx" + second);
    }

    /** ChaosSoakIT saw it: the counter's event (35) was applied, then the older snapshot (30) undid it for good. */
    @Test
    void anOlderSnapshotDoesNotUndoWhatEventsToldSinceItWasAskedFor() {
        store.replaceAll(List.of(at("sensor.counter", "25", 100), at("light.a", "on", 100), at("light.b", "on", 100)));
        java.util.Map<String, java.util.Optional<EntityState>> since = new java.util.HashMap<>();
        EntityState told = at("sensor.counter", "35", 120);
        store.apply("sensor.counter", told);
        since.put("sensor.counter", java.util.Optional.of(told));
        store.apply("light.b", null);
        since.put("light.b", java.util.Optional.empty());
        EntityState created = at("light.new", "on", 121);
        store.apply("light.new", created);
        since.put("light.new", java.util.Optional.of(created));
        changes.clear();

        // the snapshot was taken at second 110: before all three events
        store.replaceAll(List.of(at("sensor.counter", "30", 110), at("light.a", "off", 110), at("light.b", "on", 100)), since);
        assertEquals("35", store.get("sensor.counter").orElseThrow().state(), "the newer event wins over the older snapshot");
        assertEquals("off", store.get("light.a").orElseThrow().state(), "what no event touched comes from the snapshot");
        assertTrue(store.get("light.b").isEmpty(), "removed after the request: not brought back");
        assertEquals("on", store.get("light.new").orElseThrow().state(), "created after the request: kept");
        assertEquals(List.of("light.a:on>off"), changes);

        // a snapshot newer than the event is the truth
        since.clear();
        since.put("sensor.counter", java.util.Optional.of(at("sensor.counter", "35", 120)));
        store.replaceAll(List.of(at("sensor.counter", "40", 130), at("light.a", "off", 110), at("light.new", "on", 121)), since);
        assertEquals("40", store.get("sensor.counter").orElseThrow().state());
    }
}
