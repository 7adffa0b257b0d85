package org.hassette.websocket.internal;

/**
 * Where the client logs. The component's implementation masks the token in every message as a
 * second line of defence; the client itself never puts the token into a message.
 */
interface ClientLog {
    void debug(String message);

    void info(String message);

    void warn(String message);
}
