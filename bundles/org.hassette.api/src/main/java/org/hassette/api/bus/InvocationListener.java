package org.hassette.api.bus;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard telemetry hook: register a service of this type to be told about every handler call.
 * Called on the handler's thread right after the call, or on the listener's dispatch thread for a
 * call a constraint skipped ({@link InvocationRecord.Outcome#SKIPPED}); must return quickly and not throw.
 */
@ConsumerType
@FunctionalInterface
public interface InvocationListener {
    void invoked(InvocationRecord record);
}
