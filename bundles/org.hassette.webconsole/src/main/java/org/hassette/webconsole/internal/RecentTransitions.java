package org.hassette.webconsole.internal;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.hassette.api.lifecycle.ResourceProperties;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

/**
 * The last {@value #CAPACITY} status transitions of any resource (EventAdmin topics
 * {@code org/hassette/resource/*}), newest first: restarts show as {@code failed → starting → running}.
 * Only what happened since this bundle started.
 */
@Component(service = { RecentTransitions.class, EventHandler.class },
        property = EventConstants.EVENT_TOPIC + "=" + ResourceProperties.TOPIC_PREFIX + "*")
public class RecentTransitions implements EventHandler {
    static final int CAPACITY = 100;

    /** One transition. */
    public record Transition(Instant at, String resource, String role, String previous, String status, boolean ready, String reason) {
    }

    private final Deque<Transition> recent = new ArrayDeque<>();

    @Override
    public void handleEvent(Event event) {
        Object ts = event.getProperty("timestamp");
        Transition t = new Transition(ts instanceof Long l ? Instant.ofEpochMilli(l) : Instant.now(), text(event, "resource"),
                text(event, "role"), text(event, "previous"), text(event, "status"), Boolean.TRUE.equals(event.getProperty("ready")),
                text(event, "reason") + (event.getProperty("exception") == null ? "" : ": " + event.getProperty("exception")));
        synchronized (recent) {
            recent.addFirst(t);
            while (recent.size() > CAPACITY) {
                recent.removeLast();
            }
        }
    }

    /** Newest first, at most {@code limit}. */
    public List<Transition> latest(int limit) {
        synchronized (recent) {
            return new ArrayList<>(recent).subList(0, Math.min(limit, recent.size()));
        }
    }

    private static String text(Event e, String key) {
        Object v = e.getProperty(key);
        return v == null ? "" : v.toString();
    }
}
