package org.hassette.websocket.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/** The RFC 6455 opening handshake (client side). */
final class Handshake {
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final int MAX_HEADER_BYTES = 16 * 1024;

    private Handshake() {
    }

    /** Sends the upgrade request and checks the 101 answer; leaves {@code in} at the first frame byte. */
    static void perform(Endpoint endpoint, InputStream in, OutputStream out) throws IOException {
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        String key = Base64.getEncoder().encodeToString(nonce);
        boolean defaultPort = endpoint.port() == (endpoint.secure() ? 443 : 80);
        String request = "GET " + endpoint.path() + " HTTP/1.1\r\n"
                + "Host: " + endpoint.host() + (defaultPort ? "" : ":" + endpoint.port()) + "\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + key + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n"
                + "User-Agent: hassette\r\n\r\n";
        out.write(request.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();

        String head = readHead(in);
        String[] lines = head.split("\r\n");
        String status = lines[0];
        if (!status.startsWith("HTTP/1.1 101")) {
            throw new IOException("WebSocket upgrade refused by " + endpoint + ": " + status
                    + (status.contains(" 404") ? " (is this Home Assistant's URL?)" : ""));
        }
        String accept = null;
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0 && lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("sec-websocket-accept")) {
                accept = lines[i].substring(colon + 1).trim();
            }
        }
        if (!acceptFor(key).equals(accept)) {
            throw new IOException("WebSocket upgrade from " + endpoint + " has a wrong Sec-WebSocket-Accept");
        }
    }

    static String acceptFor(String key) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            return Base64.getEncoder().encodeToString(sha1.digest((key + GUID).getBytes(StandardCharsets.ISO_8859_1)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int state = 0;
        while (state < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed during the WebSocket handshake");
            }
            if (sb.length() > MAX_HEADER_BYTES) {
                throw new IOException("WebSocket handshake answer longer than " + MAX_HEADER_BYTES + " bytes");
            }
            sb.append((char) b);
            state = (b == '\r' && (state == 0 || state == 2)) ? state + 1 : (b == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
        }
        return sb.substring(0, sb.length() - 4);
    }
}
