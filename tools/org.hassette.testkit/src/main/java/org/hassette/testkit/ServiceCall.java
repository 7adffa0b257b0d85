package org.hassette.testkit;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One call an app made to Home Assistant, as the kit recorded it. {@code turnOn("light.hall")} is
 * {@code light.turn_on} with entity {@code light.hall}; {@code fireEvent} is domain {@code event},
 * service = the event type; {@code setState} is domain {@code state}, service {@code set}.
 *
 * @param domain    e.g. {@code light}
 * @param service   e.g. {@code turn_on}
 * @param entityIds the target's entity ids (empty when none)
 * @param data      the service data (event data, or for {@code setState} {@code state} and {@code attributes})
 * @param at        the kit's virtual time of the call
 */
public record ServiceCall(String domain, String service, List<String> entityIds, Map<String, Object> data, Instant at) {

    public ServiceCall {
        entityIds = List.copyOf(entityIds);
        data = data == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(data));
    }

    /** {@code domain.service}. */
    public String name() {
        return domain + "." + service;
    }

    /** Whether this is {@code domain.service} ({@code null} matches any) on {@code entityId} ({@code null}: any). */
    public boolean is(String domain, String service, String entityId) {
        return (domain == null || domain.equals(this.domain)) && (service == null || service.equals(this.service))
                && (entityId == null || entityIds.contains(entityId));
    }

    /** Whether every entry of {@code expected} is in the data with an equal value (numbers compared by value). */
    public boolean hasData(Map<String, ?> expected) {
        for (Map.Entry<String, ?> e : expected.entrySet()) {
            Object actual = data.get(e.getKey());
            if (!sameValue(actual, e.getValue())) {
                return false;
            }
        }
        return true;
    }

    static boolean sameValue(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return new java.math.BigDecimal(x.toString()).compareTo(new java.math.BigDecimal(y.toString())) == 0;
        }
        return java.util.Objects.equals(a, b);
    }

    @Override
    public String toString() {
        return name() + (entityIds.isEmpty() ? "" : " " + entityIds) + (data.isEmpty() ? "" : " " + data) + " at " + at;
    }
}
