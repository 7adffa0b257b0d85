package org.hassette.simulator.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The WebSocket commands (core's {@code websocket_api/commands.py} plus the few registry commands
 * clients need to start). Each command's schema is checked first, with voluptuous-style messages.
 */
final class WsCommands {

    /** Field types of the command schemas. */
    private enum T { STR, BOOL, DICT, POSITIVE_INT, NUMBER, ENTITY_IDS, TRIGGER, FEATURES, TARGET, ANY }

    private static final class Field {
        final String name;
        final boolean required;
        final T type;

        Field(String name, boolean required, T type) {
            this.name = name;
            this.required = required;
            this.type = type;
        }
    }

    private interface Handler {
        void handle(long id, Map<String, Object> msg);
    }

    private static final class Command {
        final List<Field> fields;
        final Handler handler;

        Command(List<Field> fields, Handler handler) {
            this.fields = fields;
            this.handler = handler;
        }
    }

    private static Field req(String name, T type) {
        return new Field(name, true, type);
    }

    private static Field opt(String name, T type) {
        return new Field(name, false, type);
    }

    private final WsConnection conn;
    private final Home home;
    private final Map<String, Command> commands = new LinkedHashMap<>();

    WsCommands(WsConnection conn) {
        this.conn = conn;
        this.home = conn.core().home();
        commands.put("ping", new Command(List.of(), this::ping));
        commands.put("supported_features", new Command(List.of(req("features", T.FEATURES)), this::supportedFeatures));
        commands.put("get_states", new Command(List.of(), this::getStates));
        commands.put("get_config", new Command(List.of(), (id, m) -> conn.sendResult(id, home.configMap())));
        commands.put("get_services", new Command(List.of(),
                (id, m) -> conn.sendResultJson(id, JsonOut.toBytes(home.locked(() -> home.services().descriptions())))));
        commands.put("subscribe_events", new Command(List.of(opt("event_type", T.STR)), this::subscribeEvents));
        commands.put("unsubscribe_events", new Command(List.of(req("subscription", T.POSITIVE_INT)), this::unsubscribe));
        commands.put("call_service", new Command(List.of(req("domain", T.STR), req("service", T.STR),
                opt("target", T.TARGET), opt("service_data", T.DICT), opt("return_response", T.BOOL)), this::callService));
        commands.put("fire_event", new Command(List.of(req("event_type", T.STR), opt("event_data", T.DICT)),
                this::fireEvent));
        commands.put("subscribe_entities", new Command(List.of(opt("entity_ids", T.ENTITY_IDS), opt("include", T.DICT),
                opt("exclude", T.DICT)), this::subscribeEntities));
        commands.put("subscribe_trigger", new Command(List.of(req("trigger", T.TRIGGER), opt("variables", T.DICT)),
                this::subscribeTrigger));
        commands.put("render_template", new Command(List.of(req("template", T.STR), opt("entity_ids", T.ENTITY_IDS),
                opt("variables", T.DICT), opt("timeout", T.NUMBER), opt("strict", T.BOOL), opt("report_errors", T.BOOL)),
                this::renderTemplate));
        commands.put("auth/current_user", new Command(List.of(), this::currentUser));
        for (String reg : List.of("area", "device", "floor", "label")) {
            commands.put("config/" + reg + "_registry/list", new Command(List.of(),
                    (id, m) -> conn.sendResult(id, List.of())));
        }
        commands.put("config/entity_registry/list", new Command(List.of(), this::entityRegistry));
        commands.put("get_panels", new Command(List.of(), (id, m) -> conn.sendResult(id, Map.of())));
    }

    boolean knows(String type) {
        return commands.containsKey(type);
    }

    void handle(long id, String type, Map<String, Object> msg) {
        Command c = commands.get(type);
        validate(c.fields, msg);
        c.handler.handle(id, msg);
    }

    // ---- schema -----------------------------------------------------------------------------

    private static void validate(List<Field> fields, Map<String, Object> msg) {
        Set<String> allowed = new HashSet<>(List.of("id", "type"));
        for (Field f : fields) {
            allowed.add(f.name);
            if (f.required && !msg.containsKey(f.name)) {
                throw invalid("required key not provided @ data['" + f.name + "']", null);
            }
        }
        for (Map.Entry<String, Object> e : msg.entrySet()) {
            if (!allowed.contains(e.getKey())) {
                throw invalid("extra keys not allowed @ data['" + e.getKey() + "']", e.getValue());
            }
        }
        for (Field f : fields) {
            if (msg.containsKey(f.name)) {
                Object v = msg.get(f.name);
                Object coerced = check(f, v);
                if (coerced != v) {
                    msg.put(f.name, coerced);
                }
            }
        }
    }

    private static HaError invalid(String where, Object got) {
        return new HaError(HaError.INVALID_FORMAT, where + ". Got " + Values.pyRepr(got));
    }

    private static Object check(Field f, Object v) {
        String at = " @ data['" + f.name + "']";
        switch (f.type) {
            case STR:
                if (!(v instanceof String)) {
                    throw invalid("expected str for dictionary value" + at, v);
                }
                return v;
            case BOOL:
                if (!(v instanceof Boolean)) {
                    throw invalid("expected bool for dictionary value" + at, v);
                }
                return v;
            case DICT:
                if (!(v instanceof Map)) {
                    throw invalid("expected dict for dictionary value" + at, v);
                }
                return v;
            case POSITIVE_INT: {
                long n;
                try {
                    n = v instanceof Number && !(v instanceof Double) ? ((Number) v).longValue()
                            : v instanceof Double ? (long) (double) (Double) v : Long.parseLong(String.valueOf(v).trim());
                } catch (NumberFormatException e) {
                    throw invalid("expected int for dictionary value" + at, v);
                }
                if (v instanceof Boolean) {
                    throw invalid("expected int for dictionary value" + at, v);
                }
                if (n < 0) {
                    throw invalid("value must be at least 0 for dictionary value" + at, v);
                }
                return n;
            }
            case NUMBER:
                if (v instanceof Number) {
                    return ((Number) v).doubleValue();
                }
                try {
                    return Double.parseDouble(String.valueOf(v));
                } catch (NumberFormatException e) {
                    throw invalid("expected float for dictionary value" + at, v);
                }
            case ENTITY_IDS: {
                List<String> ids = Values.entityIds(v);
                if (!(v instanceof String || v instanceof List)) {
                    throw invalid("Entity ID " + Values.pyStr(v) + " is an invalid entity ID for dictionary value" + at, v);
                }
                for (String id : ids) {
                    if (!Values.isValidEntityId(id)) {
                        throw invalid("Entity ID " + id + " is an invalid entity ID for dictionary value" + at, v);
                    }
                }
                return ids;
            }
            case TRIGGER:
                if (!(v instanceof Map) && !(v instanceof List)) {
                    throw invalid("expected a dictionary" + at, v);
                }
                return v;
            case FEATURES:
                if (!(v instanceof Map)) {
                    throw invalid("expected dict for dictionary value" + at, v);
                }
                for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                    Object iv = e.getValue();
                    if (!(iv instanceof Integer || iv instanceof Long)) {
                        throw invalid("expected int for dictionary value @ data['" + f.name + "']['" + e.getKey() + "']", iv);
                    }
                }
                return v;
            case TARGET:
                return target(v, at);
            default:
                return v;
        }
    }

    /** {@code cv.ENTITY_SERVICE_FIELDS}: each key a string or list, normalised to lists; no templates. */
    private static Object target(Object v, String at) {
        if (!(v instanceof Map)) {
            throw invalid("expected dict for dictionary value" + at, v);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
            String k = String.valueOf(e.getKey());
            Object val = e.getValue();
            if (!List.of("entity_id", "device_id", "area_id", "floor_id", "label_id").contains(k)) {
                throw invalid("extra keys not allowed" + at.replace("']", "']['" + k + "']"), val);
            }
            if (containsTemplate(val)) {
                throw new HaError(HaError.INVALID_FORMAT, "Templates are not supported here");
            }
            if ("entity_id".equals(k)) {
                if (val instanceof String && "all".equalsIgnoreCase(((String) val).trim())) {
                    out.put(k, "all");
                    continue;
                }
                for (String id : Values.entityIds(val)) {
                    if (!Values.isValidEntityId(id)) {
                        throw invalid("Entity ID " + id + " is an invalid entity ID for dictionary value"
                                + at.replace("']", "']['entity_id']"), val);
                    }
                }
                out.put(k, Values.entityIds(val));
            } else {
                List<Object> list = new ArrayList<>();
                if (val instanceof Collection) {
                    list.addAll((Collection<?>) val);
                } else if (val != null) {
                    list.add(val);
                }
                out.put(k, list);
            }
        }
        return out;
    }

    private static boolean containsTemplate(Object v) {
        if (v instanceof String) {
            String s = (String) v;
            return s.contains("{{") || s.contains("{%") || s.contains("{#");
        }
        if (v instanceof Collection) {
            for (Object o : (Collection<?>) v) {
                if (containsTemplate(o)) {
                    return true;
                }
            }
        }
        return false;
    }

    // ---- handlers ---------------------------------------------------------------------------

    private void ping(long id, Map<String, Object> msg) {
        JsonOut o = new JsonOut(32);
        o.ch('{').key("id").num(id).ascii(",\"type\":\"pong\"}");
        conn.sendRaw(o.toBytes());
    }

    private void supportedFeatures(long id, Map<String, Object> msg) {
        conn.setCoalesce(((Map<?, ?>) msg.get("features")).containsKey("coalesce_messages"));
        conn.sendResult(id, null);
    }

    private void getStates(long id, Map<String, Object> msg) {
        byte[] json = home.locked(() -> {
            List<State> all = home.states().all();
            int size = 2;
            for (State s : all) {
                size += s.json().length + 1;
            }
            JsonOut o = new JsonOut(size);
            o.ch('[');
            for (int i = 0; i < all.size(); i++) {
                if (i > 0) {
                    o.ch(',');
                }
                o.raw(all.get(i).json());
            }
            o.ch(']');
            return o.toBytes();
        });
        conn.sendResultJson(id, json);
    }

    private void subscribeEvents(long id, Map<String, Object> msg) {
        String eventType = msg.containsKey("event_type") ? (String) msg.get("event_type") : EventBus.MATCH_ALL;
        byte[] tail = conn.idTail(id);
        home.locked(() -> {
            Runnable unsub = home.bus().listen(eventType, e -> conn.send(e.partialMessage(), tail));
            conn.addSubscription(id, unsub);
            conn.markEventSubscription(id, eventType);
            conn.sendResult(id, null);
            return null;
        });
    }

    private void unsubscribe(long id, Map<String, Object> msg) {
        long sub = (Long) msg.get("subscription");
        if (conn.removeSubscription(sub)) {
            conn.sendResult(id, null);
        } else {
            conn.sendError(id, new HaError(HaError.NOT_FOUND, "Subscription not found."));
        }
    }

    @SuppressWarnings("unchecked")
    private void callService(long id, Map<String, Object> msg) {
        boolean returnResponse = Boolean.TRUE.equals(msg.get("return_response"));
        Context ctx = home.newContext(conn.userId());
        Home.CallResult r = home.callService((String) msg.get("domain"), (String) msg.get("service"),
                (Map<String, Object>) msg.get("service_data"), (Map<String, Object>) msg.get("target"), ctx,
                returnResponse);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("context", r.context);
        if (returnResponse) {
            result.put("response", r.response);
        }
        conn.sendResult(id, result);
    }

    @SuppressWarnings("unchecked")
    private void fireEvent(long id, Map<String, Object> msg) {
        Context ctx = home.newContext(conn.userId());
        Map<String, Object> data = msg.get("event_data") == null ? new LinkedHashMap<>()
                : new LinkedHashMap<>((Map<String, Object>) msg.get("event_data"));
        home.fireEvent((String) msg.get("event_type"), data, "LOCAL", ctx);
        conn.sendResult(id, Map.of("context", ctx));
    }

    @SuppressWarnings("unchecked")
    private void subscribeEntities(long id, Map<String, Object> msg) {
        Set<String> ids = msg.containsKey("entity_ids") ? new HashSet<>((List<String>) msg.get("entity_ids")) : Set.of();
        Predicate<String> filter = entityFilter((Map<String, Object>) msg.get("include"),
                (Map<String, Object>) msg.get("exclude"));
        Predicate<String> wanted = e -> (ids.isEmpty() || ids.contains(e)) && (filter == null || filter.test(e));
        byte[] tail = conn.idTail(id);
        home.locked(() -> {
            List<State> states = home.states().all();
            Runnable unsub = home.bus().listen(Event.STATE_CHANGED, e -> {
                if (wanted.test(e.entityId())) {
                    conn.send(e.partialDiffMessage(), tail);
                }
            });
            conn.addSubscription(id, unsub);
            conn.sendResult(id, null);
            JsonOut o = new JsonOut(256 + states.size() * 256);
            o.ch('{').key("id").num(id).ascii(",\"type\":\"event\",\"event\":{\"a\":{");
            boolean first = true;
            for (State s : states) {
                if (!wanted.test(s.entityId())) {
                    continue;
                }
                if (!first) {
                    o.ch(',');
                }
                first = false;
                o.str(s.entityId()).ch(':').raw(s.compressedJson());
            }
            o.ascii("}}}");
            conn.sendRaw(o.toBytes());
            return null;
        });
    }

    /** {@code INCLUDE_EXCLUDE_BASE_FILTER_SCHEMA}: domains, entity_globs and entities; null when empty. */
    static Predicate<String> entityFilter(Map<String, Object> include, Map<String, Object> exclude) {
        FilterPart inc = FilterPart.of(include);
        FilterPart exc = FilterPart.of(exclude);
        if (inc.empty() && exc.empty()) {
            return null;
        }
        return e -> {
            if (exc.entities.contains(e)) {
                return false;
            }
            if (inc.entities.contains(e)) {
                return true;
            }
            if (!inc.empty()) {
                return (inc.matchesDomainOrGlob(e)) && !exc.matchesDomainOrGlob(e);
            }
            return !exc.matchesDomainOrGlob(e);
        };
    }

    private static final class FilterPart {
        final Set<String> domains = new HashSet<>();
        final Set<String> entities = new HashSet<>();
        final List<Pattern> globs = new ArrayList<>();

        static FilterPart of(Map<String, Object> m) {
            FilterPart p = new FilterPart();
            if (m == null) {
                return p;
            }
            p.domains.addAll(Values.entityIds(m.get("domains")));
            p.entities.addAll(Values.entityIds(m.get("entities")));
            for (String g : Values.entityIds(m.get("entity_globs"))) {
                p.globs.add(Pattern.compile(g.replace(".", "\\.").replace("*", ".*").replace("?", ".")));
            }
            return p;
        }

        boolean empty() {
            return domains.isEmpty() && entities.isEmpty() && globs.isEmpty();
        }

        boolean matchesDomainOrGlob(String e) {
            if (domains.contains(e.substring(0, e.indexOf('.')))) {
                return true;
            }
            for (Pattern p : globs) {
                if (p.matcher(e).matches()) {
                    return true;
                }
            }
            return false;
        }
    }

    @SuppressWarnings("unchecked")
    private void subscribeTrigger(long id, Map<String, Object> msg) {
        Object trig = msg.get("trigger");
        List<Map<String, Object>> list = new ArrayList<>();
        if (trig instanceof List) {
            for (Object o : (List<Object>) trig) {
                if (!(o instanceof Map)) {
                    throw invalid("expected a dictionary @ data['trigger'][" + list.size() + "]", o);
                }
                list.add((Map<String, Object>) o);
            }
        } else {
            list.add((Map<String, Object>) trig);
        }
        List<Triggers.Spec> specs = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            specs.add(Triggers.Spec.parse(list.get(i), i));
        }
        Map<String, Object> variables = (Map<String, Object>) msg.get("variables");
        home.locked(() -> {
            Runnable unsub = Triggers.subscribe(home, specs, variables, (vars, ctx) -> {
                Map<String, Object> event = new LinkedHashMap<>();
                event.put("variables", vars);
                event.put("context", ctx);
                conn.sendEvent(id, event);
            });
            conn.addSubscription(id, unsub);
            conn.sendResult(id, null);
            return null;
        });
    }

    @SuppressWarnings("unchecked")
    private void renderTemplate(long id, Map<String, Object> msg) {
        Template template;
        try {
            template = Template.parse((String) msg.get("template"));
        } catch (Template.TemplateError e) {
            throw new HaError(HaError.TEMPLATE_ERROR, e.getMessage());
        }
        Map<String, Object> variables = (Map<String, Object>) msg.get("variables");
        boolean reportErrors = Boolean.TRUE.equals(msg.get("report_errors"));
        home.locked(() -> {
            TemplateTracker tracker = new TemplateTracker(home, template, variables, (result, listeners) -> {
                Map<String, Object> event = new LinkedHashMap<>();
                event.put("result", result);
                event.put("listeners", listeners);
                conn.sendEvent(id, event);
            }, error -> {
                if (reportErrors) {
                    Map<String, Object> event = new LinkedHashMap<>();
                    event.put("error", error);
                    event.put("level", "ERROR");
                    conn.sendEvent(id, event);
                }
            }, warning -> {
                if (reportErrors) { // core: {"error": msg, "level": "WARNING"}, then the result (rendered with Undefined)
                    Map<String, Object> event = new LinkedHashMap<>();
                    event.put("error", warning);
                    event.put("level", "WARNING");
                    conn.sendEvent(id, event);
                }
            });
            conn.addSubscription(id, tracker::stop);
            conn.sendResult(id, null);
            tracker.refresh();
            return null;
        });
    }

    private void currentUser(long id, Map<String, Object> msg) {
        Map<String, Object> user = new LinkedHashMap<>();
        user.put("id", conn.userId());
        user.put("name", "Simulator Owner");
        user.put("is_owner", true);
        user.put("is_admin", true);
        Map<String, Object> cred = new LinkedHashMap<>();
        cred.put("auth_provider_type", "homeassistant");
        cred.put("auth_provider_id", null);
        user.put("credentials", List.of(cred));
        Map<String, Object> mfa = new LinkedHashMap<>();
        mfa.put("id", "totp");
        mfa.put("name", "Authenticator app");
        mfa.put("enabled", false);
        user.put("mfa_modules", List.of(mfa));
        conn.sendResult(id, user);
    }

    private void entityRegistry(long id, Map<String, Object> msg) {
        List<Object> entries = home.locked(() -> {
            List<Object> out = new ArrayList<>();
            for (State s : home.states().all()) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("area_id", null);
                e.put("categories", Map.of());
                e.put("config_entry_id", null);
                e.put("config_subentry_id", null);
                e.put("created_at", PyTime.epochSeconds(s.lastChanged()));
                e.put("device_id", null);
                e.put("disabled_by", null);
                e.put("entity_category", null);
                e.put("entity_id", s.entityId());
                e.put("has_entity_name", false);
                e.put("hidden_by", null);
                e.put("icon", null);
                e.put("id", Ulid.hexId());
                e.put("labels", List.of());
                e.put("modified_at", PyTime.epochSeconds(s.lastChanged()));
                e.put("name", null);
                e.put("options", Map.of());
                e.put("original_name", s.attributes().get("friendly_name"));
                e.put("platform", "hassette_simulator");
                e.put("translation_key", null);
                e.put("unique_id", s.entityId());
                out.add(e);
            }
            return out;
        });
        conn.sendResult(id, entries);
    }
}
