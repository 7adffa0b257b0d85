package org.hassette.websocket.internal;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * Where the WebSocket API is. Accepts HA's base URL ({@code http://host:8123}, optionally with a
 * path prefix: {@code /api/websocket} is appended) or a WebSocket URL ({@code ws://host:8123/api/websocket}).
 */
record Endpoint(String host, int port, String path, boolean secure) {

    static Endpoint parse(String url) {
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL: '" + url + "' (" + e.getReason() + ")");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        boolean secure;
        boolean base;
        switch (scheme) {
            case "http": secure = false; base = true; break;
            case "https": secure = true; base = true; break;
            case "ws": secure = false; base = false; break;
            case "wss": secure = true; base = false; break;
            default:
                throw new IllegalArgumentException("unsupported URL scheme in '" + url + "': use http(s):// or ws(s)://");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("no host in URL '" + url + "'");
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        if (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        if (base || path.isEmpty()) {
            path = path + "/api/websocket";
        }
        int port = uri.getPort() > 0 ? uri.getPort() : secure ? 443 : 80;
        return new Endpoint(uri.getHost(), port, path, secure);
    }

    /** The WebSocket URL, e.g. {@code ws://127.0.0.1:8123/api/websocket}. */
    String url() {
        return (secure ? "wss" : "ws") + "://" + host + ":" + port + path;
    }

    /** The REST base on the same server, e.g. {@code http://127.0.0.1:8123} (any path prefix kept). */
    String restBase() {
        String prefix = path.endsWith("/api/websocket") ? path.substring(0, path.length() - "/api/websocket".length()) : "";
        return (secure ? "https" : "http") + "://" + host + ":" + port + prefix;
    }

    @Override
    public String toString() {
        return url();
    }
}
