package org.hassette.api.scheduler;

import java.time.Duration;

/** Daily solar events, computed locally from the {@link Location}. */
public enum SunEvent {
    /** Civil dawn: the sun's centre 6° below the horizon, rising. */
    DAWN,
    /** The sun's upper limb appears (refraction included). */
    SUNRISE,
    /** The sun's upper limb disappears (refraction included). */
    SUNSET,
    /** Civil dusk: the sun's centre 6° below the horizon, setting. */
    DUSK;

    /** This event moved by {@code offset} (negative: earlier), for sun-relative constraints. */
    public SunOffset plus(Duration offset) {
        return new SunOffset(this, offset);
    }

    /** This event moved earlier by {@code offset}. */
    public SunOffset minus(Duration offset) {
        return new SunOffset(this, offset.negated());
    }
}
