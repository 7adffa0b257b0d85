package org.hassette.bus.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.PriorityQueue;
import org.hassette.api.scheduler.VirtualClock;

/**
 * Bus time on a {@link VirtualClock}: timers are deadlines of the clock, run on the thread that
 * advances it, in deadline order (ties in the order they were set). Timer tasks only hand work to
 * the listeners' queues, so running them on the advancing thread is what the timer thread does in
 * production.
 */
final class VirtualClockTime implements TimeSource, VirtualClock.Listener {
    private final VirtualClock clock;
    private final PriorityQueue<Task> tasks = new PriorityQueue<>(
            Comparator.comparing((Task t) -> t.due).thenComparingLong(t -> t.order));
    private long sequence;

    VirtualClockTime(VirtualClock clock) {
        this.clock = clock;
        clock.addListener(this);
    }

    private final class Task implements Timer {
        final Instant due;
        final long order;
        final Runnable run;
        volatile boolean cancelled;

        Task(Instant due, long order, Runnable run) {
            this.due = due;
            this.order = order;
            this.run = run;
        }

        @Override
        public void cancel() {
            cancelled = true;
            synchronized (VirtualClockTime.this) {
                tasks.remove(this);
            }
        }
    }

    @Override
    public Instant now() {
        return clock.now();
    }

    @Override
    public long nanoTime() {
        Instant now = clock.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    @Override
    public synchronized Timer schedule(Duration delay, Runnable task) {
        Task t = new Task(clock.now().plus(delay), sequence++, task);
        tasks.add(t);
        return t;
    }

    @Override
    public synchronized Instant nextDeadline() {
        Task t = tasks.peek();
        return t == null ? null : t.due;
    }

    @Override
    public void onTime(Instant now) {
        while (true) {
            Task next;
            synchronized (this) {
                next = tasks.peek();
                if (next == null || next.due.isAfter(now)) {
                    return;
                }
                tasks.poll();
            }
            if (!next.cancelled) {
                next.run.run();
            }
        }
    }
}
