package org.hassette.simulator;

/**
 * A snapshot of one open WebSocket connection.
 *
 * @param id            connection id (also in {@link RecordedCommand#connectionId()})
 * @param remoteAddress the client's address
 * @param authenticated whether {@code auth_ok} was sent
 * @param coalescing    whether the client enabled {@code coalesce_messages}
 * @param pending       messages queued for the client but not yet written to its socket
 * @param subscriptions active subscriptions (events, entities, triggers, templates)
 */
public record ConnectionInfo(long id, String remoteAddress, boolean authenticated, boolean coalescing, int pending,
        int subscriptions) {
}
