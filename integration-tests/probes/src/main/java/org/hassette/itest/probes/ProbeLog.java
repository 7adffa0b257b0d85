package org.hassette.itest.probes;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** What the probe components did, in order, for the tests to read. */
public final class ProbeLog {
    private static final List<String> EVENTS = new CopyOnWriteArrayList<>();

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

    public static void clear() {
        EVENTS.clear();
    }
}
