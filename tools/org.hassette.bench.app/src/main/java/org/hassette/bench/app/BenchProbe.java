package org.hassette.bench.app;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.management.ObjectName;
import org.hassette.api.app.AppContext;
import org.hassette.api.bus.ListenerStats;
import org.hassette.api.bus.StateChange;
import org.hassette.api.bus.Subscription;
import org.hassette.api.ha.HomeAssistantConnection;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * What the benchmark harness reads and steers over HTTP ({@code /bench/probe}): per-listener counts
 * and sequence checks of the current run, wall time and process CPU from arming to the last handler
 * call, handler-entry latency samples (simulator send time to handler entered, both epoch
 * microseconds of this host's clock), heap, the connection's and listeners' drop counters, and the
 * optional slow listener of the burst scenario.
 *
 * <pre>
 * GET  /bench/probe                         state as JSON
 * POST /bench/probe/arm?count=N&amp;latency=1   start a run: reset, expect N events per listener
 * POST /bench/probe/slow?ms=M               add a listener that sleeps M ms per event (0 removes it)
 * POST /bench/probe/gc                      System.gc(), then report
 * </pre>
 */
@Component(service = {Servlet.class, BenchProbe.class})
@HttpWhiteboardServletPattern("/bench/probe/*")
public class BenchProbe extends HttpServlet {
    private static final long serialVersionUID = 1L;
    static final int LISTENERS = 10;
    private static final int MAX_SAMPLES = 4_000_000;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile HomeAssistantConnection connection;

    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final Track[] tracks = new Track[LISTENERS];
    private final AtomicInteger done = new AtomicInteger();
    private final AtomicInteger sampleCount = new AtomicInteger();
    private final int[] samples = new int[MAX_SAMPLES];

    private volatile AppContext app;
    private volatile List<Subscription> subscriptions = List.of();
    private volatile Subscription slow;
    private volatile long appStartedUs;
    private volatile long appStarts;

    private volatile long target;
    private volatile boolean latency;
    private volatile long armedUs;
    private volatile long armedCpuNs;
    private volatile long firstSentUs;
    private volatile long endUs;
    private volatile long endCpuNs;
    private volatile long peakHeap;
    private volatile long slowInvoked;

    /** Per listener: written by one handler thread at a time (the bus drains a listener's queue serially). */
    private static final class Track {
        volatile long count;
        volatile long lastSeq = -1;
        volatile long outOfOrder;
        volatile long lastUs;
    }

    public BenchProbe() {
        for (int i = 0; i < LISTENERS; i++) {
            tracks[i] = new Track();
        }
    }

    void appStarted(AppContext context, List<Subscription> subs) {
        app = context;
        subscriptions = List.copyOf(subs);
        appStarts++;
        appStartedUs = nowUs(); // after the last subscribe: the listeners are live
    }

    void appStopped() {
        app = null;
        slow = null;
        subscriptions = List.of();
    }

    void handled(int listener, StateChange c) {
        long now = nowUs();
        Map<String, Object> attrs = c.newState() == null ? Map.of() : c.newState().attributes();
        long seq = number(attrs.get("bench_seq"));
        long sent = number(attrs.get("bench_sent_us"));
        Track t = tracks[listener];
        if (seq != t.lastSeq + 1) {
            t.outOfOrder++;
        }
        t.lastSeq = seq;
        t.lastUs = now;
        if (seq == 0 && listener == 0) {
            firstSentUs = sent;
        }
        if (latency && sent > 0) {
            int i = sampleCount.getAndIncrement();
            if (i < MAX_SAMPLES) {
                samples[i] = (int) Math.min(Integer.MAX_VALUE, Math.max(0, now - sent));
            }
        }
        long n = t.count + 1;
        t.count = n;
        if (n == target && done.incrementAndGet() == LISTENERS) {
            endUs = now;
            endCpuNs = cpuNs();
        }
        if ((n & 0x3FFF) == 0 && listener == 0) {
            long used = memory.getHeapMemoryUsage().getUsed();
            if (used > peakHeap) {
                peakHeap = used;
            }
        }
    }

    private static long number(Object o) {
        return o instanceof Number n ? n.longValue() : -1;
    }

    static long nowUs() {
        Instant i = Instant.now();
        return i.getEpochSecond() * 1_000_000L + i.getNano() / 1000;
    }

    static long cpuNs() {
        try {
            Object v = ManagementFactory.getPlatformMBeanServer()
                    .getAttribute(new ObjectName("java.lang:type=OperatingSystem"), "ProcessCpuTime");
            return v instanceof Number n ? n.longValue() : -1;
        } catch (Exception e) {
            return -1;
        }
    }

    private synchronized void arm(long count, boolean withLatency) {
        target = count;
        latency = withLatency;
        done.set(0);
        sampleCount.set(0);
        for (Track t : tracks) {
            t.count = 0;
            t.lastSeq = -1;
            t.outOfOrder = 0;
            t.lastUs = 0;
        }
        firstSentUs = 0;
        endUs = 0;
        endCpuNs = 0;
        peakHeap = memory.getHeapMemoryUsage().getUsed();
        armedUs = nowUs();
        armedCpuNs = cpuNs();
    }

    private synchronized String setSlow(long ms) {
        Subscription old = slow;
        if (old != null) {
            old.cancel();
            slow = null;
        }
        AppContext context = app;
        if (ms <= 0) {
            return "{\"slow\":false}";
        }
        if (context == null) {
            return null;
        }
        slowInvoked = 0;
        // the bus's default mode (queued, queue.capacity): what an ordinary app gets
        slow = context.bus().onStateChange("sensor.bench_*").includeAttributeChanges()
                .subscribe(context.appId() + ":slow", (StateChange c) -> {
                    slowInvoked++;
                    Thread.sleep(ms);
                });
        return "{\"slow\":true,\"ms\":" + ms + "}";
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        reply(resp, 200, state());
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = req.getPathInfo() == null ? "" : req.getPathInfo();
        switch (path) {
            case "/arm" -> {
                arm(Long.parseLong(param(req, "count", "200000")), "1".equals(param(req, "latency", "0")));
                reply(resp, 200, state());
            }
            case "/slow" -> {
                String r = setSlow(Long.parseLong(param(req, "ms", "0")));
                reply(resp, r == null ? 503 : 200, r == null ? "{\"error\":\"app not started\"}" : r);
            }
            case "/gc" -> {
                for (int i = 0; i < 3; i++) {
                    System.gc();
                }
                reply(resp, 200, state());
            }
            default -> reply(resp, 404, "{\"error\":\"unknown " + path.replace('"', '\'') + "\"}");
        }
    }

    private static String param(HttpServletRequest req, String name, String dflt) {
        String v = req.getParameter(name);
        return v == null || v.isBlank() ? dflt : v.trim();
    }

    private static void reply(HttpServletResponse resp, int status, String json) throws IOException {
        resp.setStatus(status);
        resp.setContentType("application/json");
        resp.setCharacterEncoding("UTF-8");
        resp.getWriter().write(json);
    }

    private String state() {
        StringBuilder b = new StringBuilder(1024).append('{');
        field(b, "app_live", app != null).append(',');
        field(b, "app_starts", appStarts).append(',');
        field(b, "app_started_us", appStartedUs).append(',');
        field(b, "now_us", nowUs()).append(',');
        field(b, "target", target).append(',');
        field(b, "done_listeners", done.get()).append(',');
        field(b, "armed_us", armedUs).append(',');
        field(b, "armed_cpu_ns", armedCpuNs).append(',');
        field(b, "first_sent_us", firstSentUs).append(',');
        field(b, "end_us", endUs).append(',');
        field(b, "end_cpu_ns", endCpuNs).append(',');
        field(b, "cpu_ns", cpuNs()).append(',');
        field(b, "heap_used", memory.getHeapMemoryUsage().getUsed()).append(',');
        field(b, "heap_peak_sampled", peakHeap).append(',');
        long min = Long.MAX_VALUE;
        long ooo = 0;
        long last = 0;
        for (Track t : tracks) {
            min = Math.min(min, t.count);
            ooo += t.outOfOrder;
            last = Math.max(last, t.lastUs);
        }
        field(b, "last_handled_us", last).append(',');
        field(b, "min_count", min).append(',');
        field(b, "out_of_order", ooo).append(',');
        HomeAssistantConnection c = connection;
        field(b, "ws_generation", c == null ? -1 : c.generation()).append(',');
        field(b, "ws_events_received", c == null ? -1 : c.eventsReceived()).append(',');
        field(b, "ws_events_dropped", c == null ? -1 : c.eventsDropped()).append(',');
        long dropped = 0;
        for (Subscription s : subscriptions) {
            dropped += s.stats().dropped();
        }
        field(b, "listener_dropped", dropped).append(',');
        Subscription s = slow;
        if (s != null) {
            ListenerStats st = s.stats();
            b.append("\"slow\":{");
            field(b, "received", st.received()).append(',');
            field(b, "matched", st.matched()).append(',');
            field(b, "invoked", st.invoked()).append(',');
            field(b, "dropped", st.dropped()).append(',');
            field(b, "entered", slowInvoked).append("},");
        }
        int n = Math.min(sampleCount.get(), MAX_SAMPLES);
        b.append("\"latency_us\":");
        if (n == 0) {
            b.append("null");
        } else {
            int[] copy = Arrays.copyOf(samples, n);
            Arrays.sort(copy);
            b.append('{');
            field(b, "n", n).append(',');
            field(b, "p50", pct(copy, 0.50)).append(',');
            field(b, "p99", pct(copy, 0.99)).append(',');
            field(b, "p999", pct(copy, 0.999)).append(',');
            field(b, "max", copy[n - 1]).append('}');
        }
        return b.append('}').toString();
    }

    private static long pct(int[] sorted, double p) {
        int i = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static StringBuilder field(StringBuilder b, String name, Object value) {
        return b.append('"').append(name).append("\":").append(value);
    }
}
