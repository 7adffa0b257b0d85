package org.hassette.websocket.internal;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.hassette.api.ha.HaEvent;
import org.hassette.api.ha.HaEventListener;
import org.hassette.api.ha.Subscription;

/** Local event listeners by event type; survive reconnects. Dispatch runs on the dispatcher thread. */
final class EventListeners {
    private static final String ALL = "*";
    private final Map<String, CopyOnWriteArrayList<HaEventListener>> byType = new ConcurrentHashMap<>();
    private final ClientLog log;

    EventListeners(ClientLog log) {
        this.log = log;
    }

    Subscription add(String eventType, HaEventListener listener) {
        String key = eventType == null ? ALL : eventType;
        CopyOnWriteArrayList<HaEventListener> list = byType.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>());
        list.add(listener);
        return () -> list.remove(listener);
    }

    void dispatch(List<HaEvent> batch) {
        CopyOnWriteArrayList<HaEventListener> all = byType.get(ALL);
        for (HaEvent e : batch) {
            CopyOnWriteArrayList<HaEventListener> typed = byType.get(e.eventType());
            if (typed != null) {
                call(typed, e);
            }
            if (all != null) {
                call(all, e);
            }
        }
    }

    private void call(List<HaEventListener> listeners, HaEvent e) {
        for (HaEventListener l : listeners) {
            try {
                l.onEvent(e);
            } catch (RuntimeException ex) {
                log.warn("Event listener " + l.getClass().getName() + " failed on " + e.eventType() + ": " + ex);
            }
        }
    }
}
