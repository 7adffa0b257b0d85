package org.hassette.testkit.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.hassette.api.bus.Conditions;
import org.hassette.api.ha.EntityState;
import org.hassette.api.ha.StateCache;
import org.hassette.api.ha.StateChangeListener;
import org.hassette.api.ha.Subscription;

/**
 * The kit's state cache: a map of states the test writes, with change listeners as the platform's
 * cache has them (the bus and the scheduler listen, exactly as on the platform).
 */
public final class KitStateCache implements StateCache {
    private final Map<String, EntityState> states = new ConcurrentSkipListMap<>();
    private final List<StateChangeListener> listeners = new CopyOnWriteArrayList<>();

    /** Writes a state without telling anyone (seeding). */
    public void seed(EntityState state) {
        states.put(state.entityId(), state);
    }

    /** Writes (or with {@code state == null} removes) a state and tells the listeners, as a {@code state_changed} does. */
    public void change(String entityId, EntityState oldState, EntityState newState) {
        if (newState == null) {
            states.remove(entityId);
        } else {
            states.put(entityId, newState);
        }
        for (StateChangeListener l : listeners) {
            l.onChange(entityId, oldState, newState);
        }
    }

    @Override
    public Optional<EntityState> get(String entityId) {
        return Optional.ofNullable(states.get(entityId));
    }

    @Override
    public List<EntityState> domain(String domain) {
        String prefix = domain + ".";
        List<EntityState> out = new ArrayList<>();
        for (EntityState s : states.values()) {
            if (s.entityId().startsWith(prefix)) {
                out.add(s);
            }
        }
        return out;
    }

    @Override
    public List<EntityState> matching(String glob) {
        Pattern p = Conditions.globPattern(glob);
        List<EntityState> out = new ArrayList<>();
        for (EntityState s : states.values()) {
            if (p.matcher(s.entityId()).matches()) {
                out.add(s);
            }
        }
        return out;
    }

    @Override
    public Collection<EntityState> all() {
        return List.copyOf(states.values());
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
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }
}
