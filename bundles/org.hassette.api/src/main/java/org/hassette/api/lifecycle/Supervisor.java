package org.hassette.api.lifecycle;

import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/** The watcher's view of supervised resources, for reports, the shell and the web. */
@ProviderType
public interface Supervisor {
    /** Supervision state of one resource, if the watcher has seen it. */
    Optional<SupervisionState> state(String resource);

    /** All supervised resources, by name. */
    List<SupervisionState> states();

    /**
     * Restarts a core resource now (operator request), outside the budget and backoff.
     *
     * @throws IllegalArgumentException naming the known resources when {@code resource} is unknown
     */
    void restartNow(String resource);
}
