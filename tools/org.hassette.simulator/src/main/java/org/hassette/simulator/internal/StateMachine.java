package org.hassette.simulator.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * core's {@code StateMachine.async_set_internal} rules, and a small recorder for the history API.
 * Not thread-safe: the {@link Home} calls it under its lock.
 */
public final class StateMachine {

    /** States kept per entity for {@code /api/history}; older ones are dropped. */
    static final int HISTORY_PER_ENTITY = 2_000;

    private final EventBus bus;
    private final Map<String, State> states = new LinkedHashMap<>();
    private final Map<String, Deque<State>> history = new HashMap<>();

    StateMachine(EventBus bus) {
        this.bus = bus;
    }

    public State get(String entityId) {
        return states.get(entityId);
    }

    public List<State> all() {
        return new ArrayList<>(states.values());
    }

    public int size() {
        return states.size();
    }

    /**
     * Writes a state. Same state and same attributes (without force_update) only move
     * {@code last_reported} and fire {@code state_reported}; same state with other attributes keeps
     * {@code last_changed}; anything else moves all three timestamps.
     *
     * @return the event fired
     */
    Event set(String entityId, String newState, Map<String, Object> attributes, boolean forceUpdate, Context context,
            long now) {
        State old = states.get(entityId);
        boolean sameState = old != null && old.state().equals(newState) && !forceUpdate;
        boolean sameAttr = old != null && Values.pyEquals(old.attributes(), attributes);
        Long lastChanged = sameState ? old.lastChanged() : null;
        Context ctx = context != null ? context : new Context(Ulid.atMicros(now), null, null);
        if (sameState && sameAttr) {
            long oldReported = old.lastReported();
            old.setLastReported(now);
            Event e = Event.stateReported(old, oldReported, now, ctx);
            bus.fire(e);
            return e;
        }
        Map<String, Object> attrs = sameAttr ? old.attributes() : Values.freezeMap(attributes);
        State state = new State(entityId, newState, attrs, lastChanged != null ? lastChanged : now, now, now, ctx);
        states.put(entityId, state);
        record(state);
        Event e = Event.stateChanged(entityId, old, state, now, ctx);
        bus.fire(e);
        return e;
    }

    Event remove(String entityId, Context context, long now) {
        State old = states.remove(entityId);
        if (old == null) {
            return null;
        }
        Context ctx = context != null ? context : new Context(Ulid.atMicros(now), null, null);
        Event e = Event.stateChanged(entityId, old, null, now, ctx);
        bus.fire(e);
        return e;
    }

    /** Re-stamps every state as a fresh HA start would, without firing events (nobody is connected). */
    void restamp(long now) {
        for (Map.Entry<String, State> e : states.entrySet()) {
            State s = e.getValue();
            State fresh = new State(s.entityId(), s.state(), s.attributes(), now, now, now,
                    new Context(Ulid.atMicros(now), null, null));
            e.setValue(fresh);
            record(fresh);
        }
    }

    private void record(State s) {
        Deque<State> h = history.computeIfAbsent(s.entityId(), k -> new ArrayDeque<>());
        h.addLast(s);
        while (h.size() > HISTORY_PER_ENTITY) {
            h.removeFirst();
        }
    }

    /** Recorded states of one entity, oldest first. */
    List<State> history(String entityId) {
        Deque<State> h = history.get(entityId);
        return h == null ? Collections.emptyList() : new ArrayList<>(h);
    }
}
