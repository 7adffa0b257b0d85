package org.hassette.bus.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.hassette.api.bus.StateChange;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Latency of one event on an idle bus: publish one {@code state_changed}, until the handler of every
 * one of {@code listeners} matching listeners has been entered. The waiting thread parks and the last
 * handler unparks it, so the sample includes that wake-up (a few µs), as a feed thread would see it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "-Xmx512m"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class DispatchLatencyBenchmark {
    static final String ENTITY = "sensor.bench_power";
    static final int EVENTS = 1024;

    @Param({"1", "10"})
    public int listeners;

    private BusBench bench;
    private StateChange[] events;
    private int next;
    private final AtomicInteger remaining = new AtomicInteger();
    private volatile Thread waiter;

    @Setup(Level.Trial)
    public void setUp() {
        bench = new BusBench(null);
        events = BusBench.changes(ENTITY, EVENTS);
        for (int i = 0; i < listeners; i++) {
            bench.core.onStateChange(ENTITY).subscribe("bench-" + i, c -> {
                if (remaining.decrementAndGet() == 0) {
                    LockSupport.unpark(waiter);
                }
            });
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        bench.close();
    }

    @Benchmark
    public void publishUntilHandlersEntered() {
        waiter = Thread.currentThread();
        remaining.set(listeners);
        if (!bench.core.publish(events[next++ & (EVENTS - 1)])) {
            throw new IllegalStateException("ingress refused an event");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (remaining.get() > 0) {
            LockSupport.parkNanos(this, 10_000_000L);
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(remaining.get() + " handlers not entered within 30 s");
            }
        }
    }
}
