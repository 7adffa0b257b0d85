package org.hassette.simulator.internal;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Pre-serialised {@code state_changed} messages (about 1 KB, the p90 of real frames) for the bench
 * hook. Each template is cut where the writer stamps {@code bench_seq}, {@code bench_sent_us}
 * (epoch microseconds) and {@code bench_sent_ns} ({@code System.nanoTime()}) into the new state's
 * attributes, so rendering an event is a few array copies and three numbers.
 */
final class BenchStream {

    private static final String SEQ = "\u0001SEQ";
    private static final String US = "\u0001US";
    private static final String NS = "\u0001NS";

    private final byte[][] partA;
    private final byte[][] partB;
    private final byte[][] partC;
    private final byte[][] partD;
    private final long epochMicros0;
    private final long nanos0;
    final int typicalSize;

    BenchStream(int entities, long nowMicros) {
        int n = Math.max(1, entities);
        partA = new byte[n][];
        partB = new byte[n][];
        partC = new byte[n][];
        partD = new byte[n][];
        nanos0 = System.nanoTime();
        epochMicros0 = nowMicros;
        int size = 0;
        for (int i = 0; i < n; i++) {
            String t = template(i, nowMicros);
            int s = t.indexOf(placeholder(SEQ));
            int u = t.indexOf(placeholder(US));
            int ns = t.indexOf(placeholder(NS));
            partA[i] = t.substring(0, s).getBytes(StandardCharsets.UTF_8);
            partB[i] = t.substring(s + placeholder(SEQ).length(), u).getBytes(StandardCharsets.UTF_8);
            partC[i] = t.substring(u + placeholder(US).length(), ns).getBytes(StandardCharsets.UTF_8);
            partD[i] = t.substring(ns + placeholder(NS).length()).getBytes(StandardCharsets.UTF_8);
            size = partA[i].length + partB[i].length + partC[i].length + partD[i].length;
        }
        // + digits of seq, µs and ns, plus ,"id":N}
        typicalSize = size + 6 + 16 + 15 + 8;
    }

    private static String placeholder(String p) {
        return JsonOut.toJsonString(p);
    }

    private static String template(int i, long now) {
        String objectId = String.format(Locale.ROOT, "bench_%04d", i);
        String entityId = "sensor." + objectId;
        long oldTime = now - 30_000_000L;
        Map<String, Object> oldAttrs = attributes(i, null);
        Map<String, Object> newAttrs = attributes(i, true);
        Context oldCtx = Context.at(oldTime, null);
        Context newCtx = Context.at(now, null);
        State oldState = new State(entityId, String.format(Locale.ROOT, "%.1f", 20 + (i % 50) / 10.0), oldAttrs, oldTime,
                oldTime, oldTime, oldCtx);
        State newState = new State(entityId, String.format(Locale.ROOT, "%.1f", 20.1 + (i % 50) / 10.0), newAttrs, now,
                now, now, newCtx);
        Event e = Event.stateChanged(entityId, oldState, newState, now, newCtx);
        return new String(e.partialMessage(), StandardCharsets.UTF_8);
    }

    private static Map<String, Object> attributes(int i, Boolean stamped) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("state_class", "measurement");
        a.put("unit_of_measurement", "°C");
        a.put("device_class", "temperature");
        a.put("friendly_name", String.format(Locale.ROOT, "Bench Sensor %04d Temperature", i));
        if (stamped != null) {
            a.put("bench_seq", raw(SEQ));
            a.put("bench_sent_us", raw(US));
            a.put("bench_sent_ns", raw(NS));
        }
        return a;
    }

    private static JsonOut.JsonValue raw(String placeholder) {
        return out -> out.str(placeholder);
    }

    long epochMicrosAt(long nanos) {
        return epochMicros0 + (nanos - nanos0) / 1000;
    }

    void render(WsConnection.FrameBuffer f, long seq, long sentMicros, long sentNanos, byte[] tail) {
        int e = (int) (seq % partA.length);
        f.put(partA[e]);
        f.putLong(seq);
        f.put(partB[e]);
        f.putLong(sentMicros);
        f.put(partC[e]);
        f.putLong(sentNanos < 0 ? 0 : sentNanos);
        f.put(partD[e]);
        f.put(tail);
    }
}
