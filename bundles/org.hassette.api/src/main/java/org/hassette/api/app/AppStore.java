package org.hassette.api.app;

import java.util.Map;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A small durable key/value store for one app instance, kept in the platform database. It survives
 * app restarts, redeploys and platform restarts; each app instance sees only its own entries.
 *
 * <p>Writes return when committed. Keys are 1 to 200 characters, values at most 64 KiB; larger ones
 * are an {@link IllegalArgumentException}. A store that cannot be reached is an
 * {@link IllegalStateException} naming the cause.
 */
@ProviderType
public interface AppStore {

    /** The value stored under {@code key}. */
    Optional<String> get(String key);

    /** The value stored under {@code key}, or {@code fallback}. */
    default String get(String key, String fallback) {
        return get(key).orElse(fallback);
    }

    /** Stores {@code value} under {@code key}, replacing what was there. */
    void put(String key, String value);

    /** Removes {@code key}; true when it was there. */
    boolean remove(String key);

    /** Every entry, sorted by key. */
    Map<String, String> entries();
}
