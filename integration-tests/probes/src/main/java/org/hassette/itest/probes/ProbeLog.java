package org.hassette.itest.probes;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** What the probe components did, in order, for the tests to read. */
public final class ProbeLog {
    private static final List<String> EVENTS = new CopyOnWriteArrayList<>();
    private static final List<String> VIOLATIONS = new CopyOnWriteArrayList<>();
    /** How long the gated probe takes to activate (a test widens the activation window with it). */
    public static volatile long gatedActivationDelayMs;

    private ProbeLog() {
    }

    public static void record(String event) {
        EVENTS.add(event);
    }

    public static List<String> events() {
        return List.copyOf(EVENTS);
    }

    public static long count(String event) {
        return EVENTS.stream().filter(event::equals).count();
    }

    /** A probe saw something that must never happen (e.g. started while a required resource was gone). */
    public static void violation(String what) {
        VIOLATIONS.add(what);
    }

    public static List<String> violations() {
        return List.copyOf(VIOLATIONS);
    }

    public static void clear() {
        EVENTS.clear();
        VIOLATIONS.clear();
    }
}
