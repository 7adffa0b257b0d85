package org.hassette.scheduler.internal;

import java.time.Duration;
import java.time.ZonedDateTime;

/** Runs on the grid {@code anchor + k * interval}, k >= 0, in absolute time. */
final class EveryTrigger implements Trigger {
    private final Duration interval;
    private final ZonedDateTime anchor;

    EveryTrigger(Duration interval, ZonedDateTime anchor) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive, was " + interval);
        }
        this.interval = interval;
        this.anchor = anchor;
    }

    @Override
    public ZonedDateTime first(ZonedDateTime now) {
        if (!anchor.isBefore(now)) {
            return anchor;
        }
        return next(now.minusNanos(1));
    }

    @Override
    public ZonedDateTime next(ZonedDateTime after) {
        if (after.isBefore(anchor)) {
            return anchor;
        }
        long elapsed = Duration.between(anchor, after).toNanos();
        long steps = elapsed / interval.toNanos() + 1;
        return anchor.plus(interval.multipliedBy(steps)).withZoneSameInstant(after.getZone());
    }

    @Override
    public String describe() {
        return "every " + interval + " from " + anchor;
    }
}
