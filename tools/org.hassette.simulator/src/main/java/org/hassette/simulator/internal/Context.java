package org.hassette.simulator.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** HA's {@code Context}: a ULID id plus optional parent and user ids. */
public final class Context implements JsonOut.JsonValue {

    private final String id;
    private final String parentId;
    private final String userId;

    public Context(String id, String parentId, String userId) {
        this.id = Objects.requireNonNull(id);
        this.parentId = parentId;
        this.userId = userId;
    }

    public static Context at(long micros, String userId) {
        return new Context(Ulid.atMicros(micros), null, userId);
    }

    public String id() {
        return id;
    }

    public String parentId() {
        return parentId;
    }

    public String userId() {
        return userId;
    }

    @Override
    public void writeJson(JsonOut out) {
        out.ch('{').key("id").str(id).ch(',').key("parent_id").str(parentId).ch(',').key("user_id").str(userId).ch('}');
    }

    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("parent_id", parentId);
        m.put("user_id", userId);
        return m;
    }
}
