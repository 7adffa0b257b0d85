package org.hassette.bus.internal;

import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.hassette.api.bus.StateChange;
import org.hassette.api.ha.EntityState;
import org.hassette.states.internal.BenchStateStore;
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
 * The state path as the platform runs it, minus the websocket: parse each {@code new_state} map
 * ({@code EntityState.of}), apply it to the state cache's store, whose change listener publishes a
 * {@link StateChange} to the bus (the wiring of {@code EventBusService.bindStateCache}), until all
 * {@code listeners} no-op listeners got every event of the batch. Score: events/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(StateCachePathBenchmark.BATCH)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "-Xmx512m"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class StateCachePathBenchmark {
    static final int BATCH = 1000;
    static final String ENTITY = "sensor.bench_power";

    @Param({"10"})
    public int listeners;

    private BusBench bench;
    private BenchStateStore store;
    private Map<String, Object>[] json;
    private volatile CountDownLatch delivered;

    @Setup(Level.Trial)
    public void setUp() {
        bench = new BusBench(null);
        store = new BenchStateStore();
        store.addListener((id, o, n) -> bench.core.publish(new StateChange(id, o, n)));
        json = BusBench.newStateJson(ENTITY, BATCH);
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
    public void applyBatchDeliveredToAll() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(BATCH * listeners);
        delivered = done;
        for (Map<String, Object> m : json) {
            store.apply(ENTITY, EntityState.of(m));
        }
        if (!done.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException(done.getCount() + " deliveries missing (dropped?)");
        }
    }
}
