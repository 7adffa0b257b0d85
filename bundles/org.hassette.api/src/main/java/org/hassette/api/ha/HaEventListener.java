package org.hassette.api.ha;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Receives Home Assistant events. Called on the connection's dispatch thread, one event at a time
 * in the order HA sent them; it must return quickly (hand long work to an executor), since a slow
 * listener delays every other listener and, past the queue limit, makes the connection drop events.
 */
@ConsumerType
@FunctionalInterface
public interface HaEventListener {
    void onEvent(HaEvent event);
}
