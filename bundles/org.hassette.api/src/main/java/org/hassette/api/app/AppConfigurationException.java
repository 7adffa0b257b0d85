package org.hassette.api.app;

/**
 * Thrown by {@link App#start} when the app's configuration is unusable (a missing entity id, a
 * value out of range). The platform marks the app FAILED with the message and does not retry: the
 * same configuration would fail again. Changing the configuration restarts the app.
 */
public class AppConfigurationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong and which property to fix, e.g. {@code "sensor: not set"} */
    public AppConfigurationException(String message) {
        super(message);
    }
}
