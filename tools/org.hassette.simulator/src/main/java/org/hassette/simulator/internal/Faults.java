package org.hassette.simulator.internal;

import java.util.concurrent.TimeUnit;

/** Injected faults, shared by every connection of one simulator. */
public final class Faults {

    private volatile boolean rejectAuth;
    private volatile long delayNanos;
    private volatile boolean stalled;
    private volatile long downUntilNanos;
    private final Object stallMonitor = new Object();

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
