package org.hassette.simulator.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hassette.simulator.BenchResult;
import org.hassette.simulator.ConnectionInfo;

/**
 * HA's REST API ({@code components/api}, {@code components/history}) and the simulator's control
 * API under {@code /sim/}. Both require {@code Authorization: Bearer <token>}.
 */
final class RestApi {

    private final SimCore core;
    private final Home home;

    RestApi(SimCore core) {
        this.core = core;
        this.home = core.home();
    }

    HttpResponse handle(HttpRequest req) {
        if (!authorized(req)) {
            return HttpResponse.plainError(401);
        }
        String rest = req.path;
        core.recorder().record(0, "rest", req.method + " " + rest, restRecord(req));
        try {
            if (rest.startsWith("/sim/") || rest.equals("/sim")) {
                return control(req);
            }
            core.faults().awaitNotStalled();
            core.faults().applyDelay();
            return api(req);
        } catch (HaError e) {
            return HttpResponse.message(400, e.getMessage());
        } catch (RuntimeException e) {
            return HttpResponse.plainError(500);
        }
    }

    private static Object restRecord(HttpRequest req) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("method", req.method);
        m.put("path", req.path);
        m.put("query", req.query());
        Object body = null;
        if (req.body.length > 0) {
            try {
                body = Json.parse(req.body);
            } catch (JsonProcessingException e) {
                body = req.bodyText();
            }
        }
        m.put("body", body);
        return m;
    }

    private boolean authorized(HttpRequest req) {
        String auth = req.header("authorization");
        if (auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return core.tokenMatches(auth.substring(7).trim());
    }

    private static Object body(HttpRequest req) throws JsonProcessingException {
        return req.body.length == 0 ? null : Json.parse(req.body);
    }

    // ---- HA REST ----------------------------------------------------------------------------

    @SuppressWarnings("unchecked")
    private HttpResponse api(HttpRequest req) {
        String p = req.path;
        String m = req.method;
        if (p.equals("/api/") || p.equals("/api")) {
            return get(m) ? HttpResponse.message(200, "API running.") : HttpResponse.plainError(405);
        }
        if (p.equals("/api/config")) {
            return get(m) ? HttpResponse.json(200, home.configMap()) : HttpResponse.plainError(405);
        }
        if (p.equals("/api/core/state")) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("state", "RUNNING");
            r.put("recorder_state", Map.of("migration_in_progress", false, "migration_is_live", false));
            return HttpResponse.json(200, r);
        }
        if (p.equals("/api/states")) {
            if (!get(m)) {
                return HttpResponse.plainError(405);
            }
            return HttpResponse.jsonBytes(200, home.locked(() -> {
                JsonOut o = new JsonOut(4096);
                o.array(home.states().all());
                return o.toBytes();
            }));
        }
        if (p.startsWith("/api/states/")) {
            return entityState(req, p.substring("/api/states/".length()));
        }
        if (p.equals("/api/services")) {
            if (!get(m)) {
                return HttpResponse.plainError(405);
            }
            List<Object> out = new ArrayList<>();
            home.locked(() -> home.services().descriptions()).forEach((domain, svcs) -> {
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("domain", domain);
                d.put("services", svcs);
                out.add(d);
            });
            return HttpResponse.json(200, out);
        }
        if (p.startsWith("/api/services/")) {
            String[] parts = p.substring("/api/services/".length()).split("/");
            if (parts.length != 2 || !"POST".equals(m)) {
                return HttpResponse.plainError(parts.length != 2 ? 404 : 405);
            }
            return callService(req, parts[0], parts[1]);
        }
        if (p.equals("/api/events")) {
            List<Object> out = new ArrayList<>();
            home.bus().listenerCounts().forEach((k, v) -> {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("event", k);
                e.put("listener_count", v);
                out.add(e);
            });
            return HttpResponse.json(200, out);
        }
        if (p.startsWith("/api/events/")) {
            if (!"POST".equals(m)) {
                return HttpResponse.plainError(405);
            }
            String type = p.substring("/api/events/".length());
            Object data;
            try {
                data = body(req);
            } catch (JsonProcessingException e) {
                return HttpResponse.message(400, "Event data should be valid JSON.");
            }
            if (data != null && !(data instanceof Map)) {
                return HttpResponse.message(400, "Event data should be a JSON object");
            }
            home.fireEvent(type, data == null ? new LinkedHashMap<>() : (Map<String, Object>) data, "REMOTE",
                    home.newContext(home.ownerUserId()));
            return HttpResponse.message(200, "Event " + type + " fired.");
        }
        if (p.equals("/api/template")) {
            if (!"POST".equals(m)) {
                return HttpResponse.plainError(405);
            }
            try {
                Object b = body(req);
                if (!(b instanceof Map) || !(((Map<?, ?>) b).get("template") instanceof String)) {
                    return HttpResponse.message(400, "Error rendering template: 'template'");
                }
                Map<String, Object> data = (Map<String, Object>) b;
                Template t = Template.parse((String) data.get("template"));
                Object vars = data.get("variables");
                String text = home.locked(() -> t.render(home, vars instanceof Map ? (Map<String, Object>) vars : null,
                        new Template.Info()));
                return HttpResponse.text(200, text);
            } catch (JsonProcessingException e) {
                return HttpResponse.message(400, "Error rendering template: Invalid JSON");
            } catch (Template.TemplateError e) {
                return HttpResponse.message(400, "Error rendering template: " + e.getMessage());
            }
        }
        if (p.equals("/api/history/period") || p.startsWith("/api/history/period/")) {
            return History.handle(home, req, p.length() > "/api/history/period/".length()
                    ? p.substring("/api/history/period/".length()) : null);
        }
        return HttpResponse.plainError(404);
    }

    private static boolean get(String method) {
        return "GET".equals(method) || "HEAD".equals(method);
    }

    @SuppressWarnings("unchecked")
    private HttpResponse entityState(HttpRequest req, String entityId) {
        switch (req.method) {
            case "GET": {
                State s = home.locked(() -> home.states().get(entityId));
                return s == null ? HttpResponse.message(404, "Entity not found.") : HttpResponse.jsonBytes(200, s.json());
            }
            case "POST": {
                Object b;
                try {
                    b = body(req);
                } catch (JsonProcessingException e) {
                    return HttpResponse.message(400, "Invalid JSON specified.");
                }
                if (!(b instanceof Map)) {
                    return HttpResponse.message(400, "Invalid JSON specified.");
                }
                Map<String, Object> data = (Map<String, Object>) b;
                Object st = data.get("state");
                if (st == null) {
                    return HttpResponse.message(400, "No state specified.");
                }
                if (!Values.isValidEntityId(entityId)) {
                    return HttpResponse.message(400, "Invalid entity ID specified.");
                }
                String state = Values.pyStr(st);
                if (state.length() > 255) {
                    return HttpResponse.message(400, "Invalid state specified.");
                }
                Object attrs = data.get("attributes");
                boolean force = Boolean.TRUE.equals(data.get("force_update"));
                Object[] result = home.locked(() -> {
                    boolean isNew = home.states().get(entityId) == null;
                    home.setState(entityId, state, attrs instanceof Map ? (Map<String, Object>) attrs : Map.of(), force,
                            home.newContext(home.ownerUserId()));
                    return new Object[] {isNew, home.states().get(entityId)};
                });
                return HttpResponse.jsonBytes((Boolean) result[0] ? 201 : 200, ((State) result[1]).json())
                        .header("Location", "/api/states/" + entityId);
            }
            case "DELETE": {
                Event e = home.removeState(entityId, home.newContext(home.ownerUserId()));
                return e == null ? HttpResponse.message(404, "Entity not found.") : HttpResponse.message(200, "Entity removed.");
            }
            default:
                return HttpResponse.plainError(405);
        }
    }

    @SuppressWarnings("unchecked")
    private HttpResponse callService(HttpRequest req, String domain, String service) {
        Object b;
        try {
            b = body(req);
        } catch (JsonProcessingException e) {
            return HttpResponse.message(400, "Data should be valid JSON.");
        }
        if (b != null && !(b instanceof Map)) {
            return HttpResponse.message(400, "Data should be valid JSON.");
        }
        boolean wantResponse = req.query().containsKey("return_response");
        Map<String, Object> data = b == null ? new LinkedHashMap<>() : (Map<String, Object>) b;
        Object[] out;
        try {
            out = home.locked(() -> {
                Services.Service svc = home.services().get(domain, service);
                if (svc != null && wantResponse && svc.supportsResponse == Services.SupportsResponse.NONE) {
                    return new Object[] {HttpResponse.message(400,
                            "Service does not support responses. Remove return_response from request.")};
                }
                if (svc != null && !wantResponse && svc.supportsResponse == Services.SupportsResponse.ONLY) {
                    return new Object[] {HttpResponse.message(400,
                            "Service call requires responses but caller did not ask for responses. "
                                    + "Add ?return_response to query parameters.")};
                }
                Context ctx = home.newContext(home.ownerUserId());
                Home.CallResult r = home.callService(domain, service, data, null, ctx, wantResponse);
                List<State> changed = new ArrayList<>();
                for (State s : home.states().all()) {
                    if (s.context().id().equals(ctx.id())) {
                        changed.add(s);
                    }
                }
                return new Object[] {null, changed, r.response};
            });
        } catch (HaError e) {
            if (HaError.NOT_FOUND.equals(e.code()) || HaError.INVALID_FORMAT.equals(e.code())) {
                return HttpResponse.text(400, "400: Bad Request");
            }
            return HttpResponse.message(400, e.getMessage());
        }
        if (out[0] != null) {
            return (HttpResponse) out[0];
        }
        if (wantResponse) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("changed_states", out[1]);
            r.put("service_response", out[2]);
            return HttpResponse.json(200, r);
        }
        return HttpResponse.json(200, out[1]);
    }

    // ---- control API ------------------------------------------------------------------------

    @SuppressWarnings("unchecked")
    private HttpResponse control(HttpRequest req) {
        String p = req.path;
        String m = req.method;
        Map<String, Object> body;
        try {
            Object b = body(req);
            if (b != null && !(b instanceof Map)) {
                return HttpResponse.message(400, "Body must be a JSON object");
            }
            body = b == null ? new LinkedHashMap<>() : (Map<String, Object>) b;
        } catch (JsonProcessingException e) {
            return HttpResponse.message(400, "Body is not valid JSON: " + e.getOriginalMessage());
        }
        switch (m + " " + p) {
            case "GET /sim/status":
                return HttpResponse.json(200, status());
            case "POST /sim/drop":
                return HttpResponse.json(200, Map.of("dropped", core.dropAllConnections()));
            case "POST /sim/restart": {
                double down = number(body, "downtime_seconds", 0);
                core.restart((long) (down * 1e9));
                return HttpResponse.json(200, Map.of("restarted", true));
            }
            case "POST /sim/reject_auth":
                core.faults().rejectAuth(bool(body, "enabled", true));
                return HttpResponse.json(200, status());
            case "POST /sim/stall":
                core.stall(bool(body, "enabled", true));
                return HttpResponse.json(200, status());
            case "POST /sim/delay":
                core.faults().delayNanos((long) (number(body, "ms", 0) * 1_000_000));
                return HttpResponse.json(200, status());
            case "POST /sim/fail_next": {
                Object type = body.getOrDefault("type", "*");
                Object code = body.get("code");
                Object message = body.get("message");
                if (!(type instanceof String) || !(code instanceof String) || (message != null && !(message instanceof String))) {
                    return HttpResponse.message(400, "body: {\"type\":\"call_service\",\"code\":\"home_assistant_error\",\"message\"?:\"...\"}");
                }
                try {
                    core.faults().failNext((String) type, (String) code, (String) message);
                } catch (IllegalArgumentException e) {
                    return HttpResponse.message(400, e.getMessage());
                }
                return HttpResponse.json(200, Map.of("pending", core.faults().pendingFailures()));
            }
            case "POST /sim/oversized": {
                int bytes = (int) number(body, "bytes", -1);
                if (bytes <= 0) {
                    return HttpResponse.message(400, "bytes must be a positive number");
                }
                return HttpResponse.json(200, Map.of("frame_bytes", core.sendOversized(bytes)));
            }
            case "POST /sim/raw": {
                Object text = body.get("message");
                if (!(text instanceof String)) {
                    return HttpResponse.message(400, "message must be a string (the WebSocket message to send as is)");
                }
                return HttpResponse.json(200, Map.of("sent_to", core.sendRaw(((String) text).getBytes(java.nio.charset.StandardCharsets.UTF_8))));
            }
            case "GET /sim/commands": {
                long since = (long) numberQuery(req, "since", 0);
                List<Object> out = new ArrayList<>();
                core.recorder().commands().forEach(c -> {
                    if (c.sequence() > since) {
                        Map<String, Object> e = new LinkedHashMap<>();
                        e.put("sequence", c.sequence());
                        e.put("received_at", c.receivedAt().toString());
                        e.put("connection_id", c.connectionId());
                        e.put("transport", c.transport());
                        e.put("type", c.type());
                        e.put("message", c.message());
                        out.add(e);
                    }
                });
                return HttpResponse.json(200, out);
            }
            case "DELETE /sim/commands":
                core.recorder().clear();
                return HttpResponse.json(200, Map.of("cleared", true));
            case "POST /sim/bench": {
                long count = (long) number(body, "count", 200_000);
                double rate = number(body, "rate", 0);
                int entities = (int) number(body, "entities", 1000);
                SimCore.BenchStatus st = core.startBenchAsync(count, rate, entities);
                if (bool(body, "wait", false)) {
                    while (!st.done) {
                        try {
                            Thread.sleep(20);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            break;
                        }
                    }
                    return HttpResponse.json(200, bench(st));
                }
                return HttpResponse.json(202, bench(st));
            }
            case "GET /sim/bench": {
                SimCore.BenchStatus st = core.lastBench();
                return st == null ? HttpResponse.message(404, "No bench has run.") : HttpResponse.json(200, bench(st));
            }
            default:
                break;
        }
        if (p.startsWith("/sim/states/")) {
            String entityId = p.substring("/sim/states/".length());
            if ("POST".equals(m)) {
                Object st = body.get("state");
                if (st == null || st instanceof Map || st instanceof List) {
                    return HttpResponse.message(400, "state is required (a string)");
                }
                Object attrs = body.get("attributes");
                boolean merge = Boolean.TRUE.equals(body.get("merge"));
                State s = home.locked(() -> {
                    Map<String, Object> a = new LinkedHashMap<>();
                    State cur = home.states().get(entityId);
                    if (merge && cur != null) {
                        a.putAll(cur.attributes());
                    }
                    if (attrs instanceof Map) {
                        a.putAll((Map<String, Object>) attrs);
                    } else if (attrs == null && cur != null && !merge) {
                        a.putAll(cur.attributes());
                    }
                    home.setState(entityId, Values.pyStr(st), a, Boolean.TRUE.equals(body.get("force_update")), null);
                    return home.states().get(entityId);
                });
                return HttpResponse.jsonBytes(200, s.json());
            }
            if ("DELETE".equals(m)) {
                Event e = home.removeState(entityId, null);
                return e == null ? HttpResponse.message(404, "Entity not found.") : HttpResponse.message(200, "Entity removed.");
            }
            return HttpResponse.plainError(405);
        }
        if (p.startsWith("/sim/events/") && "POST".equals(m)) {
            String type = p.substring("/sim/events/".length());
            Event e = home.fireEvent(type, body, "LOCAL", null);
            return HttpResponse.jsonBytes(200, e.json());
        }
        return HttpResponse.plainError(404);
    }

    private Map<String, Object> status() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("ha_version", home.config().haVersion);
        s.put("entities", home.locked(() -> home.states().size()));
        s.put("reject_auth", core.faults().rejectAuth());
        s.put("stalled", core.faults().stalled());
        s.put("delay_ms", core.faults().delayNanos() / 1_000_000.0);
        List<Object> conns = new ArrayList<>();
        for (ConnectionInfo c : core.connectionInfos()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("id", c.id());
            e.put("remote", c.remoteAddress());
            e.put("authenticated", c.authenticated());
            e.put("coalescing", c.coalescing());
            e.put("pending", c.pending());
            e.put("subscriptions", c.subscriptions());
            conns.add(e);
        }
        s.put("connections", conns);
        return s;
    }

    private static Map<String, Object> bench(SimCore.BenchStatus st) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("done", st.done);
        b.put("error", st.error);
        BenchResult r = st.result;
        if (r != null) {
            b.put("events", r.events());
            b.put("subscriptions", r.subscriptions());
            b.put("delivered", r.delivered());
            b.put("seconds", r.nanos() / 1e9);
            b.put("events_per_second", r.eventsPerSecond());
            b.put("event_bytes", r.eventBytes());
        }
        return b;
    }

    private static boolean bool(Map<String, Object> body, String key, boolean dflt) {
        Object v = body.get(key);
        if (v == null) {
            return dflt;
        }
        return Boolean.TRUE.equals(v) || "true".equals(v);
    }

    private static double number(Map<String, Object> body, String key, double dflt) {
        Object v = body.get(key);
        if (v instanceof Number) {
            return ((Number) v).doubleValue();
        }
        if (v instanceof String) {
            try {
                return Double.parseDouble((String) v);
            } catch (NumberFormatException e) {
                throw new HaError(HaError.INVALID_FORMAT, key + " must be a number");
            }
        }
        return dflt;
    }

    private static double numberQuery(HttpRequest req, String key, double dflt) {
        String v = req.query().get(key);
        if (v == null) {
            return dflt;
        }
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new HaError(HaError.INVALID_FORMAT, key + " must be a number");
        }
    }
}
