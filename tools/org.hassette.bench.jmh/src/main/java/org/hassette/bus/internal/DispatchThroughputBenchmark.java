package org.hassette.bus.internal;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.hassette.api.bus.StateChange;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Events per second through the bus, delivered to all: one invocation publishes a batch of
 * {@value #BATCH} {@code state_changed} events for one entity and waits until every one of the
 * {@code listeners} matching no-op listeners got every event of the batch. A score of X ops/s means X
 * events/s, i.e. X × listeners handler calls/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(DispatchThroughputBenchmark.BATCH)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "-Xmx512m"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class DispatchThroughputBenchmark {
    /** At most the per-listener queue capacity, so nothing is dropped while a batch is in flight. */
    static final int BATCH = 1000;
    static final String ENTITY = "sensor.bench_power";

    @Param({"10", "100"})
    public int listeners;

    private BusBench bench;
    private StateChange[] events;
    private volatile CountDownLatch delivered;

    @Setup(Level.Trial)
    public void setUp() {
        bench = new BusBench(null);
        events = BusBench.changes(ENTITY, BATCH);
        delivered = new CountDownLatch(0);
        for (int i = 0; i < listeners; i++) {
            bench.core.onStateChange(ENTITY).subscribe("bench-" + i, c -> delivered.countDown());
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        bench.close();
    }

    @Benchmark
    public void publishBatchDeliveredToAll() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(BATCH * listeners);
        delivered = done;
        for (StateChange e : events) {
            if (!bench.core.publish(e)) {
                throw new IllegalStateException("ingress refused an event");
            }
        }
        if (!done.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException(done.getCount() + " deliveries missing (dropped?)");
        }
    }
}
