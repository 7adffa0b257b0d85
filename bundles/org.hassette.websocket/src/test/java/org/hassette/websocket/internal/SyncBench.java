package org.hassette.websocket.internal;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.hassette.api.ha.EntityState;

/**
 * get_states benchmark against a simulator in another process (not a test):
 * {@code java -cp ... org.hassette.websocket.internal.SyncBench http://127.0.0.1:PORT TOKEN 5}.
 * Times request → parsed result → EntityStates in a map, as the state cache does.
 */
public final class SyncBench {
    @SuppressWarnings("unchecked")
    public static void main(String[] args) throws Exception {
        try (SessionHarness h = new SessionHarness(args[0], 65_536).open(args[1])) {
            for (int r = 1; r <= Integer.parseInt(args[2]); r++) {
                long t0 = System.nanoTime();
                List<Object> states = (List<Object>) h.session.send("get_states", Map.of(), Duration.ofSeconds(60)).get();
                long t1 = System.nanoTime();
                Map<String, EntityState> cache = new ConcurrentHashMap<>(16_384);
                for (Object o : states) {
                    EntityState s = EntityState.of((Map<String, ?>) o);
                    cache.put(s.entityId(), s);
                }
                long t2 = System.nanoTime();
                System.out.printf("round %d: %,d entities: get_states + parse %d ms, to EntityState map %d ms, total %d ms%n",
                        r, cache.size(), (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (t2 - t0) / 1_000_000);
            }
        }
    }
}
