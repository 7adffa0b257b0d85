package org.hassette.api.ha;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Typed calls to Home Assistant. Registered while a {@link HomeAssistantConnection} is.
 *
 * <p>Every method may be called from any thread and returns at once. Futures complete on the API's
 * own threads (never on the connection's reader or dispatcher), so blocking in a callback only
 * delays other API callbacks. Failures are {@link HomeAssistantException}s keyed on HA's error
 * {@code code}. Each call uses the default timeout unless made through {@link #withTimeout}.
 */
@ProviderType
public interface HomeAssistantApi {

    /** A view of this API whose calls wait at most {@code timeout} for their result. */
    HomeAssistantApi withTimeout(Duration timeout);

    /** Every entity's state ({@code get_states}). */
    CompletableFuture<List<EntityState>> getStates();

    /** One entity's state, empty if HA has no such entity. */
    CompletableFuture<Optional<EntityState>> getState(String entityId);

    /**
     * Calls a service ({@code call_service}); the future completes when HA finished the call.
     *
     * @param returnResponse ask for the service's response ({@code return_response}); HA refuses it
     *                       with {@code service_validation_error} for services without responses
     */
    CompletableFuture<ServiceResult> callService(String domain, String service, Target target, Map<String, ?> data,
            boolean returnResponse);

    /** {@code <domain>.turn_on} for one entity, with optional service data (e.g. {@code brightness}). */
    CompletableFuture<ServiceResult> turnOn(String entityId, Map<String, ?> data);

    /** {@code <domain>.turn_on} for one entity. */
    default CompletableFuture<ServiceResult> turnOn(String entityId) {
        return turnOn(entityId, Map.of());
    }

    /** {@code <domain>.turn_off} for one entity. */
    CompletableFuture<ServiceResult> turnOff(String entityId);

    /** {@code <domain>.toggle} for one entity. */
    CompletableFuture<ServiceResult> toggle(String entityId);

    /** Fires an event on HA's bus ({@code fire_event}); returns the event's context id. */
    CompletableFuture<String> fireEvent(String eventType, Map<String, ?> data);

    /** Renders a template once ({@code render_template}) and returns its value as HA parsed it. */
    CompletableFuture<Object> renderTemplate(String template, Map<String, ?> variables);

    /** HA's configuration ({@code get_config}): location, units, time zone, version, components. */
    CompletableFuture<Map<String, Object>> getConfig();

    /** Services by domain and name ({@code get_services}). */
    CompletableFuture<Map<String, Object>> getServices();

    /**
     * Sets an entity's state in HA's state machine (REST {@code POST /api/states/<entity_id>}), as
     * HA's own {@code set_state} does: no device is touched, the new state is returned.
     */
    CompletableFuture<EntityState> setState(String entityId, String state, Map<String, ?> attributes);

    /**
     * The recorded states of entities between two instants (REST {@code /api/history/period}), oldest
     * first, by entity id; an entity without history is absent.
     */
    CompletableFuture<Map<String, List<EntityState>>> history(java.util.Collection<String> entityIds, java.time.Instant start,
            java.time.Instant end);
}
