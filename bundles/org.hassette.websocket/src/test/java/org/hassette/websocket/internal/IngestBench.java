package org.hassette.websocket.internal;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Ingest benchmark against a simulator in another process (not a test):
 * {@code java -cp ... org.hassette.websocket.internal.IngestBench http://127.0.0.1:PORT TOKEN 200000 3}.
 * Streams {@code events} state_changed through the simulator's bench hook per round and prints
 * events/s and this process's CPU per event (reader, parse, dispatch to a no-op listener).
 */
public final class IngestBench {
    public static void main(String[] args) throws Exception {
        String url = args[0];
        String token = args[1];
        long events = Long.parseLong(args[2]);
        int rounds = Integer.parseInt(args[3]);
        HttpClient http = HttpClient.newHttpClient();
        try (SessionHarness h = new SessionHarness(url, 65_536).open(token)) {
            AtomicLong seen = new AtomicLong();
            h.on("state_changed", e -> seen.incrementAndGet());
            for (int r = 1; r <= rounds; r++) {
                long base = h.received.get();
                long cpu0 = cpu();
                long t0 = System.nanoTime();
                http.send(HttpRequest.newBuilder(URI.create(url + "/sim/bench")).header("Authorization", "Bearer " + token)
                        .POST(HttpRequest.BodyPublishers.ofString("{\"count\":" + events + ",\"wait\":false}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                while (h.received.get() < base + events) {
                    Thread.onSpinWait();
                    Thread.sleep(1);
                }
                long wall = System.nanoTime() - t0;
                long cpu = cpu() - cpu0;
                System.out.printf("round %d: %,d events in %.2f s = %,.0f events/s, %.2f µs CPU/event (this process), dropped %d%n",
                        r, events, wall / 1e9, events * 1e9 / wall, cpu / 1000.0 / events, h.dispatcher.dropped());
            }
        }
    }

    private static long cpu() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
