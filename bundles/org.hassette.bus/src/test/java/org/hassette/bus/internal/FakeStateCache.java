package org.hassette.bus.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.hassette.api.bus.Conditions;
import org.hassette.api.ha.EntityState;
import org.hassette.api.ha.StateCache;
import org.hassette.api.ha.StateChangeListener;
import org.hassette.api.ha.Subscription;

/** A map of states for immediate and hold re-checks. */
final class FakeStateCache implements StateCache {
    final Map<String, EntityState> states = new ConcurrentHashMap<>();

    void put(EntityState s) {
        states.put(s.entityId(), s);
    }

    @Override
    public Optional<EntityState> get(String entityId) {
        return Optional.ofNullable(states.get(entityId));
    }

    @Override
    public List<EntityState> domain(String domain) {
        return states.values().stream().filter(s -> s.domain().equals(domain)).toList();
    }

    @Override
    public List<EntityState> matching(String glob) {
        var p = Conditions.globPattern(glob);
        return states.values().stream().filter(s -> p.matcher(s.entityId()).matches()).toList();
    }

    @Override
    public Collection<EntityState> all() {
        return new ArrayList<>(states.values());
    }

    @Override
    public int size() {
        return states.size();
    }

    @Override
    public long generation() {
        return 1;
    }

    @Override
    public Subscription addListener(StateChangeListener listener) {
        return () -> { };
    }
}
