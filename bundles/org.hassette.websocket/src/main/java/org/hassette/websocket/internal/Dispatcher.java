package org.hassette.websocket.internal;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one thread that runs user code for a connection: event listeners and result callbacks, in
 * the order the reader saw the messages. The reader never blocks on it.
 *
 * <p>Overflow policy: events are bounded ({@code capacity} events queued at most), both the batches of
 * the all-events subscription and the events of subscribing commands ({@code render_template},
 * {@code subscribe_trigger}, {@code subscribe_entities}, ...). A batch that does not fit is dropped
 * whole and counted ({@link #dropped()}), with a warning at most every 10 s, and {@code onDrop} is told;
 * results and other tasks are never dropped (they are bounded by the commands in flight). Dropping
 * keeps the reader reading, so HA never disconnects us for falling behind and our memory stays
 * bounded; the cost is that listeners miss events while they are too slow.
 */
final class Dispatcher {
    private final LinkedBlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
    private final AtomicInteger queuedEvents = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();
    private final int capacity;
    private final ClientLog log;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long lastDropWarning;
    private final Runnable onDrop;

    Dispatcher(String name, int capacity, ClientLog log) {
        this(name, capacity, log, () -> { });
    }

    /**
     * @param onDrop called on the reader thread after each dropped batch; must return at once (hand
     *               the work to another thread)
     */
    Dispatcher(String name, int capacity, ClientLog log, Runnable onDrop) {
        this.capacity = capacity;
        this.log = log;
        this.onDrop = onDrop;
        this.thread = new Thread(this::loop, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Queues a batch of {@code events} events; false (and counted) when it does not fit. */
    boolean offerEvents(int events, Runnable batch) {
        if (queuedEvents.get() + events > capacity) {
            long total = dropped.addAndGet(events);
            long now = System.nanoTime();
            if (now - lastDropWarning > TimeUnit.SECONDS.toNanos(10) || lastDropWarning == 0) {
                lastDropWarning = now;
                log.warn("Event listeners are too slow: dispatch queue full (" + capacity + " events), "
                        + total + " events dropped so far");
            }
            onDrop.run();
            return false;
        }
        queuedEvents.addAndGet(events);
        queue.add(() -> {
            try {
                batch.run();
            } finally {
                queuedEvents.addAndGet(-events);
            }
        });
        return true;
    }

    /** Queues a task that must not be dropped (a result, a failure). */
    void execute(Runnable task) {
        queue.add(task);
    }

    long dropped() {
        return dropped.get();
    }

    int queuedEvents() {
        return queuedEvents.get();
    }

    /** Tasks waiting (event batches, subscription events, results). */
    int queuedTasks() {
        return queue.size();
    }

    void close() {
        running = false;
        thread.interrupt();
    }

    private void loop() {
        while (running) {
            Runnable task;
            try {
                task = queue.poll(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                if (!running) {
                    break;
                }
                continue;
            }
            if (task == null) {
                continue;
            }
            try {
                task.run();
            } catch (Throwable t) {
                log.warn("A Home Assistant listener or callback failed: " + t);
            }
        }
        // complete what is left (failures of pending commands) so no caller waits forever
        Runnable task;
        while ((task = queue.poll()) != null) {
            try {
                task.run();
            } catch (Throwable ignored) {
                // shutting down
            }
        }
    }
}
