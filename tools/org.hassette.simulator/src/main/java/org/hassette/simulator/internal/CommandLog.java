package org.hassette.simulator.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.hassette.simulator.CommandRecorder;
import org.hassette.simulator.RecordedCommand;

/** Bounded in-memory log of what clients sent. */
public final class CommandLog implements CommandRecorder {

    private final int capacity;
    private final ArrayDeque<RecordedCommand> entries = new ArrayDeque<>();
    private long seq;

    public CommandLog(int capacity) {
        this.capacity = Math.max(1, capacity);
    }

    public synchronized void record(long connectionId, String transport, String type, Object message) {
        String json = message instanceof String ? (String) message : JsonOut.toJsonString(message);
        entries.addLast(new RecordedCommand(++seq, Instant.now(), connectionId, transport, type, json,
                Values.freeze(message)));
        while (entries.size() > capacity) {
            entries.removeFirst();
        }
        notifyAll();
    }

    @Override
    public synchronized List<RecordedCommand> commands() {
        return new ArrayList<>(entries);
    }

    @Override
    public synchronized List<RecordedCommand> commands(String type) {
        List<RecordedCommand> out = new ArrayList<>();
        for (RecordedCommand c : entries) {
            if (c.type().equals(type)) {
                out.add(c);
            }
        }
        return out;
    }

    @Override
    public synchronized Optional<RecordedCommand> awaitCommand(Predicate<RecordedCommand> match, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long checkedUpTo = 0;
        while (true) {
            for (RecordedCommand c : entries) {
                if (c.sequence() > checkedUpTo && match.test(c)) {
                    return Optional.of(c);
                }
            }
            checkedUpTo = seq;
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return Optional.empty();
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    @Override
    public synchronized void clear() {
        entries.clear();
    }
}
