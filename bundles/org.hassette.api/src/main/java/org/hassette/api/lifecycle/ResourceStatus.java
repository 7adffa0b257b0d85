package org.hassette.api.lifecycle;

import java.util.Locale;

/**
 * Where a resource is in its lifecycle.
 *
 * <p>{@link #FAILED} is recoverable (the watcher may restart the resource); {@link #CRASHED} is
 * fatal for a core resource. The two {@code EXHAUSTED_*} values mean the restart budget ran out:
 * {@link #EXHAUSTED_COOLING} waits for a cooldown before trying again, {@link #EXHAUSTED_DEAD}
 * never tries again.
 */
public enum ResourceStatus {
    NOT_STARTED,
    STARTING,
    RUNNING,
    STOPPING,
    STOPPED,
    FAILED,
    CRASHED,
    EXHAUSTED_COOLING,
    EXHAUSTED_DEAD;

    /** True for statuses a resource does not leave by itself. */
    public boolean isTerminal() {
        return this == STOPPED || this == EXHAUSTED_DEAD;
    }

    /** True for statuses that mean something went wrong. */
    public boolean isFailure() {
        return this == FAILED || this == CRASHED || this == EXHAUSTED_COOLING || this == EXHAUSTED_DEAD;
    }

    /** Lower-case name used in service properties, JSON and tables, e.g. {@code exhausted_cooling}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a status written by {@link #label()} or {@link #name()}.
     *
     * @throws IllegalArgumentException naming the accepted values when {@code text} is none of them
     */
    public static ResourceStatus parse(String text) {
        if (text != null) {
            for (ResourceStatus s : values()) {
                if (s.name().equalsIgnoreCase(text.trim())) {
                    return s;
                }
            }
        }
        throw new IllegalArgumentException("unknown resource status '" + text + "'; expected one of "
                + java.util.Arrays.toString(values()).toLowerCase(Locale.ROOT));
    }
}
