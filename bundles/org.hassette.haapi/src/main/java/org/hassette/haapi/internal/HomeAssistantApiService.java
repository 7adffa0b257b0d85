package org.hassette.haapi.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.hassette.api.ha.EntityState;
import org.hassette.api.ha.HomeAssistantApi;
import org.hassette.api.ha.HomeAssistantConnection;
import org.hassette.api.lifecycle.HassetteResource;
import org.hassette.api.lifecycle.ResourceLifecycle;
import org.hassette.api.lifecycle.ResourceRole;
import org.hassette.api.lifecycle.RestartPolicy;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * Registers {@link HomeAssistantApi} while a {@link HomeAssistantConnection} is registered (a static
 * mandatory reference: SCR deactivates this component when the connection goes and activates a new
 * one when it is back).
 */
@Component(name = "org.hassette.haapi", immediate = true, service = {})
@HassetteResource(resource = "haapi", provides = HomeAssistantApi.class)
@RestartPolicy(type = "transient")
public class HomeAssistantApiService {
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HomeAssistantApiService.class);

    private final ResourceLifecycle lifecycle;
    private final ExecutorService callbacks;

    @Activate
    public HomeAssistantApiService(BundleContext context, @Reference HomeAssistantConnection connection) {
        AtomicInteger n = new AtomicInteger();
        // callbacks leave the connection's dispatch thread at once, so a blocking app callback never stalls events
        ThreadPoolExecutor pool = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "hassette-haapi-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true);
        this.callbacks = pool;
        lifecycle = ResourceLifecycle.open(context, "haapi", ResourceRole.CORE, HomeAssistantApi.class);
        lifecycle.ready(HomeAssistantApi.class, new Api(connection, callbacks, DEFAULT_TIMEOUT), Map.of(),
                "connection present (generation " + connection.generation() + ")");
    }

    @Deactivate
    void deactivate() {
        lifecycle.close();
        callbacks.shutdown();
    }

    /** The API over one connection with one default timeout. */
    static final class Api implements HomeAssistantApi {
        private final HomeAssistantConnection connection;
        private final ExecutorService callbacks;
        private final Duration timeout;

        Api(HomeAssistantConnection connection, ExecutorService callbacks, Duration timeout) {
            this.connection = connection;
            this.callbacks = callbacks;
            this.timeout = timeout;
        }

        @Override
        public HomeAssistantApi withTimeout(Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive: " + timeout);
            }
            return new Api(connection, callbacks, timeout);
        }

        private CompletableFuture<Object> send(String type, Map<String, ?> fields) {
            return offConnectionThreads(connection.send(type, fields, timeout));
        }

        /** Completes on this bundle's threads, never the connection's: a blocking callback never stalls events. */
        private CompletableFuture<Object> offConnectionThreads(CompletableFuture<Object> call) {
            CompletableFuture<Object> result = new CompletableFuture<>();
            call.whenComplete((v, e) -> {
                try {
                    callbacks.execute(() -> {
                        if (e != null) {
                            result.completeExceptionally(e);
                        } else {
                            result.complete(v);
                        }
                    });
                } catch (java.util.concurrent.RejectedExecutionException stopped) {
                    if (e != null) {
                        result.completeExceptionally(e);
                    } else {
                        result.complete(v);
                    }
                }
            });
            return result;
        }

        @Override
        @SuppressWarnings("unchecked")
        public CompletableFuture<List<EntityState>> getStates() {
            return send("get_states", Map.of()).thenApply(v -> {
                List<EntityState> out = new ArrayList<>();
                if (v instanceof List) {
                    for (Object o : (List<Object>) v) {
                        if (o instanceof Map) {
                            out.add(EntityState.of((Map<String, ?>) o));
                        }
                    }
                }
                return out;
            });
        }

        @Override
        public CompletableFuture<Optional<EntityState>> getState(String entityId) {
            return getStates().thenApply(all -> all.stream().filter(s -> s.entityId().equals(entityId)).findFirst());
        }

        @Override
        public CompletableFuture<org.hassette.api.ha.ServiceResult> callService(String domain, String service,
                org.hassette.api.ha.Target target, Map<String, ?> data, boolean returnResponse) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("domain", domain);
            fields.put("service", service);
            if (data != null && !data.isEmpty()) {
                fields.put("service_data", data);
            }
            if (target != null && !target.isEmpty()) {
                fields.put("target", target.toMap());
            }
            if (returnResponse) {
                fields.put("return_response", true);
            }
            return send("call_service", fields).thenApply(HomeAssistantApiService::serviceResult);
        }

        @Override
        public CompletableFuture<org.hassette.api.ha.ServiceResult> turnOn(String entityId, Map<String, ?> data) {
            return entityService(entityId, "turn_on", data);
        }

        @Override
        public CompletableFuture<org.hassette.api.ha.ServiceResult> turnOff(String entityId) {
            return entityService(entityId, "turn_off", Map.of());
        }

        @Override
        public CompletableFuture<org.hassette.api.ha.ServiceResult> toggle(String entityId) {
            return entityService(entityId, "toggle", Map.of());
        }

        private CompletableFuture<org.hassette.api.ha.ServiceResult> entityService(String entityId, String service,
                Map<String, ?> data) {
            int dot = entityId == null ? -1 : entityId.indexOf('.');
            if (dot <= 0) {
                return CompletableFuture.failedFuture(new IllegalArgumentException("not an entity id: '" + entityId + "'"));
            }
            return callService(entityId.substring(0, dot), service, org.hassette.api.ha.Target.entities(entityId), data, false);
        }

        @Override
        @SuppressWarnings("unchecked")
        public CompletableFuture<EntityState> setState(String entityId, String state, Map<String, ?> attributes) {
            if (entityId == null || !entityId.matches("[a-z0-9_]+\\.[a-z0-9_]+")) {
                return CompletableFuture.failedFuture(new IllegalArgumentException("not an entity id: '" + entityId + "'"));
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("state", state);
            if (attributes != null && !attributes.isEmpty()) {
                body.put("attributes", attributes);
            }
            return offConnectionThreads(rest("POST", "/api/states/" + entityId, body))
                    .thenApply(v -> EntityState.of((Map<String, ?>) v));
        }

        @Override
        @SuppressWarnings("unchecked")
        public CompletableFuture<Map<String, List<EntityState>>> history(java.util.Collection<String> entityIds,
                java.time.Instant start, java.time.Instant end) {
            if (entityIds == null || entityIds.isEmpty()) {
                return CompletableFuture.failedFuture(new IllegalArgumentException("history needs at least one entity id"));
            }
            if (start == null || (end != null && end.isBefore(start))) {
                return CompletableFuture.failedFuture(new IllegalArgumentException("history needs a start before its end: "
                        + start + " .. " + end));
            }
            StringBuilder path = new StringBuilder("/api/history/period/").append(encode(start.toString()))
                    .append("?filter_entity_id=").append(encode(String.join(",", entityIds)));
            if (end != null) {
                path.append("&end_time=").append(encode(end.toString()));
            }
            return offConnectionThreads(rest("GET", path.toString(), null)).thenApply(v -> {
                Map<String, List<EntityState>> out = new LinkedHashMap<>();
                if (v instanceof List) {
                    for (Object series : (List<Object>) v) {
                        if (series instanceof List && !((List<Object>) series).isEmpty()) {
                            List<EntityState> states = new ArrayList<>();
                            for (Object o : (List<Object>) series) {
                                if (o instanceof Map) {
                                    states.add(EntityState.of((Map<String, ?>) o));
                                }
                            }
                            if (!states.isEmpty()) {
                                out.put(states.get(0).entityId(), List.copyOf(states));
                            }
                        }
                    }
                }
                return out;
            });
        }

        /** A REST call whose HTTP errors carry HA-like codes ({@link #restError}). */
        private CompletableFuture<Object> rest(String method, String path, Object body) {
            CompletableFuture<Object> out = new CompletableFuture<>();
            connection.rest(method, path, body, timeout).whenComplete((v, e) -> {
                if (e != null) {
                    out.completeExceptionally(restError(e));
                } else {
                    out.complete(v);
                }
            });
            return out;
        }

        private static String encode(String s) {
            return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
        }

        @Override
        public CompletableFuture<String> fireEvent(String eventType, Map<String, ?> data) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("event_type", eventType);
            if (data != null && !data.isEmpty()) {
                fields.put("event_data", data);
            }
            return send("fire_event", fields).thenApply(v -> contextId(v));
        }

        @Override
        public CompletableFuture<Object> renderTemplate(String template, Map<String, ?> variables) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("template", template);
            if (variables != null && !variables.isEmpty()) {
                fields.put("variables", variables);
            }
            fields.put("report_errors", true);
            CompletableFuture<Object> result = new CompletableFuture<>();
            connection.subscribe("render_template", fields, event -> onTemplateEvent(template, event, result), timeout).whenComplete((sub, e) -> {
                if (e != null) {
                    result.completeExceptionally(e instanceof java.util.concurrent.CompletionException ? e.getCause() : e);
                } else {
                    result.whenComplete((v, x) -> sub.close());
                }
            });
            long ms = timeout.toMillis();
            CompletableFuture<Object> timer = CompletableFuture.supplyAsync(() -> null,
                    CompletableFuture.delayedExecutor(ms, TimeUnit.MILLISECONDS));
            timer.thenRun(() -> result.completeExceptionally(new org.hassette.api.ha.HomeAssistantException(
                    org.hassette.api.ha.HomeAssistantException.CLIENT_TIMEOUT, "no render_template result within " + ms + " ms")));
            return result.whenComplete((v, e) -> timer.cancel(false)).thenApplyAsync(v -> v, callbacks);
        }

        @Override
        @SuppressWarnings("unchecked")
        public CompletableFuture<Map<String, Object>> getConfig() {
            return send("get_config", Map.of()).thenApply(v -> v instanceof Map ? (Map<String, Object>) v : Map.of());
        }

        @Override
        @SuppressWarnings("unchecked")
        public CompletableFuture<Map<String, Object>> getServices() {
            return send("get_services", Map.of()).thenApply(v -> v instanceof Map ? (Map<String, Object>) v : Map.of());
        }

        @Override
        public String toString() {
            return "HomeAssistantApi[timeout " + timeout + "]";
        }
    }

    /**
     * One event of a {@code render_template} subscription made with {@code report_errors}: HA sends
     * {@code {"error":…, "level":"ERROR"}} for a failed render (no result follows) and
     * {@code {"error":…, "level":"WARNING"}} for a problem it only logs, such as an undefined variable,
     * followed by the result. A warning is logged, never a failure.
     */
    static void onTemplateEvent(String template, Map<String, Object> event, CompletableFuture<Object> result) {
        if (event.containsKey("error")) {
            Object level = event.get("level");
            if ("WARNING".equals(level)) {
                LOG.warn("Home Assistant warned while rendering template '{}': {}", clip(template), event.get("error"));
                return;
            }
            result.completeExceptionally(new org.hassette.api.ha.HomeAssistantException("template_error",
                    String.valueOf(event.get("error"))));
        } else if (event.containsKey("result")) {
            result.complete(event.get("result"));
        } else {
            LOG.debug("render_template event without result or error ignored: keys {}", event.keySet());
        }
    }

    private static String clip(String s) {
        return s == null || s.length() <= 200 ? s : s.substring(0, 200) + "…";
    }

    /**
     * The error of a REST call with an HA-like code, so callers key on the same codes as for WebSocket
     * commands: HTTP 400 → {@code invalid_format} (HA: "Invalid entity ID specified.", bad JSON),
     * 401 → {@code unauthorized}, 404 → {@code not_found}; other statuses keep {@code http_<status>}.
     * The message keeps the method, path and HTTP status. Client-side codes pass through.
     */
    static Throwable restError(Throwable e) {
        Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        if (!(cause instanceof org.hassette.api.ha.HomeAssistantException)) {
            return cause;
        }
        org.hassette.api.ha.HomeAssistantException he = (org.hassette.api.ha.HomeAssistantException) cause;
        String code = switch (he.code()) {
            case "http_400" -> "invalid_format";
            case "http_401" -> "unauthorized";
            case "http_404" -> "not_found";
            default -> null;
        };
        if (code == null) {
            return he;
        }
        String message = he.getMessage().startsWith(he.code() + ": ") ? he.getMessage().substring(he.code().length() + 2) : he.getMessage();
        return new org.hassette.api.ha.HomeAssistantException(code, message);
    }

    @SuppressWarnings("unchecked")
    static org.hassette.api.ha.ServiceResult serviceResult(Object v) {
        Map<String, Object> m = v instanceof Map ? (Map<String, Object>) v : Map.of();
        return new org.hassette.api.ha.ServiceResult(contextId(m), m.get("response"));
    }

    @SuppressWarnings("unchecked")
    static String contextId(Object v) {
        if (v instanceof Map) {
            Object ctx = ((Map<String, Object>) v).get("context");
            if (ctx instanceof Map) {
                Object id = ((Map<String, Object>) ctx).get("id");
                return id == null ? null : id.toString();
            }
        }
        return null;
    }
}
