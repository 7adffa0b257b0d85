package org.hassette.simulator.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** {@code subscribe_trigger} for the {@code state} and {@code event} trigger platforms, with core's matching rules. */
final class Triggers {

    private Triggers() {
    }

    /** Receives trigger variables and the context of what fired it. */
    interface Action {
        void fire(Map<String, Object> variables, Context context);
    }

    private static final Object ABSENT = new Object();

    /** One validated trigger config. */
    static final class Spec {
        final int idx;
        final String id;
        final Object alias;
        final String platform;
        final List<String> entityIds;
        final Object from;
        final Object to;
        final Object notFrom;
        final Object notTo;
        final String attribute;
        final long forMicros;
        final List<String> eventTypes;
        final Map<String, Object> eventData;

        private Spec(int idx, Map<String, Object> c) {
            this.idx = idx;
            Object p = c.containsKey("platform") ? c.get("platform") : c.get("trigger");
            if (p == null) {
                throw new HaError(HaError.INVALID_FORMAT, "required key not provided @ data['trigger'][" + idx
                        + "]['platform']. Got None");
            }
            platform = String.valueOf(p);
            id = c.containsKey("id") ? Values.pyStr(c.get("id")) : Integer.toString(idx);
            alias = c.get("alias");
            if (platform.equals("state")) {
                if (!c.containsKey("entity_id")) {
                    throw new HaError(HaError.INVALID_FORMAT, "required key not provided @ data['entity_id']. Got None");
                }
                entityIds = Values.entityIds(c.get("entity_id"));
                for (String e : entityIds) {
                    if (!Values.isValidEntityId(e)) {
                        throw new HaError(HaError.INVALID_FORMAT, "Entity ID " + e
                                + " is an invalid entity ID for dictionary value @ data['entity_id']. Got "
                                + Values.pyRepr(c.get("entity_id")));
                    }
                }
                from = c.containsKey("from") ? c.get("from") : ABSENT;
                to = c.containsKey("to") ? c.get("to") : ABSENT;
                notFrom = c.containsKey("not_from") ? c.get("not_from") : ABSENT;
                notTo = c.containsKey("not_to") ? c.get("not_to") : ABSENT;
                attribute = c.get("attribute") == null ? null : String.valueOf(c.get("attribute"));
                forMicros = c.containsKey("for") ? duration(c.get("for")) : 0;
                eventTypes = null;
                eventData = null;
            } else if (platform.equals("event")) {
                if (!c.containsKey("event_type")) {
                    throw new HaError(HaError.INVALID_FORMAT, "required key not provided @ data['event_type']. Got None");
                }
                eventTypes = stringList(c.get("event_type"));
                @SuppressWarnings("unchecked")
                Map<String, Object> d = c.get("event_data") instanceof Map ? (Map<String, Object>) c.get("event_data") : null;
                eventData = d;
                entityIds = null;
                from = to = notFrom = notTo = ABSENT;
                attribute = null;
                forMicros = 0;
            } else {
                throw new HaError(HaError.INVALID_FORMAT, "Invalid trigger '" + platform
                        + "' specified (the simulator supports state and event)");
            }
        }

        static Spec parse(Map<String, Object> config, int idx) {
            return new Spec(idx, config);
        }

        boolean matchAll() {
            return from == ABSENT && to == ABSENT && notFrom == ABSENT && notTo == ABSENT;
        }
    }

    private static List<String> stringList(Object v) {
        List<String> out = new ArrayList<>();
        if (v instanceof List) {
            for (Object o : (List<?>) v) {
                out.add(String.valueOf(o));
            }
        } else {
            out.add(String.valueOf(v));
        }
        return out;
    }

    /** {@code cv.positive_time_period}: seconds, "HH:MM[:SS]", or {days, hours, minutes, seconds, milliseconds}. */
    static long duration(Object v) {
        if (v instanceof Number) {
            return (long) (((Number) v).doubleValue() * 1_000_000);
        }
        if (v instanceof String) {
            String[] p = ((String) v).split(":");
            try {
                if (p.length == 1) {
                    return (long) (Double.parseDouble(p[0]) * 1_000_000);
                }
                long h = Long.parseLong(p[0].trim());
                long m = Long.parseLong(p[1].trim());
                double s = p.length > 2 ? Double.parseDouble(p[2].trim()) : 0;
                return (h * 3600 + m * 60) * 1_000_000 + (long) (s * 1_000_000);
            } catch (NumberFormatException e) {
                throw new HaError(HaError.INVALID_FORMAT, "offset " + v + " should be format 'HH:MM', 'HH:MM:SS' or 'HH:MM:SS.F' for dictionary value @ data['for']");
            }
        }
        if (v instanceof Map) {
            Map<?, ?> m = (Map<?, ?>) v;
            double total = num(m.get("days")) * 86400 + num(m.get("hours")) * 3600 + num(m.get("minutes")) * 60
                    + num(m.get("seconds")) + num(m.get("milliseconds")) / 1000;
            return (long) (total * 1_000_000);
        }
        throw new HaError(HaError.INVALID_FORMAT, "expected float for dictionary value @ data['for']. Got " + Values.pyRepr(v));
    }

    private static double num(Object o) {
        return o instanceof Number ? ((Number) o).doubleValue() : 0;
    }

    private static boolean matches(Object spec, Object value) {
        if (spec == ABSENT) {
            return true;
        }
        if (spec instanceof List) {
            for (Object s : (List<?>) spec) {
                if (Values.pyEquals(s, value) || (s != null && value != null && String.valueOf(s).equals(String.valueOf(value)))) {
                    return true;
                }
            }
            return false;
        }
        if (spec == null) {
            return true; // "to: null" / "from: null" means any state, but only on state changes
        }
        return Values.pyEquals(spec, value) || (value != null && String.valueOf(spec).equals(String.valueOf(value)));
    }

    /** Attaches the triggers to the bus; returns the unsubscribe action. Call with the home lock held. */
    static Runnable subscribe(Home home, List<Spec> specs, Map<String, Object> variables, Action action) {
        List<Runnable> unsubs = new ArrayList<>();
        List<ScheduledFuture<?>> timers = new ArrayList<>();
        for (Spec spec : specs) {
            if (spec.platform.equals("state")) {
                unsubs.add(home.bus().listen(Event.STATE_CHANGED, e -> onState(home, spec, variables, action, e, timers)));
            } else {
                for (String type : spec.eventTypes) {
                    unsubs.add(home.bus().listen(type, e -> {
                        if (spec.eventData != null) {
                            for (Map.Entry<String, Object> d : spec.eventData.entrySet()) {
                                if (!Values.pyEquals(d.getValue(), e.data().get(d.getKey()))) {
                                    return;
                                }
                            }
                        }
                        Map<String, Object> trig = base(spec);
                        trig.put("event", e);
                        trig.put("description", "event '" + e.eventType() + "'");
                        action.fire(vars(variables, trig), e.context());
                    }));
                }
            }
        }
        return () -> {
            unsubs.forEach(Runnable::run);
            synchronized (timers) {
                timers.forEach(t -> t.cancel(false));
                timers.clear();
            }
        };
    }

    private static Map<String, Object> base(Spec spec) {
        Map<String, Object> trig = new LinkedHashMap<>();
        trig.put("id", spec.id);
        trig.put("idx", Integer.toString(spec.idx));
        trig.put("alias", spec.alias);
        trig.put("platform", spec.platform);
        return trig;
    }

    private static Map<String, Object> vars(Map<String, Object> variables, Map<String, Object> trig) {
        Map<String, Object> v = new LinkedHashMap<>();
        if (variables != null) {
            v.putAll(variables);
        }
        v.put("trigger", trig);
        return v;
    }

    private static Object valueOf(State s, String attribute) {
        if (s == null) {
            return null;
        }
        if (attribute == null) {
            return s.state();
        }
        return s.attributes().containsKey(attribute) ? s.attributes().get(attribute) : ABSENT;
    }

    private static void onState(Home home, Spec spec, Map<String, Object> variables, Action action, Event e,
            List<ScheduledFuture<?>> timers) {
        String entity = e.entityId();
        if (!spec.entityIds.contains(entity)) {
            return;
        }
        Object oldValue = valueOf(e.oldState(), spec.attribute);
        Object newValue = valueOf(e.newState(), spec.attribute);
        boolean matchAll = spec.matchAll() && spec.attribute == null;
        if (!matchAll && Objects.equals(oldValue, newValue)) {
            return;
        }
        if (oldValue == ABSENT) {
            oldValue = null;
        }
        if (newValue == ABSENT) {
            newValue = null;
        }
        if (!matches(spec.from, oldValue) || !matches(spec.to, newValue)) {
            return;
        }
        if (spec.notFrom != ABSENT && matches(spec.notFrom, oldValue)) {
            return;
        }
        if (spec.notTo != ABSENT && matches(spec.notTo, newValue)) {
            return;
        }
        Map<String, Object> trig = base(spec);
        trig.put("entity_id", entity);
        trig.put("from_state", e.oldState());
        trig.put("to_state", e.newState());
        trig.put("for", spec.forMicros > 0 ? timedelta(spec.forMicros) : null);
        trig.put("attribute", spec.attribute);
        trig.put("description", "state of " + entity);
        if (spec.forMicros <= 0) {
            action.fire(vars(variables, trig), e.context());
            return;
        }
        State armedWith = e.newState();
        ScheduledFuture<?>[] self = new ScheduledFuture<?>[1];
        Runnable check = () -> home.locked(() -> {
            synchronized (timers) {
                if (!timers.remove(self[0])) {
                    return null; // cancelled by unsubscribe
                }
            }
            State now = home.states().get(entity);
            // core's async_track_same_state: still the state that armed the trigger
            if (now != null && armedWith != null && now.state().equals(armedWith.state())
                    && Objects.equals(valueOf(now, spec.attribute), valueOf(armedWith, spec.attribute))) {
                action.fire(vars(variables, trig), e.context());
            }
            return null;
        });
        synchronized (timers) {
            self[0] = home.scheduler().schedule(check, spec.forMicros, TimeUnit.MICROSECONDS);
            timers.add(self[0]);
        }
    }

    /** Python's ExtendedJSONEncoder form of a {@code timedelta}. */
    private static Map<String, Object> timedelta(long micros) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("__type", "<class 'datetime.timedelta'>");
        m.put("total_seconds", micros / 1e6);
        return m;
    }
}
