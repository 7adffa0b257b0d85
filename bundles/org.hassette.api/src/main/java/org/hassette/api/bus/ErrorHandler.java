package org.hassette.api.bus;

import org.osgi.annotation.versioning.ConsumerType;

/** Receives the failures of a listener. Must not throw (what it throws is logged and dropped). */
@ConsumerType
@FunctionalInterface
public interface ErrorHandler {
    void onError(BusError error);
}
