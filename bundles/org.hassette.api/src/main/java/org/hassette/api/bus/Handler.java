package org.hassette.api.bus;

import org.osgi.annotation.versioning.ConsumerType;

/** Handles one event. Runs on a bus handler thread; may block (within its timeout). */
@ConsumerType
@FunctionalInterface
public interface Handler<E> {
    void handle(E event) throws Exception;
}
