package org.hassette.api.ha;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code target} of a service call, as HA's {@code call_service} takes it: entities, devices,
 * areas, floors and labels (HA expands the last four to the entities they hold). Empty lists are left
 * out of the command.
 *
 * @param entityIds entity ids
 * @param deviceIds device ids
 * @param areaIds   area ids
 * @param floorIds  floor ids
 * @param labelIds  label ids
 */
public record Target(List<String> entityIds, List<String> deviceIds, List<String> areaIds, List<String> floorIds,
        List<String> labelIds) {

    public Target {
        entityIds = copy(entityIds);
        deviceIds = copy(deviceIds);
        areaIds = copy(areaIds);
        floorIds = copy(floorIds);
        labelIds = copy(labelIds);
    }

    /** Entities, devices and areas only (the form before floors and labels). */
    public Target(List<String> entityIds, List<String> deviceIds, List<String> areaIds) {
        this(entityIds, deviceIds, areaIds, List.of(), List.of());
    }

    /** No target. */
    public static final Target NONE = new Target(List.of(), List.of(), List.of());

    /** Targets the given entities. */
    public static Target entities(String... entityIds) {
        return new Target(List.of(entityIds), List.of(), List.of());
    }

    /** Targets every entity of the given devices. */
    public static Target devices(String... deviceIds) {
        return new Target(List.of(), List.of(deviceIds), List.of());
    }

    /** Targets every entity in the given areas. */
    public static Target areas(String... areaIds) {
        return new Target(List.of(), List.of(), List.of(areaIds));
    }

    /** Targets every entity on the given floors. */
    public static Target floors(String... floorIds) {
        return new Target(List.of(), List.of(), List.of(), List.of(floorIds), List.of());
    }

    /** Targets every entity with one of the given labels. */
    public static Target labels(String... labelIds) {
        return new Target(List.of(), List.of(), List.of(), List.of(), List.of(labelIds));
    }

    /** This target and {@code other}'s ids together, e.g. {@code Target.areas("kitchen").and(Target.entities("light.porch"))}. */
    public Target and(Target other) {
        return new Target(join(entityIds, other.entityIds), join(deviceIds, other.deviceIds), join(areaIds, other.areaIds),
                join(floorIds, other.floorIds), join(labelIds, other.labelIds));
    }

    /** Whether nothing is targeted. */
    public boolean isEmpty() {
        return entityIds.isEmpty() && deviceIds.isEmpty() && areaIds.isEmpty() && floorIds.isEmpty() && labelIds.isEmpty();
    }

    /** The {@code target} object as HA expects it. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        put(m, "entity_id", entityIds);
        put(m, "device_id", deviceIds);
        put(m, "area_id", areaIds);
        put(m, "floor_id", floorIds);
        put(m, "label_id", labelIds);
        return m;
    }

    private static void put(Map<String, Object> m, String key, List<String> ids) {
        if (!ids.isEmpty()) {
            m.put(key, ids);
        }
    }

    private static List<String> copy(List<String> ids) {
        return ids == null ? List.of() : List.copyOf(ids);
    }

    private static List<String> join(List<String> a, List<String> b) {
        if (b.isEmpty()) {
            return a;
        }
        java.util.LinkedHashSet<String> all = new java.util.LinkedHashSet<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }
}
