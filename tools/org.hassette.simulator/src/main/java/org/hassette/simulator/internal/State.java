package org.hassette.simulator.internal;

import java.util.Map;

/**
 * One entity state, immutable except for {@code last_reported} (HA moves it in place when a write
 * changes nothing). JSON forms are built once and cached, as core does.
 */
public final class State implements JsonOut.JsonValue {

    private final String entityId;
    private final String state;
    private final Map<String, Object> attributes;
    private final long lastChanged;
    private final long lastUpdated;
    private volatile long lastReported;
    private final Context context;

    private volatile byte[] json;
    private volatile long jsonLastReported = Long.MIN_VALUE;
    private volatile byte[] compressed;

    public State(String entityId, String state, Map<String, Object> attributes, long lastChanged, long lastUpdated,
            long lastReported, Context context) {
        this.entityId = entityId;
        this.state = state;
        this.attributes = attributes;
        this.lastChanged = lastChanged;
        this.lastUpdated = lastUpdated;
        this.lastReported = lastReported;
        this.context = context;
    }

    public String entityId() {
        return entityId;
    }

    public String domain() {
        return entityId.substring(0, entityId.indexOf('.'));
    }

    public String objectId() {
        return entityId.substring(entityId.indexOf('.') + 1);
    }

    public String state() {
        return state;
    }

    public Map<String, Object> attributes() {
        return attributes;
    }

    public long lastChanged() {
        return lastChanged;
    }

    public long lastUpdated() {
        return lastUpdated;
    }

    public long lastReported() {
        return lastReported;
    }

    void setLastReported(long micros) {
        lastReported = micros;
    }

    public Context context() {
        return context;
    }

    /** {@code State.as_dict_json}. */
    public byte[] json() {
        long lr = lastReported;
        byte[] j = json;
        if (j == null || jsonLastReported != lr) {
            JsonOut out = new JsonOut(256);
            writeDict(out, lr, true);
            j = out.toBytes();
            json = j;
            jsonLastReported = lr;
        }
        return j;
    }

    @Override
    public void writeJson(JsonOut out) {
        out.raw(json());
    }

    /** Writes the dict with optional attributes ({@code no_attributes} in history). */
    public void writeDict(JsonOut out, long lr, boolean withAttributes) {
        out.ch('{').key("entity_id").str(entityId).ch(',').key("state").str(state).ch(',').key("attributes");
        if (withAttributes) {
            out.object(attributes);
        } else {
            out.ascii("{}");
        }
        out.ch(',').key("last_changed").str(PyTime.iso(lastChanged))
                .ch(',').key("last_reported").str(PyTime.iso(lr))
                .ch(',').key("last_updated").str(PyTime.iso(lastUpdated))
                .ch(',').key("context").value(context).ch('}');
    }

    /** {@code State.as_compressed_state_json}: {@code s, a, c, lc[, lu]}. */
    public byte[] compressedJson() {
        byte[] c = compressed;
        if (c == null) {
            JsonOut out = new JsonOut(192);
            out.ch('{').key("s").str(state).ch(',').key("a").object(attributes).ch(',').key("c");
            writeCompressedContext(out, context);
            out.ch(',').key("lc").num(PyTime.epochSeconds(lastChanged));
            if (lastChanged != lastUpdated) {
                out.ch(',').key("lu").num(PyTime.epochSeconds(lastUpdated));
            }
            out.ch('}');
            c = out.toBytes();
            compressed = c;
        }
        return c;
    }

    static void writeCompressedContext(JsonOut out, Context ctx) {
        if (ctx.parentId() == null && ctx.userId() == null) {
            out.str(ctx.id());
        } else {
            out.value(ctx);
        }
    }
}
