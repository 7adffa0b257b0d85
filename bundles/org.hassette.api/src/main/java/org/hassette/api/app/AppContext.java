package org.hassette.api.app;

import org.hassette.api.bus.EventBus;
import org.hassette.api.ha.HomeAssistantApi;
import org.hassette.api.ha.StateCache;
import org.hassette.api.scheduler.Scheduler;
import org.osgi.annotation.versioning.ProviderType;
import org.slf4j.Logger;

/**
 * What one app instance uses. The bus and scheduler are scoped to the instance: every listener and
 * job registered through them is cancelled when the app stops.
 */
@ProviderType
public interface AppContext {

    /** The app instance id, {@code app:<component name or service.pid>}. */
    String appId();

    /** The event bus, scoped to this app instance. */
    EventBus bus();

    /** The scheduler, scoped to this app instance. */
    Scheduler scheduler();

    /** The state cache (the core is ready while an app runs, so it is present). */
    StateCache states();

    /** Calls to Home Assistant. */
    HomeAssistantApi ha();

    /** A logger named after the app instance ({@code hassette.app.<id>}). */
    Logger log();

    /** This instance's durable key/value store. */
    AppStore store();
}
