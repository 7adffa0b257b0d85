package org.hassette.states.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.hassette.api.ha.EntityState;
import org.hassette.api.ha.StateChangeListener;

/**
 * The states, indexed by entity id and by domain. Writers (one at a time, serialized by the caller)
 * update in O(1) per change; readers never lock. Sized for HA's 16,384 expected entities.
 */
final class EntityStore {
    static final int EXPECTED_ENTITIES = 16_384;

    private final ConcurrentHashMap<String, EntityState> states = new ConcurrentHashMap<>(EXPECTED_ENTITIES);
    private final ConcurrentHashMap<String, Set<String>> byDomain = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<StateChangeListener> listeners = new CopyOnWriteArrayList<>();
    private final java.util.function.Consumer<String> warn;

    EntityStore(java.util.function.Consumer<String> warn) {
        this.warn = warn;
    }

    /** Applies one change: {@code newState} null removes. */
    void apply(String entityId, EntityState newState) {
        EntityState old;
        if (newState == null) {
            old = states.remove(entityId);
            if (old != null) {
                Set<String> ids = byDomain.get(old.domain());
                if (ids != null) {
                    ids.remove(entityId);
                }
            }
        } else {
            old = states.put(entityId, newState);
            if (old == null) {
                byDomain.computeIfAbsent(newState.domain(), d -> ConcurrentHashMap.newKeySet()).add(entityId);
            }
        }
        if (old != null || newState != null) {
            notify(entityId, old, newState);
        }
    }

    /** Replaces everything with a full snapshot; listeners hear only the differences, removals included. */
    int replaceAll(Collection<EntityState> snapshot) {
        Map<String, EntityState> next = new HashMap<>(Math.max(16, snapshot.size() * 2));
        for (EntityState s : snapshot) {
            next.put(s.entityId(), s);
        }
        int changes = 0;
        for (String id : new ArrayList<>(states.keySet())) {
            if (!next.containsKey(id)) {
                apply(id, null);
                changes++;
            }
        }
        for (EntityState s : next.values()) {
            if (!s.equals(states.get(s.entityId()))) {
                apply(s.entityId(), s);
                changes++;
            }
        }
        return changes;
    }

    Optional<EntityState> get(String entityId) {
        return Optional.ofNullable(states.get(entityId));
    }

    List<EntityState> domain(String domain) {
        Set<String> ids = byDomain.get(domain);
        List<EntityState> out = new ArrayList<>();
        if (ids != null) {
            for (String id : ids) {
                EntityState s = states.get(id);
                if (s != null) {
                    out.add(s);
                }
            }
        }
        return out;
    }

    List<EntityState> matching(String glob) {
        Pattern p = org.hassette.api.bus.Conditions.globPattern(glob); // one glob syntax for cache and bus
        int dot = glob.indexOf('.');
        String domainPart = dot > 0 ? glob.substring(0, dot) : null;
        Collection<EntityState> candidates = domainPart != null && domainPart.indexOf('*') < 0 && domainPart.indexOf('?') < 0
                ? domain(domainPart) : states.values();
        List<EntityState> out = new ArrayList<>();
        for (EntityState s : candidates) {
            if (p.matcher(s.entityId()).matches()) {
                out.add(s);
            }
        }
        return out;
    }


    Collection<EntityState> all() {
        return List.copyOf(states.values());
    }

    int size() {
        return states.size();
    }

    Runnable addListener(StateChangeListener l) {
        listeners.add(l);
        return () -> listeners.remove(l);
    }

    private void notify(String id, EntityState old, EntityState now) {
        for (StateChangeListener l : listeners) {
            try {
                l.onChange(id, old, now);
            } catch (RuntimeException e) {
                warn.accept("State change listener " + l.getClass().getName() + " failed on " + id + ": " + e);
            }
        }
    }
}
