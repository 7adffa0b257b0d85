package org.hassette.scheduler.internal;

import java.time.ZonedDateTime;

/** One run at a fixed instant. */
final class OnceTrigger implements Trigger {
    private final ZonedDateTime at;
    private final String description;

    OnceTrigger(ZonedDateTime at, String description) {
        this.at = at;
        this.description = description;
    }

    @Override
    public ZonedDateTime first(ZonedDateTime now) {
        return at;
    }

    @Override
    public ZonedDateTime next(ZonedDateTime after) {
        return null;
    }

    @Override
    public String describe() {
        return description;
    }
}
