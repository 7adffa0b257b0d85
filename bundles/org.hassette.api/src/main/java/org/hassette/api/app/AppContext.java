package org.hassette.api.app;

import org.hassette.api.bus.EventBus;
import org.hassette.api.constraints.Constraint;
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

    /**
     * Receives the failures of this app's listeners and jobs that have no error handler of their
     * own ({@code ListenerBuilder.onError}, {@code JobOptions.Builder.onError}): a handler that threw
     * or timed out, a predicate or constraint that threw. Applies to what is registered before and
     * after the call; a later call replaces the handler, {@code null} removes it. Without one,
     * listener failures are logged (and job failures, as always, by the scheduler).
     *
     * <pre>{@code
     * app.onError(e -> app.ha().callService("notify", "admin", Map.of("message", e.toString())));
     * }</pre>
     */
    void onError(AppErrorHandler handler);

    /**
     * Gates every listener and job of this app, registered before or after the call, on
     * {@code constraints} (added to those of earlier calls): checked right before each handler call
     * or run, after the listener's or job's own constraints. A call they say no to is skipped and
     * recorded like any constrained call, the reason naming the app-wide constraint, e.g.
     * {@code vacation (app-wide): input_boolean.vacation is on, not off}.
     *
     * <pre>{@code
     * app.constrainAll(Constraints.entityIs("input_boolean.vacation", "off").named("vacation"));
     * }</pre>
     */
    void constrainAll(Constraint... constraints);
}
