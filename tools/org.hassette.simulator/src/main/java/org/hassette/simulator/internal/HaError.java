package org.hassette.simulator.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/** An error that becomes a WebSocket {@code result} with {@code success:false} (codes from core's websocket_api/const.py). */
public final class HaError extends RuntimeException {

    public static final String ID_REUSE = "id_reuse";
    public static final String INVALID_FORMAT = "invalid_format";
    public static final String NOT_ALLOWED = "not_allowed";
    public static final String NOT_FOUND = "not_found";
    public static final String NOT_SUPPORTED = "not_supported";
    public static final String HOME_ASSISTANT_ERROR = "home_assistant_error";
    public static final String SERVICE_VALIDATION_ERROR = "service_validation_error";
    public static final String UNKNOWN_COMMAND = "unknown_command";
    public static final String UNKNOWN_ERROR = "unknown_error";
    public static final String UNAUTHORIZED = "unauthorized";
    public static final String TIMEOUT = "timeout";
    public static final String TEMPLATE_ERROR = "template_error";

    private static final long serialVersionUID = 1L;

    private final String code;
    private final String translationKey;
    private final String translationDomain;
    private final Map<String, Object> translationPlaceholders;

    public HaError(String code, String message) {
        this(code, message, null, null, null);
    }

    public HaError(String code, String message, String translationKey, String translationDomain,
            Map<String, Object> translationPlaceholders) {
        super(message, null, false, false);
        this.code = code;
        this.translationKey = translationKey;
        this.translationDomain = translationDomain;
        this.translationPlaceholders = translationPlaceholders;
    }

    public static HaError serviceNotFound(String domain, String service) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("domain", domain);
        p.put("service", service);
        return new HaError(NOT_FOUND, "Service " + domain + "." + service + " not found.", "service_not_found",
                "homeassistant", p);
    }

    public static HaError validation(String message, String translationKey, Map<String, Object> placeholders) {
        return new HaError(SERVICE_VALIDATION_ERROR, "Validation error: " + message, translationKey, "homeassistant",
                placeholders);
    }

    public String code() {
        return code;
    }

    /** The {@code error} object of the result message; translation keys only when one exists. */
    public Map<String, Object> errorObject() {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("code", code);
        e.put("message", getMessage());
        if (translationKey != null) {
            e.put("translation_key", translationKey);
            e.put("translation_placeholders", translationPlaceholders);
            e.put("translation_domain", translationDomain);
        }
        return e;
    }
}
