package org.hassette.api.session;

import java.util.Locale;

/** Outcome of a run, as stored in the {@code sessions} table. */
public enum SessionStatus {
    /** The run is going on (or was killed: see {@link #UNKNOWN}). */
    RUNNING,
    /** Stopped cleanly. */
    SUCCESS,
    /** Stopped because something was fatal. */
    FAILURE,
    /** The process died without finalizing; found at the next start. */
    UNKNOWN;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static SessionStatus parse(String text) {
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
    }
}
