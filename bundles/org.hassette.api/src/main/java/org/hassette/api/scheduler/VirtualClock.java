package org.hassette.api.scheduler;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A clock that moves only when told to. Time is frozen at creation; {@link #advance} and
 * {@link #advanceTo} move it forward, stopping at every deadline of the attached {@link Listener}s
 * (a scheduler attaches itself) in order, so due jobs fire deterministically on the calling thread,
 * exactly as often and in the order they would in real time.
 *
 * <p>Advancing is serialized: one thread at a time. A listener that keeps asking to be woken at the
 * same instant is stopped after {@value #MAX_WAKEUPS} wake-ups with an exception instead of spinning.
 */
public final class VirtualClock implements Clock {
    /** Upper bound of wake-ups in one advance; beyond it a listener is not making progress. */
    public static final int MAX_WAKEUPS = 1_000_000;

    /** Something that wants to be woken at its next deadline in virtual time (a scheduler). */
    public interface Listener {
        /** The earliest instant this listener has work for, or {@code null} for none. */
        Instant nextDeadline();

        /** Called with the clock already at {@code now}; does the work due at or before it. */
        void onTime(Instant now);
    }

    private final ZoneId zone;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final Object advancing = new Object();
    private volatile Instant now;

    private VirtualClock(Instant start, ZoneId zone) {
        this.now = Objects.requireNonNull(start, "start");
        this.zone = Objects.requireNonNull(zone, "zone");
    }

    /** A clock frozen at {@code start}, in {@code start}'s zone. */
    public static VirtualClock frozenAt(ZonedDateTime start) {
        return new VirtualClock(start.toInstant(), start.getZone());
    }

    /** A clock frozen at {@code start} in {@code zone}. */
    public static VirtualClock frozenAt(Instant start, ZoneId zone) {
        return new VirtualClock(start, zone);
    }

    @Override
    public Instant now() {
        return now;
    }

    @Override
    public ZoneId zone() {
        return zone;
    }

    /** Attaches a listener; it is woken by later advances. */
    public void addListener(Listener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Detaches a listener. */
    public void removeListener(Listener listener) {
        listeners.remove(listener);
    }

    /** Moves time forward by {@code amount} (zero runs what is due now). */
    public void advance(Duration amount) {
        if (amount.isNegative()) {
            throw new IllegalArgumentException("time never goes back: advance(" + amount + ")");
        }
        synchronized (advancing) {
            advanceTo(now.plus(amount));
        }
    }

    /** Moves time forward to {@code target}, stopping at every listener deadline on the way. */
    public void advanceTo(Instant target) {
        synchronized (advancing) {
            if (target.isBefore(now)) {
                throw new IllegalArgumentException("time never goes back: now " + now + ", asked for " + target);
            }
            int wakeups = 0;
            while (true) {
                Instant next = earliestDeadline();
                if (next == null || next.isAfter(target)) {
                    break;
                }
                if (next.isAfter(now)) {
                    now = next;
                }
                for (Listener l : listeners) {
                    l.onTime(now);
                }
                if (++wakeups > MAX_WAKEUPS) {
                    throw new IllegalStateException("more than " + MAX_WAKEUPS + " wake-ups at or before " + now
                            + " while advancing to " + target + ": a listener is not making progress");
                }
            }
            now = target;
        }
    }

    /** Moves time forward to {@code target}. */
    public void advanceTo(ZonedDateTime target) {
        advanceTo(target.toInstant());
    }

    private Instant earliestDeadline() {
        Instant earliest = null;
        for (Listener l : listeners) {
            Instant d = l.nextDeadline();
            if (d != null && (earliest == null || d.isBefore(earliest))) {
                earliest = d;
            }
        }
        return earliest;
    }

    @Override
    public String toString() {
        return "VirtualClock[" + now.atZone(zone) + "]";
    }
}
