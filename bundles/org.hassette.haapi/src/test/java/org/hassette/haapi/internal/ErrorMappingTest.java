package org.hassette.haapi.internal;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import org.hassette.api.ha.HaEventListener;
import org.hassette.api.ha.HomeAssistantConnection;
import org.hassette.api.ha.HomeAssistantException;
import org.hassette.api.ha.Subscription;
import org.hassette.api.ha.Target;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How the API turns HA's answers into results and typed errors (the connection is a stub here). */
class ErrorMappingTest {
    private final ExecutorService callbacks = Executors.newSingleThreadExecutor();
    private final StubConnection connection = new StubConnection();
    private final HomeAssistantApiService.Api api = new HomeAssistantApiService.Api(connection, callbacks, Duration.ofSeconds(5));

    @AfterEach
    void stop() {
        callbacks.shutdownNow();
    }

    private static String code(CompletableFuture<?> call) {
        CompletionException e = assertThrows(CompletionException.class, call::join);
        assertInstanceOf(HomeAssistantException.class, e.getCause(), String.valueOf(e.getCause()));
        return ((HomeAssistantException) e.getCause()).code();
    }

    @Test
    void restHttpErrorsCarryHaLikeCodes() {
        connection.restFailure = new HomeAssistantException("http_400", "POST /api/states/x.y: HTTP 400 {\"message\":\"Invalid entity ID specified.\"}");
        assertEquals("invalid_format", code(api.setState("x.y", "1", Map.of())));
        connection.restFailure = new HomeAssistantException("http_401", "POST /api/states/x.y: HTTP 401");
        assertEquals("unauthorized", code(api.setState("x.y", "1", Map.of())));
        connection.restFailure = new HomeAssistantException("http_404", "GET /api/history/period/…: HTTP 404");
        CompletableFuture<?> h = api.history(List.of("x.y"), java.time.Instant.EPOCH, null);
        assertEquals("not_found", code(h));
        connection.restFailure = new HomeAssistantException("http_500", "HTTP 500");
        assertEquals("http_500", code(api.setState("x.y", "1", Map.of())), "other statuses keep http_<status>");
        connection.restFailure = new HomeAssistantException(HomeAssistantException.BAD_RESPONSE, "not JSON");
        assertEquals(HomeAssistantException.BAD_RESPONSE, code(api.setState("x.y", "1", Map.of())));
        connection.restFailure = new HomeAssistantException(HomeAssistantException.CLIENT_TIMEOUT, "slow");
        assertEquals(HomeAssistantException.CLIENT_TIMEOUT, code(api.setState("x.y", "1", Map.of())));
    }

    @Test
    void restErrorKeepsTheMessageWithoutRepeatingTheOldCode() {
        Throwable t = HomeAssistantApiService.restError(new CompletionException(new HomeAssistantException("http_404", "GET /api/x: HTTP 404")));
        assertEquals("not_found: GET /api/x: HTTP 404", t.getMessage());
        IllegalStateException other = new IllegalStateException("boom");
        assertSame(other, HomeAssistantApiService.restError(other));
    }

    @Test
    void websocketErrorCodesPassThroughUnchanged() {
        for (String c : List.of("not_found", "home_assistant_error", "unauthorized", "timeout", "service_validation_error",
                "invalid_format", "unknown_error")) {
            connection.sendFailure = new HomeAssistantException(c, "from HA");
            assertEquals(c, code(api.callService("light", "turn_on", Target.entities("light.a"), Map.of(), false)));
        }
    }

    @Test
    void templateWarningIsLoggedAndTheResultFollowsWhileAnErrorFails() {
        connection.templateEvents = List.of(Map.of("error", "Template variable warning: 'x' is undefined when rendering '{{ x }}'",
                "level", "WARNING"), Map.of("result", "", "listeners", Map.of()));
        assertEquals("", api.renderTemplate("{{ x }}", Map.of()).join());
        assertEquals(Boolean.TRUE, connection.lastSubscribeFields.get("report_errors"));

        connection.templateEvents = List.of(Map.of("error", "ZeroDivisionError: division by zero", "level", "ERROR"));
        assertEquals("template_error", code(api.renderTemplate("{{ 1/0 }}", Map.of())));
    }

    /** Answers commands from fields set by the test. */
    static final class StubConnection implements HomeAssistantConnection {
        volatile HomeAssistantException restFailure;
        volatile HomeAssistantException sendFailure;
        volatile List<Map<String, Object>> templateEvents = List.of();
        volatile Map<String, ?> lastSubscribeFields;

        @Override
        public CompletableFuture<Object> send(String type, Map<String, ?> fields, Duration timeout) {
            return sendFailure != null ? CompletableFuture.failedFuture(sendFailure)
                    : CompletableFuture.completedFuture(Map.of("context", Map.of("id", "01ABC")));
        }

        @Override
        public CompletableFuture<Subscription> subscribe(String type, Map<String, ?> fields, Consumer<Map<String, Object>> onEvent,
                Duration timeout) {
            lastSubscribeFields = fields;
            List<Map<String, Object>> events = new ArrayList<>(templateEvents);
            CompletableFuture<Subscription> acked = CompletableFuture.completedFuture(() -> { });
            CompletableFuture.runAsync(() -> events.forEach(onEvent));
            return acked;
        }

        @Override
        public Subscription onEvent(String eventType, HaEventListener listener) {
            return () -> { };
        }

        @Override
        public CompletableFuture<Object> rest(String method, String path, Object body, Duration timeout) {
            return restFailure != null ? CompletableFuture.failedFuture(new CompletionException(restFailure))
                    : CompletableFuture.completedFuture(Map.of());
        }

        @Override
        public long generation() {
            return 1;
        }

        @Override
        public String haVersion() {
            return "2025.11.1";
        }

        @Override
        public long eventsReceived() {
            return 0;
        }

        @Override
        public long eventsDropped() {
            return 0;
        }
    }
}
