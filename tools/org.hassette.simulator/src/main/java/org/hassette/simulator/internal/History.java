package org.hassette.simulator.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code GET /api/history/period[/<start>]} over the states the simulator recorded since it started. */
final class History {

    /** Domains whose attribute-only changes are significant (core's SIGNIFICANT_DOMAINS). */
    private static final Set<String> SIGNIFICANT_DOMAINS = Set.of("climate", "device_tracker", "humidifier",
            "thermostat", "water_heater");

    private History() {
    }

    static HttpResponse handle(Home home, HttpRequest req, String startText) {
        Map<String, String> q = req.query();
        long now = home.now();
        long start;
        if (startText == null || startText.isEmpty()) {
            start = now - 86_400_000_000L;
        } else {
            Long s = PyTime.parse(startText, home.config().zone());
            if (s == null) {
                return HttpResponse.message(400, "Invalid datetime");
            }
            start = s;
        }
        long end = start + 86_400_000_000L;
        if (q.containsKey("end_time")) {
            Long e = PyTime.parse(q.get("end_time"), home.config().zone());
            if (e == null) {
                return HttpResponse.message(400, "Invalid end_time");
            }
            end = e;
        }
        String filter = q.get("filter_entity_id");
        if (filter == null || filter.isBlank()) {
            return HttpResponse.message(400, "filter_entity_id is missing");
        }
        List<String> ids = Values.entityIds(filter);
        for (String id : ids) {
            if (!Values.isValidEntityId(id)) {
                return HttpResponse.message(400, "Invalid filter_entity_id");
            }
        }
        if (start > now) {
            return HttpResponse.json(200, List.of());
        }
        boolean minimal = q.containsKey("minimal_response");
        boolean noAttributes = q.containsKey("no_attributes");
        boolean skipInitial = q.containsKey("skip_initial_state");
        boolean significantOnly = !"0".equals(q.getOrDefault("significant_changes_only", "1"));
        long startF = start;
        long endF = end;
        byte[] json = home.locked(() -> {
            JsonOut o = new JsonOut(4096);
            o.ch('[');
            boolean firstEntity = true;
            for (String id : ids) {
                List<State> rows = select(home.states().history(id), startF, endF, skipInitial,
                        significantOnly && !SIGNIFICANT_DOMAINS.contains(id.substring(0, id.indexOf('.'))));
                if (rows.isEmpty()) {
                    continue;
                }
                if (!firstEntity) {
                    o.ch(',');
                }
                firstEntity = false;
                o.ch('[');
                for (int i = 0; i < rows.size(); i++) {
                    State s = rows.get(i);
                    if (i > 0) {
                        o.ch(',');
                    }
                    boolean full = !minimal || i == 0 || i == rows.size() - 1;
                    long lc = Math.max(s.lastChanged(), startF);
                    long lu = Math.max(s.lastUpdated(), startF);
                    if (full) {
                        State shown = (lc != s.lastChanged() || lu != s.lastUpdated())
                                ? new State(s.entityId(), s.state(), s.attributes(), lc, lu, lu, s.context()) : s;
                        shown.writeDict(o, Math.max(shown.lastReported(), lu), !noAttributes);
                    } else {
                        o.ch('{').key("state").str(s.state()).ch(',').key("last_changed").str(PyTime.iso(lc)).ch('}');
                    }
                }
                o.ch(']');
            }
            o.ch(']');
            return o.toBytes();
        });
        return HttpResponse.jsonBytes(200, json);
    }

    /** The state at {@code start} (clamped to it) unless skipped, then the changes until {@code end}. */
    private static List<State> select(List<State> all, long start, long end, boolean skipInitial, boolean stateOnly) {
        List<State> out = new ArrayList<>();
        State initial = null;
        State prev = null;
        for (State s : all) {
            if (s.lastUpdated() <= start) {
                initial = s;
                prev = s;
                continue;
            }
            if (s.lastUpdated() > end) {
                break;
            }
            if (stateOnly && prev != null && prev.state().equals(s.state())) {
                prev = s;
                continue;
            }
            out.add(s);
            prev = s;
        }
        if (initial != null && !skipInitial) {
            out.add(0, initial);
        }
        return out;
    }
}
