package org.hassette.api.ha;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Every entity's current state, mirrored from Home Assistant. Registered only after a full
 * {@code get_states} sync of the current connection generation; kept current from
 * {@code state_changed} events. Reads are lock-free and may happen on any thread.
 */
@ProviderType
public interface StateCache {

    /** The state of one entity. */
    Optional<EntityState> get(String entityId);

    /** All entities of a domain, e.g. {@code light}. */
    List<EntityState> domain(String domain);

    /**
     * Entities whose id matches a glob: {@code *} matches any run of characters, {@code ?} one
     * character; e.g. {@code sensor.*_temperature}.
     */
    List<EntityState> matching(String glob);

    /** A snapshot of all states. */
    Collection<EntityState> all();

    /** Number of entities. */
    int size();

    /** The connection generation this cache was synced from. */
    long generation();

    /** Registers a change listener until the returned subscription is closed. */
    Subscription addListener(StateChangeListener listener);
}
