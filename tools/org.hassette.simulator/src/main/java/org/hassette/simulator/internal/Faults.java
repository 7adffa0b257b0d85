package org.hassette.simulator.internal;

import java.util.concurrent.TimeUnit;

/** Injected faults, shared by every connection of one simulator. */
public final class Faults {

    private volatile boolean rejectAuth;
    private volatile long delayNanos;
    private volatile boolean stalled;
    private volatile long downUntilNanos;
    private final Object stallMonitor = new Object();
    private final java.util.concurrent.ConcurrentLinkedQueue<Injected> failures = new java.util.concurrent.ConcurrentLinkedQueue<>();

    /** An error to answer the next command of a type with. */
    private record Injected(String type, HaError error) {
    }

    /** Codes {@link #failNext} accepts (core's websocket_api/const.py) with core's default message, if any. */
    private static final java.util.Map<String, String> CODES = java.util.Map.ofEntries(
            java.util.Map.entry(HaError.HOME_ASSISTANT_ERROR, "Home Assistant error"),
            java.util.Map.entry(HaError.NOT_FOUND, "Not found"),
            java.util.Map.entry(HaError.UNAUTHORIZED, "Unauthorized"),
            java.util.Map.entry(HaError.TIMEOUT, "Timeout"),
            java.util.Map.entry(HaError.UNKNOWN_ERROR, "Unknown error"),
            java.util.Map.entry(HaError.NOT_ALLOWED, "Not allowed"),
            java.util.Map.entry(HaError.NOT_SUPPORTED, "Not supported"),
            java.util.Map.entry(HaError.SERVICE_VALIDATION_ERROR, "Validation error"),
            java.util.Map.entry(HaError.TEMPLATE_ERROR, "Template error"),
            java.util.Map.entry(HaError.INVALID_FORMAT, "Invalid format"));

    /**
     * The next WebSocket command of {@code type} ({@code *}: of any type) is answered with this error
     * instead of being handled; queued injections are used in order.
     *
     * @throws IllegalArgumentException for a code core does not have
     */
    public void failNext(String type, String code, String message) {
        if (type == null || type.isBlank()) {
            throw new IllegalArgumentException("type must name a command type (or *)");
        }
        String fallback = CODES.get(code);
        if (fallback == null) {
            throw new IllegalArgumentException("code must be one of " + new java.util.TreeSet<>(CODES.keySet()) + ", got " + code);
        }
        failures.add(new Injected(type, new HaError(code, message == null || message.isBlank() ? fallback : message)));
    }

    /** The injected error for a command of {@code type}, removed from the queue, or null. */
    public HaError takeFailure(String type) {
        for (Injected i : failures) {
            if ((i.type().equals(type) || i.type().equals("*")) && failures.remove(i)) {
                return i.error();
            }
        }
        return null;
    }

    /** Injected failures not used yet, as "type:code". */
    public java.util.List<String> pendingFailures() {
        return failures.stream().map(i -> i.type() + ":" + i.error().code()).toList();
    }

    public boolean rejectAuth() {
        return rejectAuth;
    }

    public void rejectAuth(boolean on) {
        rejectAuth = on;
    }

    public long delayNanos() {
        return delayNanos;
    }

    public void delayNanos(long nanos) {
        delayNanos = Math.max(0, nanos);
    }

    public boolean stalled() {
        return stalled;
    }

    public void stalled(boolean on) {
        synchronized (stallMonitor) {
            stalled = on;
            stallMonitor.notifyAll();
        }
    }

    /** Blocks a command handler while the server is stalled. */
    public void awaitNotStalled() {
        synchronized (stallMonitor) {
            while (stalled) {
                try {
                    stallMonitor.wait(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Sleeps for the configured response delay. */
    public void applyDelay() {
        long d = delayNanos;
        if (d > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(d);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** While "down" (restart with downtime), new connections are refused. */
    public boolean down() {
        long until = downUntilNanos;
        return until != 0 && System.nanoTime() - until < 0;
    }

    public void downFor(long nanos) {
        downUntilNanos = nanos <= 0 ? 0 : System.nanoTime() + nanos;
    }
}
