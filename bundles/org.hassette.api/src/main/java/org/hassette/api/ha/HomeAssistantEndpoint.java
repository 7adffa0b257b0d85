package org.hassette.api.ha;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * An HA to connect to when none is configured: the embedded demo home registers one. The
 * connection uses, in this order, its configuration, the framework properties
 * {@code hassette.ha.url}/{@code hassette.ha.token.file}, then the highest-ranked endpoint service.
 */
@ConsumerType
public interface HomeAssistantEndpoint {
    /** HA's base URL ({@code http://127.0.0.1:PORT}) or WebSocket URL. */
    String url();

    /** The access token. Never logged. */
    String token();
}
