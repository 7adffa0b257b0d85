package org.hassette.api.bus;

import org.osgi.annotation.versioning.ProviderType;

/** A registered listener. Cancelling twice is harmless; pending timers are cancelled with it. */
@ProviderType
public interface Subscription extends AutoCloseable {

    /** The listener's name. */
    String name();

    /** Stops delivery; a call already running finishes. */
    void cancel();

    /** Whether {@link #cancel()} was called (or {@code once} fired). */
    boolean isCancelled();

    /** Counters since registration. */
    ListenerStats stats();

    @Override
    default void close() {
        cancel();
    }
}
