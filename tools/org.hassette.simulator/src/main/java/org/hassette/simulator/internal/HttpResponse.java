package org.hassette.simulator.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** An HTTP response as aiohttp sends it for HA's views. */
public final class HttpResponse {

    static final String SERVER = "Python/3.13 aiohttp/3.12.15";

    final int status;
    final String contentType;
    final byte[] body;
    final Map<String, String> headers = new LinkedHashMap<>();

    public HttpResponse(int status, String contentType, byte[] body) {
        this.status = status;
        this.contentType = contentType;
        this.body = body;
    }

    public static HttpResponse json(int status, Object value) {
        return new HttpResponse(status, "application/json", JsonOut.toBytes(value));
    }

    public static HttpResponse jsonBytes(int status, byte[] json) {
        return new HttpResponse(status, "application/json", json);
    }

    /** {@code HomeAssistantView.json_message}: {@code {"message": "..."}}. */
    public static HttpResponse message(int status, String message) {
        return json(status, Map.of("message", message));
    }

    /** aiohttp's plain-text error page for an HTTPException, e.g. {@code 401: Unauthorized}. */
    public static HttpResponse plainError(int status) {
        return new HttpResponse(status, "text/plain; charset=utf-8",
                (status + ": " + reason(status)).getBytes(StandardCharsets.UTF_8));
    }

    public static HttpResponse text(int status, String text) {
        return new HttpResponse(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
    }

    public HttpResponse header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    static String reason(int status) {
        switch (status) {
            case 101: return "Switching Protocols";
            case 200: return "OK";
            case 201: return "Created";
            case 202: return "Accepted";
            case 400: return "Bad Request";
            case 401: return "Unauthorized";
            case 403: return "Forbidden";
            case 404: return "Not Found";
            case 405: return "Method Not Allowed";
            case 413: return "Request Entity Too Large";
            case 426: return "Upgrade Required";
            case 431: return "Request Header Fields Too Large";
            case 500: return "Internal Server Error";
            case 503: return "Service Unavailable";
            default: return "Status";
        }
    }

    void write(OutputStream out, boolean keepAlive) throws IOException {
        StringBuilder sb = new StringBuilder(256);
        sb.append("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
        sb.append("Content-Type: ").append(contentType).append("\r\n");
        sb.append("Content-Length: ").append(body.length).append("\r\n");
        for (Map.Entry<String, String> h : headers.entrySet()) {
            sb.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
        }
        sb.append("Server: ").append(SERVER).append("\r\n");
        sb.append("Connection: ").append(keepAlive ? "keep-alive" : "close").append("\r\n\r\n");
        out.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
    }
}
