package org.hassette.api.scheduler;

/** Daily solar events, computed locally from the {@link Location}. */
public enum SunEvent {
    /** Civil dawn: the sun's centre 6° below the horizon, rising. */
    DAWN,
    /** The sun's upper limb appears (refraction included). */
    SUNRISE,
    /** The sun's upper limb disappears (refraction included). */
    SUNSET,
    /** Civil dusk: the sun's centre 6° below the horizon, setting. */
    DUSK
}
