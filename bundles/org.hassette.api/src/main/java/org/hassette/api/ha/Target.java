package org.hassette.api.ha;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code target} of a service call. Empty lists are left out of the command.
 *
 * @param entityIds entity ids
 * @param deviceIds device ids
 * @param areaIds   area ids
 */
public record Target(List<String> entityIds, List<String> deviceIds, List<String> areaIds) {

    public Target {
        entityIds = entityIds == null ? List.of() : List.copyOf(entityIds);
        deviceIds = deviceIds == null ? List.of() : List.copyOf(deviceIds);
        areaIds = areaIds == null ? List.of() : List.copyOf(areaIds);
    }

    /** No target. */
    public static final Target NONE = new Target(List.of(), List.of(), List.of());

    /** Targets the given entities. */
    public static Target entities(String... entityIds) {
        return new Target(List.of(entityIds), List.of(), List.of());
    }

    /** Whether nothing is targeted. */
    public boolean isEmpty() {
        return entityIds.isEmpty() && deviceIds.isEmpty() && areaIds.isEmpty();
    }

    /** The {@code target} object as HA expects it. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (!entityIds.isEmpty()) {
            m.put("entity_id", entityIds);
        }
        if (!deviceIds.isEmpty()) {
            m.put("device_id", deviceIds);
        }
        if (!areaIds.isEmpty()) {
            m.put("area_id", areaIds);
        }
        return m;
    }
}
