package org.hassette.bus.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** A clock that moves only when a test advances it; due tasks run on the advancing thread. */
final class ManualTime implements TimeSource {
    private long nanos;
    private final List<Task> tasks = new ArrayList<>();
    private long seq;

    private final class Task implements Timer {
        final long due;
        final long order = seq++;
        final Runnable run;
        boolean cancelled;

        Task(long due, Runnable run) {
            this.due = due;
            this.run = run;
        }

        @Override
        public void cancel() {
            synchronized (ManualTime.this) {
                cancelled = true;
                tasks.remove(this);
            }
        }
    }

    @Override
    public synchronized Instant now() {
        return Instant.ofEpochSecond(1_700_000_000L).plusNanos(nanos);
    }

    @Override
    public synchronized long nanoTime() {
        return nanos;
    }

    @Override
    public synchronized Timer schedule(Duration delay, Runnable task) {
        Task t = new Task(nanos + delay.toNanos(), task);
        tasks.add(t);
        return t;
    }

    /** Pending timers. */
    synchronized int pending() {
        return tasks.size();
    }

    /** Moves time forward, running each task that falls due in order. */
    void advance(Duration d) {
        long target;
        synchronized (this) {
            target = nanos + d.toNanos();
        }
        while (true) {
            Task next;
            synchronized (this) {
                next = tasks.stream().filter(t -> t.due <= target)
                        .min(Comparator.<Task>comparingLong(t -> t.due).thenComparingLong(t -> t.order)).orElse(null);
                if (next == null) {
                    nanos = target;
                    return;
                }
                tasks.remove(next);
                nanos = Math.max(nanos, next.due);
            }
            next.run.run();
        }
    }
}
