package org.hassette.simulator.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A scenario file: location and version, initial entities, extra services and a timeline of timed
 * changes. The format is documented in the module README; every error names the field at fault.
 */
public final class Scenario {

    /** One timed step: a state write or an event. */
    public static final class Step {
        public final long atMicros;
        public final String entityId;
        public final String state;
        public final Map<String, Object> attributes;
        public final String eventType;
        public final Map<String, Object> eventData;

        Step(long atMicros, String entityId, String state, Map<String, Object> attributes, String eventType,
                Map<String, Object> eventData) {
            this.atMicros = atMicros;
            this.entityId = entityId;
            this.state = state;
            this.attributes = attributes;
            this.eventType = eventType;
            this.eventData = eventData;
        }
    }

    /** A service the scenario adds, answering with fixed response data. */
    public static final class ServiceSpec {
        public final String domain;
        public final String service;
        public final Services.SupportsResponse supportsResponse;
        public final Map<String, Object> responseData;
        public final String description;

        ServiceSpec(String domain, String service, Services.SupportsResponse supportsResponse,
                Map<String, Object> responseData, String description) {
            this.domain = domain;
            this.service = service;
            this.supportsResponse = supportsResponse;
            this.responseData = responseData;
            this.description = description;
        }
    }

    public Integer generate;
    public String haVersion;
    public Map<String, Object> location;
    public final List<HomeGenerator.Spec> entities = new ArrayList<>();
    public final List<ServiceSpec> services = new ArrayList<>();
    public final List<Step> timeline = new ArrayList<>();
    public Long repeatMicros;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /**
     * @throws IllegalArgumentException with the field at fault and what is expected
     */
    @SuppressWarnings("unchecked")
    public static Scenario parse(byte[] json, String source) {
        Object root;
        try {
            root = MAPPER.readValue(json, Object.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(source + ": not valid JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage());
        }
        if (!(root instanceof Map)) {
            throw new IllegalArgumentException(source + ": the top level must be a JSON object");
        }
        Map<String, Object> m = (Map<String, Object>) root;
        Scenario s = new Scenario();
        for (String key : m.keySet()) {
            if (!List.of("ha_version", "location", "generate", "entities", "services", "timeline", "repeat_every",
                    "description").contains(key)) {
                throw new IllegalArgumentException(source + ": unknown key '" + key
                        + "' (expected ha_version, location, generate, entities, services, timeline, repeat_every)");
            }
        }
        if (m.containsKey("ha_version")) {
            s.haVersion = string(m.get("ha_version"), source + ": ha_version");
        }
        if (m.containsKey("location")) {
            s.location = map(m.get("location"), source + ": location");
            Object tz = s.location.get("time_zone");
            if (tz != null) {
                try {
                    ZoneId.of(tz.toString());
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException(source + ": location.time_zone '" + tz + "' is not a time zone");
                }
            }
        }
        if (m.containsKey("generate")) {
            Object g = m.get("generate");
            if (!(g instanceof Integer) || (Integer) g < 0) {
                throw new IllegalArgumentException(source + ": generate must be a non-negative integer");
            }
            s.generate = (Integer) g;
        }
        List<Object> ents = list(m.getOrDefault("entities", List.of()), source + ": entities");
        for (int i = 0; i < ents.size(); i++) {
            String where = source + ": entities[" + i + "]";
            Map<String, Object> e = map(ents.get(i), where);
            String id = string(e.get("entity_id"), where + ".entity_id");
            if (!Values.isValidEntityId(id)) {
                throw new IllegalArgumentException(where + ".entity_id '" + id + "' is not a valid entity id (domain.object_id, lowercase)");
            }
            s.entities.add(new HomeGenerator.Spec(id, stateString(e.get("state"), where + ".state"),
                    e.containsKey("attributes") ? map(e.get("attributes"), where + ".attributes") : new LinkedHashMap<>()));
        }
        List<Object> svcs = list(m.getOrDefault("services", List.of()), source + ": services");
        for (int i = 0; i < svcs.size(); i++) {
            String where = source + ": services[" + i + "]";
            Map<String, Object> e = map(svcs.get(i), where);
            String resp = e.containsKey("response") ? string(e.get("response"), where + ".response") : "none";
            Services.SupportsResponse sr;
            try {
                sr = Services.SupportsResponse.valueOf(resp.toUpperCase());
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException(where + ".response must be none, optional or only");
            }
            s.services.add(new ServiceSpec(string(e.get("domain"), where + ".domain"),
                    string(e.get("service"), where + ".service"), sr,
                    e.containsKey("response_data") ? map(e.get("response_data"), where + ".response_data") : new LinkedHashMap<>(),
                    e.containsKey("description") ? string(e.get("description"), where + ".description") : ""));
        }
        List<Object> steps = list(m.getOrDefault("timeline", List.of()), source + ": timeline");
        for (int i = 0; i < steps.size(); i++) {
            String where = source + ": timeline[" + i + "]";
            Map<String, Object> e = map(steps.get(i), where);
            long at = duration(e.get("at"), where + ".at");
            if (e.containsKey("event_type")) {
                s.timeline.add(new Step(at, null, null, null, string(e.get("event_type"), where + ".event_type"),
                        e.containsKey("event_data") ? map(e.get("event_data"), where + ".event_data") : new LinkedHashMap<>()));
            } else {
                String id = string(e.get("entity_id"), where + ".entity_id");
                if (!Values.isValidEntityId(id)) {
                    throw new IllegalArgumentException(where + ".entity_id '" + id + "' is not a valid entity id");
                }
                s.timeline.add(new Step(at, id, stateString(e.get("state"), where + ".state"),
                        e.containsKey("attributes") ? map(e.get("attributes"), where + ".attributes") : null, null, null));
            }
        }
        s.timeline.sort((a, b) -> Long.compare(a.atMicros, b.atMicros));
        if (m.containsKey("repeat_every")) {
            s.repeatMicros = duration(m.get("repeat_every"), source + ": repeat_every");
            if (s.repeatMicros <= 0) {
                throw new IllegalArgumentException(source + ": repeat_every must be positive");
            }
        }
        return s;
    }

    /** Applies location and version to the config. */
    public void applyTo(HomeConfig c) {
        if (haVersion != null) {
            c.haVersion = haVersion;
        }
        if (location != null) {
            c.latitude = number(location.getOrDefault("latitude", c.latitude), "location.latitude");
            c.longitude = number(location.getOrDefault("longitude", c.longitude), "location.longitude");
            c.elevation = number(location.getOrDefault("elevation", c.elevation), "location.elevation");
            c.timeZone = String.valueOf(location.getOrDefault("time_zone", c.timeZone));
            c.locationName = String.valueOf(location.getOrDefault("location_name", c.locationName));
            c.country = String.valueOf(location.getOrDefault("country", c.country));
            c.currency = String.valueOf(location.getOrDefault("currency", c.currency));
            c.language = String.valueOf(location.getOrDefault("language", c.language));
        }
    }

    private static double number(Object v, String where) {
        if (!(v instanceof Number)) {
            throw new IllegalArgumentException("scenario " + where + " must be a number");
        }
        return ((Number) v).doubleValue();
    }

    private static String string(Object v, String where) {
        if (!(v instanceof String) || ((String) v).isEmpty()) {
            throw new IllegalArgumentException(where + " must be a non-empty string");
        }
        return (String) v;
    }

    private static String stateString(Object v, String where) {
        if (v == null || v instanceof Map || v instanceof List) {
            throw new IllegalArgumentException(where + " must be a string, number or boolean");
        }
        String s = Values.pyStr(v);
        if (s.length() > 255) {
            throw new IllegalArgumentException(where + " is longer than HA's 255 characters");
        }
        return s;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object v, String where) {
        if (!(v instanceof Map)) {
            throw new IllegalArgumentException(where + " must be a JSON object");
        }
        return (Map<String, Object>) v;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object v, String where) {
        if (!(v instanceof List)) {
            throw new IllegalArgumentException(where + " must be a JSON array");
        }
        return (List<Object>) v;
    }

    /** Seconds as a number, or an ISO-8601 duration such as {@code PT1M30S}. */
    static long duration(Object v, String where) {
        if (v instanceof Number) {
            double secs = ((Number) v).doubleValue();
            if (secs < 0) {
                throw new IllegalArgumentException(where + " must not be negative");
            }
            return (long) (secs * 1_000_000L);
        }
        if (v instanceof String) {
            try {
                Duration d = Duration.parse((String) v);
                if (d.isNegative()) {
                    throw new IllegalArgumentException(where + " must not be negative");
                }
                return d.toNanos() / 1000;
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(where + " '" + v + "' is neither seconds nor an ISO-8601 duration like PT5S");
            }
        }
        throw new IllegalArgumentException(where + " is required: seconds, or an ISO-8601 duration like PT5S");
    }
}
