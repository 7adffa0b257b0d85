package org.hassette.itest.supervision;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/** Shared knobs and records of the probe components (test-only static state). */
public final class Probes {
    public static final String FLAKY = "probe.flaky";
    public static final String BACKOFF = "probe.backoff";
    public static final String NEVER_READY = "probe.neverready";
    public static final String PERMANENT = "probe.permanent";
    public static final String CRASH_A = "probe.crash.a";
    public static final String CRASH_B = "probe.crash.b";
    public static final String CRASH_ON_STOP = "probe.crashonstop";

    /** Activation failures still to come, per probe. */
    public static final Map<String, AtomicInteger> FAILURES_LEFT = new ConcurrentHashMap<>();
    /** System.nanoTime() of every activation attempt, per probe. */
    public static final Map<String, List<Long>> ATTEMPTS = new ConcurrentHashMap<>();
    /** System.nanoTime() of every deactivation, per probe. */
    public static final Map<String, List<Long>> DEACTIVATIONS = new ConcurrentHashMap<>();
    /** Released by a test to make both crash probes crash at once. */
    public static volatile CountDownLatch crashTogether = new CountDownLatch(1);

    private Probes() {
    }

    public static void reset() {
        FAILURES_LEFT.clear();
        ATTEMPTS.clear();
        DEACTIVATIONS.clear();
        crashTogether = new CountDownLatch(1);
    }

    public static List<Long> attempts(String probe) {
        return ATTEMPTS.computeIfAbsent(probe, k -> new CopyOnWriteArrayList<>());
    }

    public static List<Long> deactivations(String probe) {
        return DEACTIVATIONS.computeIfAbsent(probe, k -> new CopyOnWriteArrayList<>());
    }

    /** Records a deactivation. */
    public static void deactivated(String probe) {
        deactivations(probe).add(System.nanoTime());
    }

    /** Records an attempt and throws while failures are left. */
    public static void attempt(String probe) {
        attempts(probe).add(System.nanoTime());
        AtomicInteger left = FAILURES_LEFT.get(probe);
        if (left != null && left.getAndDecrement() > 0) {
            throw new IllegalStateException("simulated activation failure of " + probe + " (" + Math.max(0, left.get()) + " more to go)");
        }
    }

    /** The service a probe registers while ready. */
    public interface ProbeService {
        String name();
    }
}
