package org.hassette.testkit.internal;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The handler and job threads of the kit: an unbounded pool like the bus's, which counts the tasks
 * handed to it and not finished yet, so the kit knows when everything an event triggered is done.
 */
public final class TrackingExecutor implements Executor, AutoCloseable {
    private final AtomicInteger inFlight = new AtomicInteger();
    private final List<Throwable> uncaught = new CopyOnWriteArrayList<>();
    private final ThreadPoolExecutor pool;

    public TrackingExecutor(String threadPrefix) {
        AtomicInteger n = new AtomicInteger();
        pool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, threadPrefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void execute(Runnable task) {
        inFlight.incrementAndGet();
        try {
            pool.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException | Error e) {
                    uncaught.add(e);
                } finally {
                    inFlight.decrementAndGet();
                }
            });
        } catch (RejectedExecutionException e) {
            inFlight.decrementAndGet();
            throw e;
        }
    }

    /** Tasks handed over and not finished. */
    public int inFlight() {
        return inFlight.get();
    }

    /** What tasks threw past their own error handling (the bus and scheduler catch user errors themselves). */
    public List<Throwable> uncaught() {
        return List.copyOf(uncaught);
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
