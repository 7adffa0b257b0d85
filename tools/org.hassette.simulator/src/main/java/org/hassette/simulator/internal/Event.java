package org.hassette.simulator.internal;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A bus event. Its JSON and its per-subscriber message prefix are built once and shared by every
 * connection, like core's {@code cached_event_message}: a subscriber only appends {@code ,"id":N}}.
 */
public final class Event implements JsonOut.JsonValue {

    public static final String STATE_CHANGED = "state_changed";
    public static final String STATE_REPORTED = "state_reported";
    public static final String CALL_SERVICE = "call_service";
    public static final String HOMEASSISTANT_CLOSE = "homeassistant_close";

    private static final byte[] PARTIAL_PREFIX = "{\"type\":\"event\",\"event\":".getBytes(StandardCharsets.US_ASCII);

    private final String eventType;
    private final Map<String, Object> data;
    private final String origin;
    private final long timeFired;
    private final Context context;
    private final State oldState;
    private final State newState;

    private volatile byte[] json;
    private volatile byte[] partialMessage;
    private volatile byte[] partialDiffMessage;

    public Event(String eventType, Map<String, Object> data, String origin, long timeFired, Context context) {
        this(eventType, data, origin, timeFired, context, null, null);
    }

    private Event(String eventType, Map<String, Object> data, String origin, long timeFired, Context context,
            State oldState, State newState) {
        this.eventType = eventType;
        this.data = data;
        this.origin = origin;
        this.timeFired = timeFired;
        this.context = context;
        this.oldState = oldState;
        this.newState = newState;
    }

    public static Event stateChanged(String entityId, State oldState, State newState, long timeFired, Context context) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("entity_id", entityId);
        data.put("old_state", oldState);
        data.put("new_state", newState);
        return new Event(STATE_CHANGED, data, "LOCAL", timeFired, context, oldState, newState);
    }

    public static Event stateReported(State state, long oldLastReported, long timeFired, Context context) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("entity_id", state.entityId());
        data.put("old_last_reported", PyTime.iso(oldLastReported));
        data.put("new_state", state);
        return new Event(STATE_REPORTED, data, "LOCAL", timeFired, context, null, state);
    }

    public String eventType() {
        return eventType;
    }

    public Map<String, Object> data() {
        return data;
    }

    public String origin() {
        return origin;
    }

    public long timeFired() {
        return timeFired;
    }

    public Context context() {
        return context;
    }

    /** For state events: the entity. */
    public String entityId() {
        Object id = data.get("entity_id");
        return id == null ? null : id.toString();
    }

    public State oldState() {
        return oldState;
    }

    public State newState() {
        return newState;
    }

    public byte[] json() {
        byte[] j = json;
        if (j == null) {
            JsonOut out = new JsonOut(512);
            out.ch('{').key("event_type").str(eventType).ch(',').key("data").object(data)
                    .ch(',').key("origin").str(origin)
                    .ch(',').key("time_fired").str(PyTime.iso(timeFired))
                    .ch(',').key("context").value(context).ch('}');
            j = out.toBytes();
            json = j;
        }
        return j;
    }

    @Override
    public void writeJson(JsonOut out) {
        out.raw(json());
    }

    /** {@code {"type":"event","event":{...}} without the closing brace; the subscriber adds {@code ,"id":N}}. */
    public byte[] partialMessage() {
        byte[] p = partialMessage;
        if (p == null) {
            JsonOut out = new JsonOut(json().length + 32);
            out.raw(PARTIAL_PREFIX).raw(json());
            p = out.toBytes();
            partialMessage = p;
        }
        return p;
    }

    /** The {@code subscribe_entities} form of a state_changed event, again without closing brace and id. */
    public byte[] partialDiffMessage() {
        byte[] p = partialDiffMessage;
        if (p == null) {
            JsonOut out = new JsonOut(256);
            out.raw(PARTIAL_PREFIX);
            StateDiff.write(out, entityId(), oldState, newState);
            p = out.toBytes();
            partialDiffMessage = p;
        }
        return p;
    }
}
