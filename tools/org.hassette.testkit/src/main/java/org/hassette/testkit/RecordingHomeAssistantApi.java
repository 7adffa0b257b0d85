package org.hassette.testkit;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.hassette.api.ha.EntityState;
import org.hassette.api.ha.HomeAssistantApi;
import org.hassette.api.ha.ServiceResult;
import org.hassette.api.ha.Target;

/**
 * The {@link HomeAssistantApi} apps get in the kit: every write is recorded as a {@link ServiceCall}
 * and succeeds at once; reads are served from the kit's states. Nothing changes state unless asked:
 * {@code turn_on} of a light does not make it {@code on} (simulate that with
 * {@link AppTestKit#simulateStateChange}), except with {@link AppTestKit.Builder#haAppliesCalls()},
 * which applies {@code turn_on}/{@code turn_off}/{@code toggle}, {@code climate.set_temperature},
 * {@code input_number.set_value} and {@code setState} to the states
 * as Home Assistant would, so chains of automations can be tested. {@code fireEvent} is recorded and
 * delivered to the bus, as HA echoes events back.
 *
 * <p>Assertions fail with an {@link AssertionError} listing every recorded call.
 */
public final class RecordingHomeAssistantApi implements HomeAssistantApi {
    private final AppTestKit kit;
    private final List<ServiceCall> calls = new CopyOnWriteArrayList<>();

    RecordingHomeAssistantApi(AppTestKit kit) {
        this.kit = kit;
    }

    // ---- assertions ----

    /** Every recorded call, oldest first. */
    public List<ServiceCall> calls() {
        return List.copyOf(calls);
    }

    /** The recorded calls of {@code domain.service} ({@code null}: any). */
    public List<ServiceCall> calls(String domain, String service) {
        return calls.stream().filter(c -> c.is(domain, service, null)).toList();
    }

    /** Forgets the recorded calls. */
    public void clear() {
        calls.clear();
    }

    /** Asserts at least one call of {@code domain.service} on {@code entityId} ({@code null}: any); returns the last. */
    public ServiceCall assertCalled(String domain, String service, String entityId) {
        return assertCalled(domain, service, entityId, Map.of());
    }

    /** Asserts at least one call of {@code domain.service} on {@code entityId} whose data contains {@code data}; returns the last. */
    public ServiceCall assertCalled(String domain, String service, String entityId, Map<String, ?> data) {
        ServiceCall found = null;
        for (ServiceCall c : calls) {
            if (c.is(domain, service, entityId) && c.hasData(data)) {
                found = c;
            }
        }
        if (found == null) {
            throw new AssertionError("expected a call " + describe(domain, service, entityId)
                    + (data.isEmpty() ? "" : " with data " + data) + ", " + recorded());
        }
        return found;
    }

    /** Asserts no call of {@code domain.service} on {@code entityId} ({@code null}: any). */
    public void assertNotCalled(String domain, String service, String entityId) {
        List<ServiceCall> found = calls.stream().filter(c -> c.is(domain, service, entityId)).toList();
        if (!found.isEmpty()) {
            throw new AssertionError("expected no call " + describe(domain, service, entityId) + ", but got " + found);
        }
    }

    /** Asserts no call at all. */
    public void assertNoCalls() {
        if (!calls.isEmpty()) {
            throw new AssertionError("expected no calls to Home Assistant, " + recorded());
        }
    }

    /** Asserts exactly {@code count} calls of {@code domain.service} on {@code entityId} ({@code null}: any). */
    public void assertCallCount(String domain, String service, String entityId, int count) {
        long n = calls.stream().filter(c -> c.is(domain, service, entityId)).count();
        if (n != count) {
            throw new AssertionError("expected " + count + " call(s) " + describe(domain, service, entityId) + ", got " + n
                    + "; " + recorded());
        }
    }

    private static String describe(String domain, String service, String entityId) {
        return (domain == null ? "*" : domain) + "." + (service == null ? "*" : service) + (entityId == null ? "" : " on " + entityId);
    }

    private String recorded() {
        return calls.isEmpty() ? "but no call was recorded"
                : "recorded:" + calls.stream().map(c -> "\n  " + c).collect(Collectors.joining());
    }

    // ---- HomeAssistantApi ----

    @Override
    public HomeAssistantApi withTimeout(Duration timeout) {
        return this;
    }

    @Override
    public CompletableFuture<List<EntityState>> getStates() {
        return CompletableFuture.completedFuture(List.copyOf(kit.states().all()));
    }

    @Override
    public CompletableFuture<Optional<EntityState>> getState(String entityId) {
        return CompletableFuture.completedFuture(kit.states().get(entityId));
    }

    @Override
    public CompletableFuture<ServiceResult> callService(String domain, String service, Target target, Map<String, ?> data,
            boolean returnResponse) {
        Target t = target == null ? Target.NONE : target;
        Map<String, Object> d = data == null ? Map.of() : new LinkedHashMap<>(data);
        calls.add(new ServiceCall(domain, service, t.entityIds(), d, kit.clock().now()));
        if (kit.appliesCalls()) {
            for (String entityId : t.entityIds()) {
                kit.applyCall(entityId, service, d);
            }
        }
        return CompletableFuture.completedFuture(new ServiceResult("kit-" + calls.size(), null));
    }

    @Override
    public CompletableFuture<ServiceResult> turnOn(String entityId, Map<String, ?> data) {
        return callService(domainOf(entityId), "turn_on", Target.entities(entityId), data, false);
    }

    @Override
    public CompletableFuture<ServiceResult> turnOff(String entityId) {
        return callService(domainOf(entityId), "turn_off", Target.entities(entityId), Map.of(), false);
    }

    @Override
    public CompletableFuture<ServiceResult> toggle(String entityId) {
        return callService(domainOf(entityId), "toggle", Target.entities(entityId), Map.of(), false);
    }

    @Override
    public CompletableFuture<String> fireEvent(String eventType, Map<String, ?> data) {
        Map<String, Object> d = data == null ? Map.of() : new LinkedHashMap<>(data);
        calls.add(new ServiceCall("event", eventType, List.of(), d, kit.clock().now()));
        kit.publishEvent(eventType, d);
        return CompletableFuture.completedFuture("kit-" + calls.size());
    }

    @Override
    public CompletableFuture<Object> renderTemplate(String template, Map<String, ?> variables) {
        return unsupported("renderTemplate");
    }

    @Override
    public CompletableFuture<Map<String, Object>> getConfig() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("time_zone", kit.clock().zone().getId());
        kit.location().ifPresent(l -> {
            config.put("latitude", l.latitude());
            config.put("longitude", l.longitude());
            config.put("elevation", l.elevation());
        });
        return CompletableFuture.completedFuture(config);
    }

    @Override
    public CompletableFuture<Map<String, Object>> getServices() {
        return unsupported("getServices");
    }

    @Override
    public CompletableFuture<EntityState> setState(String entityId, String state, Map<String, ?> attributes) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("state", state);
        d.put("attributes", attributes == null ? Map.of() : attributes);
        calls.add(new ServiceCall("state", "set", List.of(entityId), d, kit.clock().now()));
        if (kit.appliesCalls()) {
            return CompletableFuture.completedFuture(kit.changeState(entityId, state, attributes));
        }
        Instant now = kit.clock().now();
        return CompletableFuture.completedFuture(new EntityState(entityId, state,
                attributes == null ? Map.of() : new LinkedHashMap<>(attributes), now, now, null));
    }

    @Override
    public CompletableFuture<Map<String, List<EntityState>>> history(Collection<String> entityIds, Instant start, Instant end) {
        return unsupported("history");
    }

    private static String domainOf(String entityId) {
        int dot = entityId.indexOf('.');
        if (dot <= 0) {
            throw new IllegalArgumentException("not an entity id (domain.object_id): '" + entityId + "'");
        }
        return entityId.substring(0, dot);
    }

    private static <T> CompletableFuture<T> unsupported(String what) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException(
                what + " is not simulated by the app test kit; wrap it in your app or test it against the simulator"));
    }

    @Override
    public String toString() {
        return "RecordingHomeAssistantApi" + new ArrayList<>(calls);
    }
}
