package org.hassette.simulator.internal;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The simulated Home Assistant core: state machine, event bus, services and config. Like HA's event
 * loop, everything that changes the home runs under one lock (this object's monitor), so events
 * reach every subscriber in one order and the snapshot-then-listen of {@code subscribe_entities}
 * cannot miss a change.
 */
public final class Home {

    private static final System.Logger LOG = System.getLogger(Home.class.getName());

    private final Clock clock;
    private final HomeConfig config;
    private final EventBus bus = new EventBus();
    private final StateMachine states = new StateMachine(bus);
    private final Services services = new Services();
    private final ScheduledExecutorService scheduler;
    private final String ownerUserId = Ulid.hexId();
    private final List<String> components = new ArrayList<>();
    private Sun sun;
    private ScheduledFuture<?> sunTask;
    private long lastNow;

    public Home(Clock clock, HomeConfig config, ScheduledExecutorService scheduler) {
        this.clock = clock;
        this.config = config;
        this.scheduler = scheduler;
        Services.registerBuiltins(services);
        components.addAll(List.of("api", "auth", "config", "default_config", "frontend", "history", "homeassistant",
                "http", "input_boolean", "input_number", "input_text", "light", "logbook", "person", "persistent_notification",
                "recorder", "sensor", "binary_sensor", "sun", "switch", "weather", "websocket_api", "zone"));
    }

    public EventBus bus() {
        return bus;
    }

    public StateMachine states() {
        return states;
    }

    public Services services() {
        return services;
    }

    public HomeConfig config() {
        return config;
    }

    public ScheduledExecutorService scheduler() {
        return scheduler;
    }

    /** The user every accepted token belongs to: the owner, an admin. */
    public String ownerUserId() {
        return ownerUserId;
    }

    /** Current time in epoch micros; strictly increasing so two writes never share a timestamp. */
    public synchronized long now() {
        long t = PyTime.nowMicros(clock);
        if (t <= lastNow) {
            t = lastNow + 1;
        }
        lastNow = t;
        return t;
    }

    public synchronized Context newContext(String userId) {
        return Context.at(now(), userId);
    }

    public synchronized Map<String, Object> configMap() {
        return config.asMap(new ArrayList<>(components));
    }

    /** Runs {@code action} atomically with respect to every other change of the home. */
    public synchronized <T> T locked(Supplier<T> action) {
        return action.get();
    }

    /**
     * {@code hass.states.async_set} with the validation core's REST and service layers apply.
     *
     * @throws HaError {@code invalid_format} for a bad entity id or a state over 255 characters
     */
    public synchronized Event setState(String entityId, String state, Map<String, Object> attributes, boolean force,
            Context context) {
        if (!Values.isValidEntityId(entityId)) {
            throw new HaError(HaError.INVALID_FORMAT, "Invalid entity ID: " + entityId);
        }
        if (state == null || state.length() > 255) {
            throw new HaError(HaError.INVALID_FORMAT, "Invalid state with length " + (state == null ? 0 : state.length())
                    + ". State max length is 255 characters.");
        }
        return setStateInternal(entityId, state, attributes, force, context);
    }

    synchronized Event setStateInternal(String entityId, String state, Map<String, Object> attributes, boolean force,
            Context context) {
        return states.set(entityId, state, attributes == null ? Map.of() : attributes, force, context, now());
    }

    public synchronized Event removeState(String entityId, Context context) {
        return states.remove(entityId, context, now());
    }

    public synchronized Event fireEvent(String eventType, Map<String, Object> data, String origin, Context context) {
        long now = now();
        Context ctx = context != null ? context : Context.at(now, null);
        Event e = new Event(eventType, data == null ? new LinkedHashMap<>() : data, origin, now, ctx);
        bus.fire(e);
        return e;
    }

    /** Result of a service call: the response (null unless requested) and the context used. */
    public static final class CallResult {
        public final Map<String, Object> response;
        public final Context context;

        CallResult(Map<String, Object> response, Context context) {
            this.response = response;
            this.context = context;
        }
    }

    /**
     * {@code ServiceRegistry.async_call} with {@code blocking=True}: checks the response flag, merges
     * the target into the data, fires {@code call_service}, then runs the handler. The state changes it
     * causes carry {@code context}.
     */
    public synchronized CallResult callService(String domain, String service, Map<String, Object> serviceData,
            Map<String, Object> target, Context context, boolean returnResponse) {
        Services.Service svc = services.get(domain, service);
        if (svc == null) {
            throw HaError.serviceNotFound(domain.toLowerCase(), service.toLowerCase());
        }
        if (returnResponse && svc.supportsResponse == Services.SupportsResponse.NONE) {
            throw HaError.validation("An action which does not return responses can't be called with return_response=True",
                    "service_does_not_support_response", Map.of("return_response", "return_response=True"));
        }
        if (!returnResponse && svc.supportsResponse == Services.SupportsResponse.ONLY) {
            throw HaError.validation("The action requires responses and must be called with return_response=True",
                    "service_lacks_response_request", Map.of("return_response", "return_response=True"));
        }
        Map<String, Object> data = new LinkedHashMap<>();
        if (serviceData != null) {
            data.putAll(serviceData);
        }
        if (target != null) {
            data.putAll(target);
        }
        Map<String, Object> eventData = new LinkedHashMap<>();
        eventData.put("domain", svc.domain);
        eventData.put("service", svc.service);
        eventData.put("service_data", Values.freeze(data));
        bus.fire(new Event(Event.CALL_SERVICE, eventData, "LOCAL", now(), context));
        Map<String, Object> response = svc.handler.handle(
                new Services.Call(this, svc.domain, svc.service, data, context, returnResponse));
        if (!returnResponse) {
            return new CallResult(null, context);
        }
        return new CallResult(response == null ? new LinkedHashMap<>() : response, context);
    }

    // ---- sun --------------------------------------------------------------------------------

    /** Creates {@code sun.sun} for the configured location and keeps it current. */
    public synchronized void startSun() {
        sun = new Sun(config.latitude, config.longitude);
        updateSun();
    }

    private synchronized void updateSun() {
        if (sun == null) {
            return;
        }
        long now = now();
        Sun.Snapshot snap = sun.at(now);
        try {
            setStateInternal(Sun.ENTITY_ID, snap.state, snap.attributes, false, null);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "Sun update failed", e);
        }
        long delay = Math.max(1_000_000L, snap.nextChange - now);
        if (!scheduler.isShutdown()) {
            sunTask = scheduler.schedule(this::updateSun, delay, TimeUnit.MICROSECONDS);
        }
    }

    public synchronized void stopSun() {
        if (sunTask != null) {
            sunTask.cancel(false);
        }
        sun = null;
    }

    /** A new HA start: fresh timestamps and contexts for every state, as after a restart with restore. */
    public synchronized void restamp() {
        states.restamp(now());
    }
}
