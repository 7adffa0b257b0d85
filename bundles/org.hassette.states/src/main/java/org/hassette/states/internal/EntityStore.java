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
        return replaceAll(snapshot, Map.of());
    }

    /**
     * Replaces everything with a full snapshot, except what events told since the snapshot was asked
     * for ({@code sinceRequest}; an empty value: removed) when the snapshot is not newer for that entity.
     * The answer and an event can cross: HA (or a stand-in) may take the snapshot just before a change
     * whose event is applied here first, and the older snapshot must not undo it.
     */
    int replaceAll(Collection<EntityState> snapshot, Map<String, Optional<EntityState>> sinceRequest) {
        Map<String, EntityState> next = new HashMap<>(Math.max(16, snapshot.size() * 2));
        for (EntityState s : snapshot) {
            next.put(s.entityId(), s);
        }
        for (Map.Entry<String, Optional<EntityState>> e : sinceRequest.entrySet()) {
            EntityState told = e.getValue().orElse(null);
            EntityState snap = next.get(e.getKey());
            if (told == null) {
                next.remove(e.getKey()); // removed after the request: the snapshot may still have it
            } else if (snap == null || !newer(snap, told)) {
                next.put(e.getKey(), told);
            }
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

    /** True when {@code a} was updated after {@code b} (unknown times: not newer). */
    private static boolean newer(EntityState a, EntityState b) {
        return a.lastUpdated() != null && b.lastUpdated() != null && a.lastUpdated().isAfter(b.lastUpdated());
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
