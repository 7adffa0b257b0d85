package org.hassette.states.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.hassette.api.ha.EntityState;
import org.hassette.api.ha.HaEvent;
import org.hassette.api.ha.HomeAssistantConnection;
import org.hassette.api.ha.StateCache;
import org.hassette.api.ha.StateChangeListener;
import org.hassette.api.ha.Subscription;
import org.hassette.api.lifecycle.HassetteResource;
import org.hassette.api.lifecycle.ResourceLifecycle;
import org.hassette.api.lifecycle.ResourceRole;
import org.hassette.api.lifecycle.RestartPolicy;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mirrors every entity's state. Activated with each connection generation (static mandatory
 * reference); listens to {@code state_changed} first, then asks for {@code get_states}, and
 * registers {@link StateCache} once that full snapshot is applied.
 *
 * <p>Ordering: the connection completes results and delivers events on one thread in wire order.
 * The request is sent and its callback attached while holding {@link #lock}, which every writer
 * takes, so events that precede the snapshot on the wire are applied before it (and overwritten
 * by it) and events after it are applied after it, whichever thread runs the callback.
 */
@Component(name = "org.hassette.states", immediate = true, service = {})
@HassetteResource(resource = "states", provides = StateCache.class)
@RestartPolicy(type = "transient")
public class StateCacheService implements StateCache {
    private static final Logger LOG = LoggerFactory.getLogger(StateCacheService.class);
    static final Duration SYNC_TIMEOUT = Duration.ofSeconds(60);
    static final long RETRY_SECONDS = 5;

    private final HomeAssistantConnection connection;
    private final ResourceLifecycle lifecycle;
    private final EntityStore store = new EntityStore(LOG::warn);
    private final Object lock = new Object();
    private final Subscription events;
    private final Subscription drops;
    private volatile long generation;
    private volatile boolean active = true;
    private boolean resyncing; // guarded by lock
    private long droppedAtRequest; // guarded by lock
    /**
     * What state_changed events said about an entity since the current get_states was sent (null value:
     * removed), so a snapshot that is older for that entity does not overwrite it. Guarded by lock.
     */
    private final Map<String, Optional<EntityState>> sinceRequest = new java.util.HashMap<>();

    @Activate
    public StateCacheService(BundleContext context, @Reference HomeAssistantConnection connection) {
        this.connection = connection;
        this.lifecycle = ResourceLifecycle.open(context, "states", ResourceRole.CORE, StateCache.class);
        lifecycle.running("syncing states (get_states) for generation " + connection.generation());
        events = connection.onEvent("state_changed", this::onStateChanged);
        drops = connection.onEventsDropped(this::onEventsDropped);
        resync();
    }

    @Deactivate
    void deactivate() {
        synchronized (lock) { // a snapshot being applied either finishes (and registers) first, or sees inactive
            active = false;
        }
        events.close();
        drops.close();
        lifecycle.close();
    }

    private void resync() {
        long started = System.nanoTime();
        long gen = connection.generation();
        synchronized (lock) {
            resyncing = true;
            sinceRequest.clear();
            droppedAtRequest = connection.eventsDropped();
            connection.send("get_states", Map.of(), SYNC_TIMEOUT).whenComplete((v, e) -> onSnapshot(gen, started, v, e));
        }
    }

    /**
     * The connection dropped events (its listeners fell behind): some state_changed may be lost, so
     * the cache asks for every state again at once, not only when the next state_changed arrives
     * (there may be none for a long time). A drop while a resync is under way is seen when it ends,
     * by the drop counter (the connection counts a drop before it tells its listeners).
     */
    private void onEventsDropped() {
        synchronized (lock) {
            if (!active) {
                return;
            }
            if (resyncing) {
                return;
            }
        }
        LOG.warn("Events were dropped by the connection ({} so far); resyncing all states", connection.eventsDropped());
        resync();
    }

    @SuppressWarnings("unchecked")
    private void onSnapshot(long gen, long started, Object value, Throwable error) {
        if (!active) {
            return;
        }
        if (error != null || !(value instanceof List)) {
            String why = error != null ? String.valueOf(error.getMessage()) : "get_states returned no list";
            LOG.warn("State sync failed: {}; retrying in {} s", why, RETRY_SECONDS);
            lifecycle.notReady("get_states failed: " + why + " (next in " + RETRY_SECONDS + " s)");
            CompletableFuture.runAsync(() -> {
                if (active) {
                    resync();
                }
            }, CompletableFuture.delayedExecutor(RETRY_SECONDS, TimeUnit.SECONDS));
            return;
        }
        int count;
        int changes;
        boolean again;
        synchronized (lock) {
            List<EntityState> snapshot = new ArrayList<>(((List<Object>) value).size());
            for (Object o : (List<Object>) value) {
                if (o instanceof Map) {
                    try {
                        EntityState st = EntityState.of((Map<String, ?>) o);
                        if (validEntityId(st.entityId())) {
                            snapshot.add(st);
                        } else {
                            LOG.warn("Ignored a state with an invalid entity id '{}' in get_states (expected domain.object_id of a-z, 0-9 and _)",
                                    clip(st.entityId()));
                        }
                    } catch (IllegalArgumentException bad) {
                        LOG.warn("Ignored a malformed state in get_states: {}", bad.getMessage());
                    }
                }
            }
            changes = store.replaceAll(snapshot, sinceRequest);
            sinceRequest.clear();
            count = store.size();
            generation = gen;
            resyncing = false;
            // drops after the request may be of events after the snapshot: resync once more
            again = connection.eventsDropped() != droppedAtRequest;
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            LOG.info("State cache synced: {} entities for generation {} in {} ms ({} changes)", count, gen, ms, changes);
            // under the lock: never register after deactivate closed the lifecycle
            if (active) {
                lifecycle.ready(StateCache.class, this, Map.of("hassette.ha.generation", gen),
                        "synced " + count + " entities for generation " + gen + " in " + ms + " ms");
            }
        }
        if (again && active) {
            LOG.warn("Events were dropped during the sync; resyncing all states again");
            resync();
        }
    }

    /** HA's entity id rule as the API checks it ({@code setState}): {@code domain.object_id}, lower case. */
    static boolean validEntityId(String id) {
        return ENTITY_ID.matcher(id).matches();
    }

    private static final java.util.regex.Pattern ENTITY_ID = java.util.regex.Pattern.compile("[a-z0-9_]+\\.[a-z0-9_]+");

    private static String clip(String s) {
        return s.length() <= 120 ? s : s.substring(0, 120) + "…";
    }

    @SuppressWarnings("unchecked")
    private void onStateChanged(HaEvent event) {
        Object id = event.data().get("entity_id");
        if (!(id instanceof String)) {
            LOG.warn("Ignored a state_changed without an entity_id (data keys {})", event.data().keySet());
            return;
        }
        if (!validEntityId((String) id)) {
            LOG.warn("Ignored a state_changed with an invalid entity id '{}' (expected domain.object_id of a-z, 0-9 and _)", clip((String) id));
            return;
        }
        Object ns = event.data().get("new_state");
        EntityState next = null;
        if (ns instanceof Map) {
            try {
                next = EntityState.of((Map<String, ?>) ns);
            } catch (IllegalArgumentException bad) {
                LOG.warn("Ignored a malformed state_changed for {}: {}", id, bad.getMessage());
                return;
            }
            if (!id.equals(next.entityId())) {
                LOG.warn("Ignored a state_changed for {} whose new_state is for '{}'", id, clip(next.entityId()));
                return;
            }
        }
        synchronized (lock) {
            store.apply((String) id, next);
            if (resyncing) {
                sinceRequest.put((String) id, Optional.ofNullable(next));
            }
        }
    }

    @Override
    public Optional<EntityState> get(String entityId) {
        return store.get(entityId);
    }

    @Override
    public List<EntityState> domain(String domain) {
        return store.domain(domain);
    }

    @Override
    public List<EntityState> matching(String glob) {
        return store.matching(glob);
    }

    @Override
    public Collection<EntityState> all() {
        return store.all();
    }

    @Override
    public int size() {
        return store.size();
    }

    @Override
    public long generation() {
        return generation;
    }

    @Override
    public Subscription addListener(StateChangeListener listener) {
        Runnable remove = store.addListener(listener);
        return remove::run;
    }
}
