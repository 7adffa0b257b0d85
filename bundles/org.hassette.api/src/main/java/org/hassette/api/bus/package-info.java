/**
 * The event bus: typed, filtered subscriptions to entity state changes, Home Assistant events,
 * service calls and in-process topics ({@link org.hassette.api.bus.EventBus}). Handlers never run on
 * the connection's threads; each listener has its own ordered, bounded queue.
 */
@Export
@Version("1.2.0")
package org.hassette.api.bus;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
