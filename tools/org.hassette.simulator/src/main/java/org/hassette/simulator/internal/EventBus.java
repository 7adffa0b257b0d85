package org.hassette.simulator.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * HA's event bus. Listeners run synchronously on the firing thread, which holds the home's lock, so
 * every subscriber sees events in one global order. Listeners must not block: WebSocket listeners
 * only enqueue bytes.
 */
public final class EventBus {

    public static final String MATCH_ALL = "*";

    /** Receives events. */
    public interface Listener {
        void onEvent(Event event);
    }

    private static final System.Logger LOG = System.getLogger(EventBus.class.getName());

    private final Map<String, CopyOnWriteArrayList<Listener>> byType = new ConcurrentHashMap<>();

    /** Registers a listener for one event type, or {@link #MATCH_ALL}; returns the unsubscribe action. */
    public Runnable listen(String eventType, Listener listener) {
        CopyOnWriteArrayList<Listener> list = byType.computeIfAbsent(eventType, k -> new CopyOnWriteArrayList<>());
        list.add(listener);
        return () -> list.remove(listener);
    }

    public void fire(Event event) {
        deliver(byType.get(event.eventType()), event);
        String type = event.eventType();
        // core: EVENTS_EXCLUDED_FROM_MATCH_ALL
        if (!Event.STATE_REPORTED.equals(type) && !Event.HOMEASSISTANT_CLOSE.equals(type)) {
            deliver(byType.get(MATCH_ALL), event);
        }
    }

    private static void deliver(List<Listener> listeners, Event event) {
        if (listeners == null) {
            return;
        }
        for (Listener l : listeners) {
            try {
                l.onEvent(event);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "Event listener failed on " + event.eventType(), e);
            }
        }
    }

    /** {@code GET /api/events}: listener count per event type. */
    public Map<String, Integer> listenerCounts() {
        Map<String, Integer> out = new LinkedHashMap<>();
        byType.forEach((k, v) -> {
            if (!v.isEmpty()) {
                out.put(k, v.size());
            }
        });
        return out;
    }
}
