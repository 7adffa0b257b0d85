package org.hassette.bus.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.hassette.api.bus.StateChange;
import org.hassette.api.ha.EntityState;
import org.hassette.api.ha.StateCache;
import org.slf4j.LoggerFactory;

/**
 * A bus built as {@code EventBusService} builds it (real clock, cached daemon handler pool, the
 * default capacities), without OSGi, EventAdmin or telemetry listeners.
 */
final class BusBench {
    static final int QUEUE_CAPACITY = 1000;
    static final int INGRESS_CAPACITY = 10_000;

    final SystemTimeSource time = new SystemTimeSource("bench-bus-timer");
    final ExecutorService handlers;
    final BusCore core;

    BusBench(StateCache cache) {
        AtomicInteger n = new AtomicInteger();
        handlers = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "bench-bus-handler-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        core = new BusCore(time, handlers, () -> cache, QUEUE_CAPACITY, INGRESS_CAPACITY, r -> { }, e -> { },
                LoggerFactory.getLogger(BusBench.class));
    }

    void close() {
        core.close();
        handlers.shutdownNow();
        time.close();
    }

    static EntityState state(String id, int value) {
        return new EntityState(id, Integer.toString(value), Map.of("unit_of_measurement", "W"), null, null, null);
    }

    /** {@code n} state changes of one entity, each to a new value. */
    static StateChange[] changes(String id, int n) {
        StateChange[] out = new StateChange[n];
        for (int i = 0; i < n; i++) {
            out[i] = new StateChange(id, state(id, i), state(id, i + 1));
        }
        return out;
    }

    /** The {@code new_state} maps of HA {@code state_changed} events, as the websocket delivers them. */
    static Map<String, Object>[] newStateJson(String id, int n) {
        @SuppressWarnings("unchecked")
        Map<String, Object>[] out = new Map[n];
        for (int i = 0; i < n; i++) {
            Map<String, Object> m = new HashMap<>();
            m.put("entity_id", id);
            m.put("state", Integer.toString(i));
            m.put("attributes", Map.of("unit_of_measurement", "W"));
            m.put("last_changed", "2026-01-01T00:00:00.000000+00:00");
            m.put("last_updated", "2026-01-01T00:00:00.000000+00:00");
            m.put("context", Map.of("id", "01HBENCH" + i));
            out[i] = m;
        }
        return out;
    }
}
