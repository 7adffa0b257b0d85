package org.hassette.web.internal;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.hassette.api.app.AppInfo;
import org.hassette.api.app.AppRegistry;
import org.hassette.api.bus.EventBus;
import org.hassette.api.bus.ListenerStats;
import org.hassette.api.bus.Subscription;
import org.hassette.api.execution.ExecutionHistory;
import org.hassette.api.execution.ExecutionRecord;
import org.hassette.api.ha.EntityState;
import org.hassette.api.ha.StateCache;
import org.hassette.api.lifecycle.ReadinessReport;
import org.hassette.api.lifecycle.ResourceReport;
import org.hassette.api.lifecycle.SupervisionState;
import org.hassette.api.lifecycle.Supervisor;
import org.hassette.api.scheduler.JobHandle;
import org.hassette.api.scheduler.JobInfo;
import org.hassette.api.scheduler.RunRecord;
import org.hassette.api.scheduler.Scheduler;
import org.hassette.api.session.SessionRecord;
import org.hassette.api.session.SessionTracker;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.ComponentServiceObjects;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardContextSelect;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JSON API under {@code /hassette/api/v1}. Every collaborator is an optional reference: when one
 * is not ready its endpoints answer 503 with the resource to look at, the others keep working. A
 * request the API cannot serve gets a 4xx with {@code {"error": "...", "status": n}}.
 */
@Component(service = Servlet.class)
@HttpWhiteboardContextSelect(WebContext.SELECT)
@HttpWhiteboardServletPattern("/api/v1/*")
public class ApiServlet extends HttpServlet {
    /** Longest logger name accepted by PUT /logs/level (Java logger names are far shorter). */
    private static final int MAX_LOGGER_NAME = 500;
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ApiServlet.class);
    static final int MAX_LIMIT = 1000;
    static final Pattern SECRET_KEY = Pattern.compile("(?i).*(token|password|passwd|secret|credential|apikey|api_key|private).*");
    static final String MASK = "********";

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile ReadinessReport readiness;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile Supervisor supervisor;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile ComponentServiceObjects<AppRegistry> apps;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile StateCache states;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile EventBus bus;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile Scheduler scheduler;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile SessionTracker sessions;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile ExecutionHistory executions;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile ConfigurationAdmin configAdmin;

    private final transient LogBuffer logs;
    private final transient LogLevels levels;

    @Activate
    public ApiServlet(@Reference LogBuffer logs, @Reference LogLevels levels) {
        this.logs = logs;
        this.levels = levels;
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String method = req.getMethod();
        String path = req.getPathInfo() == null ? "/" : req.getPathInfo();
        List<String> p = segments(path);
        try {
            LOG.debug("{} {} ({})", method, path, req.getRemoteUser());
            Object body = route(method, p, req);
            if (body instanceof Status s) {
                Json.write(resp, s.code, s.body);
            } else {
                Json.write(resp, 200, body);
            }
        } catch (ApiException e) {
            Json.error(resp, e.status, e.getMessage());
        } catch (UnsupportedOperationException e) {
            Json.error(resp, 501, "not implemented yet: " + (e.getMessage() == null ? method + " " + path : e.getMessage()));
        } catch (IllegalArgumentException e) {
            Json.error(resp, 400, e.getMessage());
        } catch (IllegalStateException e) {
            Json.error(resp, 409, e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("{} {} failed", method, path, e);
            Json.error(resp, 500, "internal error: " + e);
        }
    }

    /** A body with a status other than 200. */
    private record Status(int code, Object body) {
    }

    private Object route(String method, List<String> p, HttpServletRequest req) throws IOException {
        String head = p.isEmpty() ? "" : p.get(0);
        switch (head) {
            case "health":
                only(method, p, 1, "GET");
                return health();
            case "":
            case "status":
                only(method, p, p.isEmpty() ? 0 : 1, "GET");
                return overview();
            case "services":
                if (p.size() == 3 && p.get(2).equals("restart")) {
                    only(method, p, 3, "POST");
                    return restart(p.get(1));
                }
                only(method, p, p.size() <= 2 ? p.size() : -1, "GET");
                return p.size() == 1 ? services() : service(p.get(1));
            case "apps":
                if (p.size() == 3) {
                    only(method, p, 3, "POST");
                    return appAction(p.get(1), p.get(2));
                }
                only(method, p, p.size() <= 2 ? p.size() : -1, "GET");
                return p.size() == 1 ? apps() : app(p.get(1));
            case "entities":
                only(method, p, p.size() <= 2 ? p.size() : -1, "GET");
                return p.size() == 1 ? entities(req) : entity(p.get(1));
            case "listeners":
                only(method, p, 1, "GET");
                return listeners(req.getParameter("app"));
            case "jobs":
                if (p.size() == 3 && p.get(2).equals("run")) {
                    only(method, p, 3, "POST");
                    return runJob(p.get(1));
                }
                only(method, p, 1, "GET");
                return jobs(req.getParameter("app"));
            case "sessions":
                only(method, p, 1, "GET");
                return sessions(limit(req, 20));
            case "executions":
                only(method, p, 1, "GET");
                return executions(emptyToNull(req.getParameter("app")), limit(req, 100));
            case "logs":
                if (p.size() == 2 && p.get(1).equals("level")) {
                    only(method, p, 2, "PUT", "POST", "GET");
                    return method.equals("GET") ? Json.obj("overrides", levels.overrides()) : setLevel(req);
                }
                only(method, p, 1, "GET");
                return logs(req);
            case "config":
                only(method, p, p.size() <= 2 ? p.size() : -1, "GET");
                return config(p.size() == 2 ? p.get(1) : null);
            default:
                throw ApiException.notFound("no endpoint /hassette/api/v1/" + String.join("/", p)
                        + "; see /hassette/api/v1/ (status, services, apps, entities, listeners, jobs, sessions, executions, logs, config, events)");
        }
    }

    private static void only(String method, List<String> p, int size, String... methods) {
        if (size < 0 || p.size() != size) {
            throw ApiException.notFound("no endpoint /hassette/api/v1/" + String.join("/", p));
        }
        for (String m : methods) {
            if (m.equals(method)) {
                return;
            }
        }
        throw new ApiException(405, "method " + method + " not allowed on /hassette/api/v1/" + String.join("/", p) + "; use " + String.join(" or ", methods));
    }

    // --- health and overview

    private Object health() {
        ReadinessReport r = readiness;
        boolean ready = r != null && r.coreReady();
        return new Status(ready ? 200 : 503, Json.obj("status", ready ? "ok" : "not_ready", "ready", ready));
    }

    private Object overview() {
        ReadinessReport r = readiness;
        List<Object> blocked = new ArrayList<>();
        if (r != null) {
            for (ResourceReport rr : r.resources()) {
                if (!rr.ready() && rr.role() != null && rr.role().name().equals("CORE")) {
                    blocked.add(Json.obj("resource", rr.resource(), "chain", rr.chain()));
                }
            }
        }
        StateCache s = states;
        SessionTracker t = sessions;
        return Json.obj("core_ready", r != null && r.coreReady(), "readiness_known", r != null, "not_ready", blocked,
                "entities", s == null ? null : s.size(), "apps", apps == null ? null : appList().size(),
                "session", t == null ? null : t.currentSessionId());
    }

    // --- services

    private List<Object> services() {
        ReadinessReport r = require(readiness, "lifecycle (readiness report)");
        List<Object> out = new ArrayList<>();
        for (ResourceReport rr : r.resources()) {
            out.add(service(rr));
        }
        return out;
    }

    private Object service(String name) {
        ReadinessReport r = require(readiness, "lifecycle (readiness report)");
        return service(r.resource(name).orElseThrow(() -> ApiException.notFound("no resource named '" + name + "'; known: "
                + r.resources().stream().map(ResourceReport::resource).toList())));
    }

    private Map<String, Object> service(ResourceReport rr) {
        Supervisor s = supervisor;
        Optional<SupervisionState> st = s == null ? Optional.empty() : s.state(rr.resource());
        Map<String, Object> m = Json.obj("name", rr.resource(), "role", rr.role() == null ? null : rr.role().name().toLowerCase(Locale.ROOT),
                "status", rr.status() == null ? null : rr.status().label(), "ready", rr.ready(), "reason", rr.reason(),
                "restarts", rr.restarts(), "chain", rr.chain());
        m.put("supervision", st.map(x -> Json.obj("policy", x.policyType(), "restarts_in_window", x.restartsInWindow(), "budget", x.budget(),
                "total_restarts", x.totalRestarts(), "next_attempt_at", Json.time(x.nextAttemptAt()),
                "verdict", x.verdict() == null ? null : x.verdict().label(), "last_failure", x.lastFailure())).orElse(null));
        return m;
    }

    private Object restart(String name) {
        ReadinessReport r = require(readiness, "lifecycle (readiness report)");
        if (r.resource(name).isEmpty()) {
            throw ApiException.notFound("no resource named '" + name + "'");
        }
        require(supervisor, "watcher").restartNow(name);
        return new Status(202, Json.obj("status", "accepted", "resource", name, "action", "restart"));
    }

    // --- apps

    private List<Object> apps() {
        try (Lease<AppRegistry> lease = Lease.of(apps)) {
            List<Object> out = new ArrayList<>();
            for (AppInfo a : require(lease.service, "apps (AppRegistry)").apps()) {
                out.add(app(a));
            }
            return out;
        }
    }

    private Object app(String id) {
        return app(findApp(id));
    }

    private AppInfo findApp(String id) {
        try (Lease<AppRegistry> lease = Lease.of(apps)) {
            AppRegistry registry = require(lease.service, "apps (AppRegistry)");
            return registry.app(id).or(() -> registry.app("app:" + id)).orElseThrow(() -> ApiException.notFound("no app '" + id
                    + "'; known: " + registry.apps().stream().map(AppInfo::appId).toList()));
        }
    }

    /** The app, or empty when the registry does not know it (or is not there: the history still answers). */
    private Optional<AppInfo> knownApp(String id) {
        try (Lease<AppRegistry> lease = Lease.of(apps)) {
            AppRegistry registry = lease.service;
            return registry == null ? Optional.empty() : registry.app(id).or(() -> registry.app("app:" + id));
        }
    }

    private List<String> knownAppIds() {
        try (Lease<AppRegistry> lease = Lease.of(apps)) {
            return lease.service == null ? List.of() : lease.service.apps().stream().map(AppInfo::appId).sorted().toList();
        }
    }

    static Map<String, Object> app(AppInfo a) {
        return Json.obj("id", a.appId(), "bundle", a.bundle(), "version", a.bundleVersion(), "status", a.status() == null ? null : a.status().label(),
                "reason", a.reason(), "enabled", a.enabled(), "quarantined", a.quarantined(), "starts", a.starts(), "failures", a.failures(),
                "restarts", a.restarts(), "listeners", a.listeners(), "jobs", a.jobs(), "since", Json.time(a.since()),
                "constraints", a.constraints());
    }

    private Object appAction(String id, String action) {
        String appId = findApp(id).appId();
        try (Lease<AppRegistry> lease = Lease.of(apps)) {
            return appAction(require(lease.service, "apps (AppRegistry)"), appId, action);
        }
    }

    private Object appAction(AppRegistry registry, String appId, String action) {
        AppInfo after;
        switch (action) {
            case "start":
                after = registry.start(appId);
                break;
            case "stop":
                after = registry.stop(appId);
                break;
            case "reload":
                after = registry.reload(appId);
                break;
            case "enable":
                after = registry.enable(appId);
                break;
            case "disable":
                after = registry.disable(appId);
                break;
            default:
                throw ApiException.notFound("unknown app action '" + action + "'; use start, stop, reload, enable or disable");
        }
        LOG.info("App {}: {} requested over HTTP", appId, action);
        return app(after);
    }

    // --- entities

    private Object entities(HttpServletRequest req) {
        StateCache s = require(states, "states (StateCache)");
        String domain = emptyToNull(req.getParameter("domain"));
        String glob = emptyToNull(req.getParameter("glob"));
        String q = emptyToNull(req.getParameter("q"));
        int limit = limit(req, MAX_LIMIT);
        if (domain != null && !domain.matches("[a-z0-9_]+")) {
            throw ApiException.badRequest("domain '" + domain + "' is not valid (lower-case letters, digits, '_')");
        }
        Collection<EntityState> source = glob != null ? s.matching(glob) : domain != null ? s.domain(domain) : s.all();
        String needle = q == null ? null : q.toLowerCase(Locale.ROOT);
        List<Object> out = source.stream()
                .filter(e -> domain == null || e.domain().equals(domain))
                .filter(e -> needle == null || e.entityId().toLowerCase(Locale.ROOT).contains(needle)
                        || String.valueOf(e.attribute("friendly_name")).toLowerCase(Locale.ROOT).contains(needle))
                .sorted(Comparator.comparing(EntityState::entityId)).limit(limit).map(ApiServlet::entity).map(m -> (Object) m).toList();
        return Json.obj("total", s.size(), "count", out.size(), "entities", out);
    }

    private Object entity(String id) {
        StateCache s = require(states, "states (StateCache)");
        if (!id.matches("[a-z0-9_]+\\.[A-Za-z0-9_]+")) {
            throw ApiException.badRequest("'" + id + "' is not an entity id (domain.object_id)");
        }
        return entity(s.get(id).orElseThrow(() -> ApiException.notFound("no entity '" + id + "'")));
    }

    static Map<String, Object> entity(EntityState e) {
        return Json.obj("entity_id", e.entityId(), "domain", e.domain(), "state", e.state(), "attributes", e.attributes(),
                "last_changed", Json.time(e.lastChanged()), "last_updated", Json.time(e.lastUpdated()));
    }

    // --- listeners and jobs

    private List<AppInfo> appList() {
        try (Lease<AppRegistry> lease = Lease.of(apps)) {
            return lease.service == null ? List.of() : lease.service.apps();
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    private Object listeners(String app) {
        EventBus b = require(bus, "bus (EventBus)");
        List<AppInfo> known = appList();
        List<Object> out = new ArrayList<>();
        for (Subscription s : b.listeners()) {
            String owner = AppAttribution.of(known, s.name(), null);
            if (app != null && !app.equals(owner)) {
                continue;
            }
            ListenerStats st = s.stats();
            out.add(Json.obj("name", s.name(), "app", owner, "cancelled", s.isCancelled(), "received", st.received(), "matched", st.matched(),
                    "invoked", st.invoked(), "failed", st.failed(), "skipped", st.skipped(), "suppressed", st.suppressed(),
                    "dropped", st.dropped(), "predicate_errors", st.predicateErrors()));
        }
        return out;
    }

    private Object jobs(String app) {
        Scheduler s = require(scheduler, "scheduler (Scheduler)");
        List<AppInfo> known = appList();
        List<Object> out = new ArrayList<>();
        for (JobInfo j : s.jobs()) {
            String owner = AppAttribution.of(known, j.name(), j.group());
            if (app != null && !app.equals(owner)) {
                continue;
            }
            out.add(Json.obj("name", j.name(), "group", j.group(), "app", owner, "schedule", j.schedule(),
                    "status", j.status() == null ? null : j.status().name().toLowerCase(Locale.ROOT), "next_run", j.nextRun().map(Json::time).orElse(null),
                    "running", j.running(), "last_run", j.lastRun().map(ApiServlet::run).orElse(null),
                    "history", j.history().stream().map(ApiServlet::run).toList()));
        }
        return out;
    }

    private static Map<String, Object> run(RunRecord r) {
        return Json.obj("at", Json.time(r.at()), "outcome", r.outcome().name().toLowerCase(Locale.ROOT), "detail", r.detail(), "manual", r.manual());
    }

    private Object runJob(String name) {
        Scheduler s = require(scheduler, "scheduler (Scheduler)");
        JobHandle job = s.job(name).orElseThrow(() -> ApiException.notFound("no job named '" + name + "'"));
        job.runNow();
        LOG.info("Job {}: run now requested over HTTP", name);
        return new Status(202, Json.obj("status", "accepted", "job", name, "action", "run"));
    }

    // --- sessions and executions

    private Object sessions(int limit) {
        SessionTracker t = require(sessions, "session (SessionTracker)");
        long current = t.currentSessionId();
        List<Object> out = new ArrayList<>();
        for (SessionRecord r : t.recentSessions(limit)) {
            out.add(Json.obj("id", r.id(), "current", r.id() == current, "status", r.status().label(), "started_at", Json.time(r.startedAt()),
                    "stopped_at", Json.time(r.stoppedAt()), "last_heartbeat_at", Json.time(r.lastHeartbeatAt()), "error_type", r.errorType(),
                    "error_message", r.errorMessage()));
        }
        return out;
    }

    private Object executions(String app, int limit) {
        ExecutionHistory h = require(executions, "execution history (needs the database)");
        List<Object> out = new ArrayList<>();
        Optional<AppInfo> known = AppArgument.meansAll(app) ? Optional.empty() : knownApp(app);
        String appId = AppArgument.meansAll(app) ? null : known.map(AppInfo::appId).orElse(app);
        List<ExecutionRecord> records = h.recent(appId, limit);
        if (appId != null && records.isEmpty() && known.isEmpty()) {
            // a removed app keeps its history (found above); an id nobody knows is a 404, not an empty list
            throw ApiException.notFound(AppArgument.unknownAppMessage(app, knownAppIds()));
        }
        for (ExecutionRecord r : records) {
            out.add(execution(r));
        }
        return out;
    }

    static Map<String, Object> execution(ExecutionRecord r) {
        return Json.obj("id", r.id(), "kind", r.kind().label(), "name", r.name(), "app", r.app(), "start", Json.time(r.start()),
                "duration_ms", Json.millis(r.duration()), "outcome", r.outcome(), "error", r.error(), "detail", r.detail());
    }

    // --- logs

    private Object logs(HttpServletRequest req) {
        String level = emptyToNull(req.getParameter("level"));
        int min = level == null ? 4 : LogBuffer.rank(level);
        if (min < 0) {
            throw ApiException.badRequest("unknown level '" + level + "'; use ERROR, WARN, INFO, DEBUG or TRACE");
        }
        String app = emptyToNull(req.getParameter("app"));
        String bundle = AppArgument.meansAll(app) ? null : knownApp(app).map(AppInfo::bundle)
                .orElseThrow(() -> ApiException.notFound(AppArgument.unknownAppMessage(app, knownAppIds())));
        String logger = emptyToNull(req.getParameter("logger"));
        int limit = limit(req, 200);
        Predicate<LogBuffer.Line> filter = l -> LogBuffer.rank(l.level()) >= 0 && LogBuffer.rank(l.level()) <= min
                && (bundle == null || bundle.equals(l.bundle()) || LogBuffer.under(l.logger(), bundle))
                && (logger == null || LogBuffer.under(l.logger(), logger));
        List<Object> out = new ArrayList<>();
        for (LogBuffer.Line l : logs.recent(filter, limit)) {
            out.add(Json.obj("seq", l.seq(), "time", Json.time(l.time()), "level", l.level(), "logger", l.logger(), "message", l.message(),
                    "exception", l.exception(), "bundle", l.bundle(), "thread", l.thread()));
        }
        return out;
    }

    private Object setLevel(HttpServletRequest req) throws IOException {
        JsonNode body;
        try {
            body = Json.MAPPER.readTree(req.getInputStream());
        } catch (IOException e) {
            throw ApiException.badRequest("body is not JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (body == null || !body.isObject() || !body.hasNonNull("level") || !(body.hasNonNull("logger") || body.hasNonNull("app"))) {
            throw ApiException.badRequest("body must be {\"logger\": \"<name>\" or \"app\": \"<app id>\", \"level\": \"DEBUG\"}");
        }
        for (String field : new String[] { "logger", "app", "level" }) {
            if (body.hasNonNull(field) && !body.get(field).isTextual()) {
                throw ApiException.badRequest("'" + field + "' must be a string, not " + body.get(field).getNodeType().toString().toLowerCase()
                        + " " + body.get(field));
            }
        }
        if (body.hasNonNull("logger") && body.get("logger").asText().length() > MAX_LOGGER_NAME) {
            throw ApiException.badRequest("'logger' is " + body.get("logger").asText().length() + " characters long; at most "
                    + MAX_LOGGER_NAME);
        }
        String logger = body.hasNonNull("app") ? findApp(body.get("app").asText()).bundle() : body.get("logger").asText();
        String effective = levels.set(logger, body.get("level").asText());
        return Json.obj("logger", logger, "level", effective);
    }

    // --- configuration

    private Object config(String pid) throws IOException {
        ConfigurationAdmin ca = require(configAdmin, "Config Admin");
        Configuration[] all;
        try {
            all = ca.listConfigurations(pid == null ? null : "(service.pid=" + escape(pid) + ")");
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw ApiException.badRequest("pid '" + pid + "' is not valid: " + e.getMessage());
        }
        if (pid != null && (all == null || all.length == 0)) {
            throw ApiException.notFound("no configuration with pid '" + pid + "'");
        }
        Map<String, Object> out = new TreeMap<>();
        if (all != null) {
            for (Configuration c : all) {
                out.put(c.getPid(), masked(c.getProperties()));
            }
        }
        return pid == null ? out : out.get(pid);
    }

    static Map<String, Object> masked(Dictionary<String, Object> props) {
        Map<String, Object> m = new TreeMap<>();
        if (props == null) {
            return m;
        }
        for (Enumeration<String> keys = props.keys(); keys.hasMoreElements();) {
            String k = keys.nextElement();
            Object v = props.get(k);
            m.put(k, SECRET_KEY.matcher(k).matches() && v != null && !String.valueOf(v).isEmpty() ? MASK : plain(v));
        }
        return m;
    }

    private static Object plain(Object v) {
        if (v != null && v.getClass().isArray()) {
            List<Object> l = new ArrayList<>();
            for (int i = 0; i < Array.getLength(v); i++) {
                l.add(plain(Array.get(v, i)));
            }
            return l;
        }
        if (v instanceof Number || v instanceof Boolean || v instanceof String || v == null) {
            return v;
        }
        if (v instanceof Collection<?> c) {
            return c.stream().map(ApiServlet::plain).toList();
        }
        return String.valueOf(v);
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("*", "\\*").replace("(", "\\(").replace(")", "\\)");
    }

    // --- helpers

    private static <T> T require(T service, String what) {
        if (service == null) {
            throw ApiException.unavailable(what);
        }
        return service;
    }

    private static int limit(HttpServletRequest req, int def) {
        String v = req.getParameter("limit");
        if (v == null || v.isBlank()) {
            return def;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= 1 && n <= MAX_LIMIT) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ApiException.badRequest("limit must be an integer from 1 to " + MAX_LIMIT + ", got '" + v + "'");
    }

    private static String emptyToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    private static List<String> segments(String path) {
        List<String> out = new ArrayList<>();
        for (String s : path.split("/")) {
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }
}
