package org.hassette.simulator;

import java.time.Instant;
import java.util.Map;

/**
 * One thing a client sent: a WebSocket message (after splitting command arrays) or a REST request.
 *
 * @param sequence     increasing number of the entry within the simulator
 * @param receivedAt   when it arrived
 * @param connectionId the WebSocket connection id, or 0 for REST
 * @param transport    {@code "ws"} or {@code "rest"}
 * @param type         the WebSocket {@code type} ({@code "auth"} for the auth message, with the token
 *                     masked), or {@code "METHOD /path"} for REST
 * @param json         the message as JSON text
 * @param message      the message as plain Java values (Map, List, String, Number, Boolean, null)
 */
public record RecordedCommand(long sequence, Instant receivedAt, long connectionId, String transport, String type,
        String json, Object message) {

    /** A top-level field of the message, or null if absent or the message is not an object. */
    public Object field(String key) {
        return message instanceof Map ? ((Map<?, ?>) message).get(key) : null;
    }
}
