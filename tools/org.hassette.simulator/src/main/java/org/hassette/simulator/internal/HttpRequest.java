package org.hassette.simulator.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** An HTTP/1.1 request read from a socket: request line, headers, and a body by length or chunks. */
public final class HttpRequest {

    static final int MAX_HEADER_BYTES = 64 * 1024;
    static final int MAX_BODY_BYTES = 16 * 1024 * 1024;

    /** A request the server cannot read; answered with {@code status} and the connection closed. */
    static final class BadRequest extends IOException {
        private static final long serialVersionUID = 1L;
        final int status;

        BadRequest(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    public final String method;
    public final String path;
    public final String rawQuery;
    public final String version;
    private final Map<String, String> headers;
    public final byte[] body;

    private HttpRequest(String method, String path, String rawQuery, String version, Map<String, String> headers,
            byte[] body) {
        this.method = method;
        this.path = path;
        this.rawQuery = rawQuery;
        this.version = version;
        this.headers = headers;
        this.body = body;
    }

    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** Query parameters, URL-decoded; a parameter without value maps to the empty string. */
    public Map<String, String> query() {
        Map<String, String> q = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return q;
        }
        for (String part : rawQuery.split("&")) {
            if (part.isEmpty()) {
                continue;
            }
            int eq = part.indexOf('=');
            String k = eq < 0 ? part : part.substring(0, eq);
            String v = eq < 0 ? "" : part.substring(eq + 1);
            q.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
        }
        return q;
    }

    public boolean keepAlive() {
        String c = header("connection");
        if ("HTTP/1.0".equals(version)) {
            return c != null && c.equalsIgnoreCase("keep-alive");
        }
        return c == null || !c.toLowerCase(Locale.ROOT).contains("close");
    }

    /** Reads one request; null at a clean end of stream before any byte. */
    static HttpRequest read(InputStream in) throws IOException {
        String requestLine = readLine(in, true);
        if (requestLine == null) {
            return null;
        }
        while (requestLine.isEmpty()) { // tolerate stray CRLF between requests
            requestLine = readLine(in, true);
            if (requestLine == null) {
                return null;
            }
        }
        String[] parts = requestLine.split(" ");
        if (parts.length != 3 || !parts[2].startsWith("HTTP/1.")) {
            throw new BadRequest(400, "Bad request line");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        int total = requestLine.length();
        while (true) {
            String line = readLine(in, false);
            if (line == null) {
                throw new BadRequest(400, "Unexpected end of headers");
            }
            if (line.isEmpty()) {
                break;
            }
            total += line.length();
            if (total > MAX_HEADER_BYTES) {
                throw new BadRequest(431, "Request header fields too large");
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new BadRequest(400, "Bad header line");
            }
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            headers.merge(name, value, (a, b) -> a + ", " + b);
        }
        byte[] body = readBody(in, headers);
        String target = parts[1];
        int q = target.indexOf('?');
        String rawPath = q < 0 ? target : target.substring(0, q);
        String query = q < 0 ? null : target.substring(q + 1);
        String path;
        try {
            path = URLDecoder.decode(rawPath.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new BadRequest(400, "Bad path encoding");
        }
        return new HttpRequest(parts[0], path, query, parts[2], headers, body);
    }

    private static byte[] readBody(InputStream in, Map<String, String> headers) throws IOException {
        String te = headers.get("transfer-encoding");
        if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            while (true) {
                String sizeLine = readLine(in, false);
                if (sizeLine == null) {
                    throw new BadRequest(400, "Unexpected end of chunked body");
                }
                int semi = sizeLine.indexOf(';');
                int size;
                try {
                    size = Integer.parseInt((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
                } catch (NumberFormatException e) {
                    throw new BadRequest(400, "Bad chunk size");
                }
                if (size == 0) {
                    while (true) { // trailers
                        String t = readLine(in, false);
                        if (t == null || t.isEmpty()) {
                            break;
                        }
                    }
                    return out.toByteArray();
                }
                if (out.size() + size > MAX_BODY_BYTES) {
                    throw new BadRequest(413, "Request body too large");
                }
                out.write(in.readNBytes(size));
                readLine(in, false);
            }
        }
        String cl = headers.get("content-length");
        if (cl == null) {
            return new byte[0];
        }
        long len;
        try {
            len = Long.parseLong(cl.trim());
        } catch (NumberFormatException e) {
            throw new BadRequest(400, "Bad Content-Length");
        }
        if (len < 0 || len > MAX_BODY_BYTES) {
            throw new BadRequest(413, "Request body too large");
        }
        byte[] body = in.readNBytes((int) len);
        if (body.length != len) {
            throw new BadRequest(400, "Body shorter than Content-Length");
        }
        return body;
    }

    private static String readLine(InputStream in, boolean eofOk) throws IOException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (sb.length() == 0 && eofOk) {
                    return null;
                }
                return sb.length() == 0 ? null : sb.toString();
            }
            if (b == '\n') {
                int n = sb.length();
                if (n > 0 && sb.charAt(n - 1) == '\r') {
                    sb.setLength(n - 1);
                }
                return sb.toString();
            }
            if (sb.length() > MAX_HEADER_BYTES) {
                throw new BadRequest(431, "Line too long");
            }
            sb.append((char) b);
        }
    }
}
