package org.hassette.api.ha;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One entity's state as Home Assistant reported it. Immutable: the attribute map cannot be modified
 * (nested values are plain Java values as parsed and must be treated as read-only).
 *
 * @param entityId    e.g. {@code light.kitchen}
 * @param state       the state string, e.g. {@code on}, {@code 21.5}, {@code unavailable}
 * @param attributes  attributes, never null
 * @param lastChanged when the state string last changed (null if HA did not say)
 * @param lastUpdated when state or attributes last changed (null if HA did not say)
 * @param contextId   id of the context of the last change (a ULID), or null
 */
public record EntityState(String entityId, String state, Map<String, Object> attributes, Instant lastChanged,
        Instant lastUpdated, String contextId) {

    public EntityState {
        Objects.requireNonNull(entityId, "entityId");
        attributes = attributes == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }

    /**
     * Builds a state from HA's JSON object as plain Java values ({@code entity_id}, {@code state},
     * {@code attributes}, {@code last_changed}, {@code last_updated}, {@code context.id}).
     *
     * @throws IllegalArgumentException when {@code entity_id} is missing or a timestamp is malformed
     */
    @SuppressWarnings("unchecked")
    public static EntityState of(Map<String, ?> json) {
        Object id = json.get("entity_id");
        if (!(id instanceof String)) {
            throw new IllegalArgumentException("state without entity_id: " + json.keySet());
        }
        Object attrs = json.get("attributes");
        Object ctx = json.get("context");
        Object ctxId = ctx instanceof Map ? ((Map<String, ?>) ctx).get("id") : null;
        Object state = json.get("state");
        return new EntityState((String) id, state == null ? null : state.toString(),
                attrs instanceof Map ? (Map<String, Object>) attrs : Map.of(),
                instant(json.get("last_changed")), instant(json.get("last_updated")),
                ctxId instanceof String ? (String) ctxId : null);
    }

    /** Parses HA's timestamps ({@code 2025-11-16T21:58:12.444020+00:00}); null stays null. */
    public static Instant instant(Object isoTimestamp) {
        if (isoTimestamp == null) {
            return null;
        }
        String text = isoTimestamp.toString();
        Instant fast = parseHaTimestamp(text);
        if (fast != null) {
            return fast;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("malformed timestamp '" + isoTimestamp + "'", e);
        }
    }

    /**
     * HA's own shape, {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}](Z|±HH:MM)}, without the general ISO parser
     * (it is the larger part of turning a {@code get_states} of a big home into states); null when
     * the text has another shape or is out of range, so the caller falls back to the full parser.
     */
    static Instant parseHaTimestamp(String s) {
        int len = s.length();
        if (len < 20 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':'
                || s.charAt(16) != ':') {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0
                || minute > 59 || second < 0 || second > 59) {
            return null;
        }
        int i = 19;
        long nanos = 0;
        if (s.charAt(i) == '.') {
            int start = ++i;
            while (i < len && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                nanos = nanos * 10 + (s.charAt(i) - '0');
                i++;
            }
            int n = i - start;
            if (n == 0 || n > 9) {
                return null;
            }
            for (int k = n; k < 9; k++) {
                nanos *= 10;
            }
        }
        int offsetSeconds;
        if (i == len - 1 && s.charAt(i) == 'Z') {
            offsetSeconds = 0;
        } else if (i == len - 6 && (s.charAt(i) == '+' || s.charAt(i) == '-') && s.charAt(i + 3) == ':') {
            int oh = digits(s, i + 1, 2);
            int om = digits(s, i + 4, 2);
            if (oh < 0 || oh > 18 || om < 0 || om > 59) {
                return null;
            }
            offsetSeconds = (oh * 3600 + om * 60) * (s.charAt(i) == '-' ? -1 : 1);
        } else {
            return null;
        }
        long epochDay;
        try {
            epochDay = java.time.LocalDate.of(year, month, day).toEpochDay();
        } catch (java.time.DateTimeException e) {
            return null;
        }
        return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds, nanos);
    }

    private static int digits(String s, int from, int count) {
        int v = 0;
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /** The part of the entity id before the dot, e.g. {@code light}. */
    public String domain() {
        int dot = entityId.indexOf('.');
        return dot < 0 ? entityId : entityId.substring(0, dot);
    }

    /** One attribute, or null when absent. */
    public Object attribute(String name) {
        return attributes.get(name);
    }
}
