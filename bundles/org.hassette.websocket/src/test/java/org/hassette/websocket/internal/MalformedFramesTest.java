package org.hassette.websocket.internal;

import static org.junit.jupiter.api.Assertions.*;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.hassette.api.ha.HaEvent;
import org.junit.jupiter.api.Test;

/**
 * A hand-scripted server sends what a broken or newer HA might: invalid JSON, a binary frame,
 * unknown message types, non-object messages, results and events for unknown ids. Each is logged
 * clearly and skipped; the connection stays usable.
 */
class MalformedFramesTest {

    @Test
    void malformedAndUnknownMessagesAreLoggedAndTheConnectionSurvives() throws Exception {
        try (ServerSocket server = new ServerSocket(0)) {
            Thread fake = new Thread(() -> serve(server), "fake-ha");
            fake.setDaemon(true);
            fake.start();
            try (SessionHarness h = new SessionHarness("http://127.0.0.1:" + server.getLocalPort(), 1024).open("tok")) {
                List<HaEvent> got = new CopyOnWriteArrayList<>();
                h.on("it_works", got::add);
                Await.until("the valid event after the garbage", () -> !got.isEmpty());
                assertEquals(1L, got.get(0).data().get("n"));
                assertEquals("01KA", got.get(0).contextId());
                assertTrue(h.log.contains("WARN Home Assistant sent a malformed frame (8 bytes, starts with '{\"type\":'"), h.log.lines.toString());
                assertTrue(h.log.contains("WARN Home Assistant sent a binary frame (3 bytes); ignored"), h.log.lines.toString());
                assertTrue(h.log.contains("WARN Home Assistant sent a message of unknown type 'surprise' (id 2); ignored"), h.log.lines.toString());
                assertTrue(h.log.contains("WARN Home Assistant sent a message that is not an object: 1; ignored"), h.log.lines.toString());
                assertTrue(h.log.contains("DEBUG result for unknown or timed-out command 99 ignored"), h.log.lines.toString());
                assertTrue(h.log.contains("DEBUG event for unknown subscription 77 ignored"), h.log.lines.toString());
                assertFalse(h.session.isClosed());
                assertNull(h.session.send("ping", Map.of(), Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS));
            }
        }
    }

    private static void serve(ServerSocket server) {
        try (Socket s = server.accept()) {
            InputStream in = new BufferedInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            String head = readHead(in);
            String key = head.lines().filter(l -> l.toLowerCase().startsWith("sec-websocket-key:"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElseThrow();
            out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "
                    + Handshake.acceptFor(key) + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            WebSocketFrames.Reader reader = new WebSocketFrames.Reader(in, 1 << 20);
            text(out, "{\"type\":\"auth_required\",\"ha_version\":\"2099.1.0\"}");
            reader.next(); // auth
            text(out, "{\"type\":\"auth_ok\",\"ha_version\":\"2099.1.0\"}");
            reader.next(); // supported_features, id 1
            reader.next(); // subscribe_events, id 2
            text(out, "[{\"id\":1,\"type\":\"result\",\"success\":true,\"result\":null},{\"id\":2,\"type\":\"result\",\"success\":true,\"result\":null}]");
            text(out, "{\"type\":");
            out.write(WebSocketFramesTest.frame(true, 2, new byte[] {1, 2, 3}, null));
            text(out, "{\"id\":2,\"type\":\"surprise\"}");
            text(out, "[1,\"x\"]");
            text(out, "{\"id\":99,\"type\":\"result\",\"success\":true,\"result\":null}");
            text(out, "{\"id\":77,\"type\":\"event\",\"event\":{\"event_type\":\"x\"}}");
            text(out, "{\"type\":\"event\",\"event\":{\"event_type\":\"it_works\",\"data\":{\"n\":1},\"origin\":\"LOCAL\","
                    + "\"time_fired\":\"2025-11-16T21:58:12.444020+00:00\",\"context\":{\"id\":\"01KA\",\"parent_id\":null,\"user_id\":null}},\"id\":2}");
            while (true) {
                WebSocketFrames.Message m = reader.next();
                if (m.opcode == WebSocketFrames.OP_CLOSE) {
                    return;
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> cmd = (Map<String, Object>) Json.parse(m.data, 0, m.length);
                if ("ping".equals(cmd.get("type"))) {
                    text(out, "{\"id\":" + cmd.get("id") + ",\"type\":\"pong\"}");
                }
            }
        } catch (IOException e) {
            // client went away
        }
    }

    private static void text(OutputStream out, String json) throws IOException {
        out.write(WebSocketFramesTest.frame(true, 1, json.getBytes(StandardCharsets.UTF_8), null));
        out.flush();
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        while (!sb.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("eof");
            }
            sb.append((char) b);
        }
        return sb.toString();
    }
}
