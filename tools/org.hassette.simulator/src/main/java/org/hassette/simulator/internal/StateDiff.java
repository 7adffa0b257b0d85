package org.hassette.simulator.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** core's {@code _state_diff_event}: the {@code a}/{@code c}/{@code r} messages of {@code subscribe_entities}. */
final class StateDiff {

    private StateDiff() {
    }

    static void write(JsonOut out, String entityId, State oldState, State newState) {
        if (newState == null) {
            out.ch('{').key("r").ch('[').str(entityId).ascii("]}");
            return;
        }
        if (oldState == null) {
            out.ch('{').key("a").ch('{').str(newState.entityId()).ch(':').raw(newState.compressedJson()).ascii("}}");
            return;
        }
        Map<String, Object> additions = new LinkedHashMap<>();
        if (!oldState.state().equals(newState.state())) {
            additions.put("s", newState.state());
        }
        if (oldState.lastChanged() != newState.lastChanged()) {
            additions.put("lc", PyTime.epochSeconds(newState.lastChanged()));
        } else if (oldState.lastUpdated() != newState.lastUpdated()) {
            additions.put("lu", PyTime.epochSeconds(newState.lastUpdated()));
        }
        Context oc = oldState.context();
        Context nc = newState.context();
        Map<String, Object> ctx = null;
        if (!Objects.equals(oc.parentId(), nc.parentId())) {
            ctx = new LinkedHashMap<>();
            ctx.put("parent_id", nc.parentId());
        }
        if (!Objects.equals(oc.userId(), nc.userId())) {
            if (ctx == null) {
                ctx = new LinkedHashMap<>();
            }
            ctx.put("user_id", nc.userId());
        }
        if (ctx != null) {
            additions.put("c", ctx);
        }
        if (!oc.id().equals(nc.id())) {
            if (ctx != null) {
                ctx.put("id", nc.id());
            } else {
                additions.put("c", nc.id());
            }
        }
        List<String> removed = new ArrayList<>();
        Map<String, Object> oldAttrs = oldState.attributes();
        Map<String, Object> newAttrs = newState.attributes();
        if (!Values.pyEquals(oldAttrs, newAttrs)) {
            Map<String, Object> added = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : newAttrs.entrySet()) {
                if (!oldAttrs.containsKey(e.getKey()) || !Values.pyEquals(oldAttrs.get(e.getKey()), e.getValue())) {
                    added.put(e.getKey(), e.getValue());
                }
            }
            if (!added.isEmpty()) {
                additions.put("a", added);
            }
            for (String k : oldAttrs.keySet()) {
                if (!newAttrs.containsKey(k)) {
                    removed.add(k);
                }
            }
        }
        out.ch('{').key("c").ch('{').str(newState.entityId()).ascii(":{").key("+").object(additions);
        if (!removed.isEmpty()) {
            out.ch(',').key("-").ch('{').key("a").array(removed).ch('}');
        }
        out.ascii("}}}");
    }
}
