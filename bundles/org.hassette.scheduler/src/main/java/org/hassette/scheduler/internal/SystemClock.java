package org.hassette.scheduler.internal;

import java.time.Instant;
import java.time.ZoneId;
import org.hassette.api.scheduler.Clock;

/** The real clock in the configured zone. */
record SystemClock(ZoneId zone) implements Clock {
    @Override
    public Instant now() {
        return Instant.now();
    }
}
