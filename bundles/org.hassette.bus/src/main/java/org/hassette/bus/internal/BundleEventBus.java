package org.hassette.bus.internal;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.hassette.api.bus.EventBus;
import org.hassette.api.bus.HaEventBuilder;
import org.hassette.api.bus.StateChangeBuilder;
import org.hassette.api.bus.Subscription;
import org.hassette.api.bus.TopicBuilder;

/**
 * The bus as one bundle sees it: the same listeners and names, but every listener the bundle
 * registers is cancelled when the bundle releases the service (it stops, or is updated), so an app
 * that forgets to cancel leaves nothing behind.
 */
final class BundleEventBus implements EventBus, AutoCloseable {
    private final BusCore core;
    private final Set<Subscription> owned = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    BundleEventBus(BusCore core) {
        this.core = core;
    }

    private void own(Subscription s) {
        owned.removeIf(Subscription::isCancelled);
        owned.add(s);
        if (closed) {
            s.cancel();
        }
    }

    /** Listeners registered through this view and not cancelled. */
    int active() {
        owned.removeIf(Subscription::isCancelled);
        return owned.size();
    }

    @Override
    public void close() {
        closed = true;
        for (Subscription s : owned) {
            s.cancel();
        }
        owned.clear();
    }

    @Override
    public StateChangeBuilder onStateChange(String entityIdGlobOrDomain) {
        return BusCore.ownedBy(core.onStateChange(entityIdGlobOrDomain), this::own);
    }

    @Override
    public StateChangeBuilder onStateChange(List<String> targets) {
        return BusCore.ownedBy(core.onStateChange(targets), this::own);
    }

    @Override
    public StateChangeBuilder onAttributeChange(String entityIdOrGlob, String attribute) {
        return BusCore.ownedBy(core.onAttributeChange(entityIdOrGlob, attribute), this::own);
    }

    @Override
    public HaEventBuilder onEvent(String eventType) {
        return BusCore.ownedBy(core.onEvent(eventType), this::own);
    }

    @Override
    public HaEventBuilder onServiceCall(String domain, String service) {
        return BusCore.ownedBy(core.onServiceCall(domain, service), this::own);
    }

    @Override
    public TopicBuilder onTopic(String topic) {
        return BusCore.ownedBy(core.onTopic(topic), this::own);
    }

    @Override
    public void emit(String topic, Object payload) {
        core.emit(topic, payload);
    }

    @Override
    public List<Subscription> listeners() {
        return core.listeners();
    }
}
