package org.hassette.api.ha;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The authenticated WebSocket connection to Home Assistant. Registered as a service only while the
 * connection is open, authenticated and subscribed to HA's events; withdrawn as soon as it drops.
 * A new registration after a reconnect has a new {@link #generation()}.
 *
 * <p>Thread safety: every method may be called from any thread. Result futures and event listeners
 * are completed/called on the connection's dispatch thread in the order HA sent the messages, never
 * on the socket reader; chain blocking work with the {@code *Async} methods of the future.
 */
@ProviderType
public interface HomeAssistantConnection {

    /**
     * Sends one command and returns its result: the {@code result} member of HA's answer as plain
     * Java values (null for commands that return nothing). Fails with {@link HomeAssistantException}
     * carrying HA's error {@code code}, or {@link HomeAssistantException#CLIENT_TIMEOUT},
     * {@link HomeAssistantException#CONNECTION_LOST}, {@link HomeAssistantException#NOT_CONNECTED}.
     *
     * @param type    the command type, e.g. {@code get_states}
     * @param fields  further fields of the command (not {@code id} or {@code type}); may be empty
     * @param timeout how long to wait for the result
     */
    CompletableFuture<Object> send(String type, Map<String, ?> fields, Duration timeout);

    /**
     * Sends a subscribing command ({@code render_template}, {@code subscribe_trigger}, ...) and calls
     * {@code onEvent} with the {@code event} member of every event message for it. The future
     * completes when HA acknowledged the command. After a reconnect the command is sent again on the
     * new connection (HA then sends its current state again, e.g. the template's result), so
     * {@code onEvent} keeps receiving until the subscription is closed; closing it sends
     * {@code unsubscribe_events}. Its events share the bounded dispatch queue with all other events
     * and are dropped and counted like them ({@link #eventsDropped()}, {@link #onEventsDropped}).
     */
    CompletableFuture<Subscription> subscribe(String type, Map<String, ?> fields, Consumer<Map<String, Object>> onEvent,
            Duration timeout);

    /**
     * Listens to events of one type ({@code null} for all types) from HA's event bus. The connection
     * holds one subscription to all events itself, so this call sends nothing; the listener stays
     * registered across reconnects until the subscription is closed.
     */
    Subscription onEvent(String eventType, HaEventListener listener);

    /**
     * Calls HA's REST API on the server of the current connection, with the same token, for what the
     * WebSocket API lacks (setting a state, history). The answer's JSON comes back as plain Java values.
     * Fails with {@link HomeAssistantException} carrying {@code http_<status>} for an HTTP error,
     * {@link HomeAssistantException#CLIENT_TIMEOUT} or {@link HomeAssistantException#NOT_CONNECTED}.
     *
     * @param method {@code GET} or {@code POST}
     * @param path   beginning with {@code /api/}, query included, already URL-encoded
     * @param body   a {@code Map} or {@code List} sent as JSON, or {@code null}
     */
    CompletableFuture<Object> rest(String method, String path, Object body, Duration timeout);

    /** Increases by one with each successful connection (1 for the first). */
    long generation();

    /** The version HA announced, e.g. {@code 2025.11.1}. */
    String haVersion();

    /** Events received from HA since the component started. */
    long eventsReceived();

    /** Events dropped because listeners fell behind and the dispatch queue was full. */
    long eventsDropped();

    /**
     * Calls {@code listener} soon after events were dropped ({@link #eventsDropped()} moved), on a
     * thread of the connection that is neither the reader nor the dispatcher; several drops in a row
     * may be reported once. A mirror of HA's state (the state cache) resyncs from here. The listener
     * stays registered across reconnects until the subscription is closed; it must not block.
     *
     * @since 1.1
     */
    default Subscription onEventsDropped(Runnable listener) {
        return () -> { }; // implementations that never drop events need not report drops
    }
}
