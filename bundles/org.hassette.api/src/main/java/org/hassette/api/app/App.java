package org.hassette.api.app;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * An automation. Register it as a service ({@code @Component(service = App.class)}); the platform
 * starts it with its own {@link AppContext} and stops it when the service goes away.
 */
@ConsumerType
public interface App {

    /**
     * Registers the app's listeners and jobs. Called once per service registration, on a platform
     * worker thread, with a timeout; an exception or timeout marks this app FAILED (others are not
     * affected) and removes whatever it registered so far.
     */
    void start(AppContext context) throws Exception;

    /**
     * Called before the platform removes the app's listeners and jobs. Optional; exceptions are
     * logged and ignored.
     */
    default void stop() {
    }
}
