package org.hassette.api.scheduler;

import java.time.Duration;
import java.util.Objects;

/**
 * A sun event moved by an offset, e.g. {@code SunEvent.SUNSET.plus(Duration.ofMinutes(30))}.
 *
 * @param event  the sun event
 * @param offset added to it (negative: earlier)
 */
public record SunOffset(SunEvent event, Duration offset) {
    public SunOffset {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(offset, "offset");
    }

    @Override
    public String toString() {
        String e = event.name().toLowerCase(java.util.Locale.ROOT);
        if (offset.isZero()) {
            return e;
        }
        long m = offset.toMinutes();
        String amount = offset.toSeconds() % 60 == 0 ? Math.abs(m) + " min" : Math.abs(offset.toSeconds()) + " s";
        return e + (offset.isNegative() ? " - " : " + ") + amount;
    }
}
