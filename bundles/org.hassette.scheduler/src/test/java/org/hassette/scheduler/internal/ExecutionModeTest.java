package org.hassette.scheduler.internal;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.hassette.api.bus.ExecutionMode;
import org.hassette.api.scheduler.JobHandle;
import org.hassette.api.scheduler.JobOptions;
import org.hassette.api.scheduler.RunOutcome;
import org.hassette.api.scheduler.VirtualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What a job does when it is due while its previous run still runs; virtual time, a real pool for overlap. */
class ExecutionModeTest {
    VirtualClock clock = VirtualClock.frozenAt(ZonedDateTime.parse("2026-03-27T12:00+01:00[Europe/Berlin]"));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    SchedulerEngine scheduler = new SchedulerEngine(clock, pool, new Random(1), Optional::empty);
    Semaphore release = new Semaphore(0);
    List<Integer> order = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger started = new AtomicInteger();

    @AfterEach
    void stop() {
        release.release(100);
        pool.shutdownNow();
    }

    private JobHandle blockingJob(ExecutionMode mode) {
        return scheduler.runEvery(Duration.ofMinutes(1), () -> {
            int n = started.incrementAndGet();
            release.acquire();
            order.add(n);
        }, JobOptions.builder().name("job-" + mode.kind()).mode(mode).build());
    }

    @Test
    void queuedRunsWaitAndRunInOrderUpToTheDepth() throws Exception {
        JobHandle job = blockingJob(ExecutionMode.queued(2));
        clock.advance(Duration.ofMinutes(1));
        await("first run started", () -> started.get() == 1);
        clock.advance(Duration.ofMinutes(3)); // three more due: two wait, one does not fit
        await("the overflow recorded", () -> job.info().history().stream().anyMatch(r -> r.outcome() == RunOutcome.SKIPPED));
        assertEquals("queue full (depth 2)", job.info().history().stream().filter(r -> r.outcome() == RunOutcome.SKIPPED)
                .findFirst().orElseThrow().detail());
        assertEquals(1, started.get(), "queued runs wait for the running one");
        release.release(3);
        await("all three ran", () -> order.size() == 3);
        assertEquals(List.of(1, 2, 3), order);
    }

    @Test
    void parallelRunsOverlap() throws Exception {
        blockingJob(ExecutionMode.parallel());
        clock.advance(Duration.ofMinutes(1));
        clock.advance(Duration.ofMinutes(1));
        await("two runs at once", () -> started.get() == 2);
        assertTrue(order.isEmpty(), "neither finished: they run concurrently");
        release.release(2);
        await("both finished", () -> order.size() == 2);
    }

    @Test
    void restartInterruptsTheRunningOneAndRunsTheNewOne() throws Exception {
        CountDownLatch interrupted = new CountDownLatch(1);
        JobHandle job = scheduler.runEvery(Duration.ofMinutes(1), () -> {
            int n = started.incrementAndGet();
            try {
                release.acquire();
                order.add(n);
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
            }
        }, JobOptions.builder().name("restarting").mode(ExecutionMode.restart()).build());
        clock.advance(Duration.ofMinutes(1));
        await("first run started", () -> started.get() == 1);
        clock.advance(Duration.ofMinutes(1));
        assertTrue(interrupted.await(30, TimeUnit.SECONDS), "the running one was interrupted");
        await("the new run started", () -> started.get() == 2);
        release.release();
        await("the new run finished", () -> order.equals(List.of(2)));
        assertTrue(job.info().history().stream().anyMatch(r -> r.outcome() == RunOutcome.FAILED), "the interrupted run is recorded");
    }

    @Test
    void singleIsTheDefaultAndSkipsWithTheReason() throws Exception {
        assertEquals(ExecutionMode.single(), JobOptions.defaults().mode());
        JobHandle job = blockingJob(ExecutionMode.single());
        clock.advance(Duration.ofMinutes(1));
        await("first run started", () -> started.get() == 1);
        clock.advance(Duration.ofMinutes(1));
        await("overlap skipped", () -> job.info().lastOutcome().equals(Optional.of(RunOutcome.SKIPPED)));
        assertEquals("previous run still running", job.info().lastRun().orElseThrow().detail());
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            Thread.sleep(2);
        }
    }
}
