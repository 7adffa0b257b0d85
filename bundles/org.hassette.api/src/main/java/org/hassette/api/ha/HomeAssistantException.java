package org.hassette.api.ha;

/**
 * A command failed. {@link #code()} is Home Assistant's error code ({@code not_found},
 * {@code invalid_format}, {@code service_validation_error}, {@code home_assistant_error},
 * {@code template_error}, {@code unauthorized}, ...) or one of the client-side codes below; key on
 * the code, never on the message, which changes between HA versions.
 */
public class HomeAssistantException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The connection closed before the result arrived. */
    public static final String CONNECTION_LOST = "connection_lost";
    /** No result within the call's timeout. */
    public static final String CLIENT_TIMEOUT = "client_timeout";
    /** The command could not be sent (not connected, or the connection is shutting down). */
    public static final String NOT_CONNECTED = "not_connected";
    /** HA answered with something this client could not interpret. */
    public static final String BAD_RESPONSE = "bad_response";

    private final String code;

    public HomeAssistantException(String code, String message) {
        super(code + ": " + message);
        this.code = code;
    }

    /** The error code. */
    public String code() {
        return code;
    }
}
