package org.hassette.websocket.internal;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class WebSocketFramesTest {

    /** A server frame (unmasked unless a mask is given). */
    static byte[] frame(boolean fin, int opcode, byte[] payload, byte[] mask) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write((fin ? 0x80 : 0) | opcode);
        int maskBit = mask == null ? 0 : 0x80;
        int len = payload.length;
        if (len <= 125) {
            out.write(maskBit | len);
        } else if (len <= 65535) {
            out.write(maskBit | 126);
            out.write(len >>> 8);
            out.write(len);
        } else {
            out.write(maskBit | 127);
            for (int i = 7; i >= 0; i--) {
                out.write((int) ((long) len >>> (8 * i)));
            }
        }
        byte[] body = payload.clone();
        if (mask != null) {
            out.writeBytes(mask);
            for (int i = 0; i < body.length; i++) {
                body[i] ^= mask[i & 3];
            }
        }
        out.writeBytes(body);
        return out.toByteArray();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readsTextFramesOfEveryLengthEncoding() throws IOException {
        byte[] small = utf8("{\"type\":\"pong\"}");
        byte[] medium = new byte[70_000 - 1];
        Arrays.fill(medium, (byte) 'a');
        byte[] big = new byte[300];
        Arrays.fill(big, (byte) 'b');
        WebSocketFrames.Reader r = new WebSocketFrames.Reader(new ByteArrayInputStream(concat(
                frame(true, 1, small, null), frame(true, 1, big, null), frame(true, 1, medium, null))), 1 << 20);
        assertEquals("{\"type\":\"pong\"}", r.next().text());
        assertEquals(300, r.next().length);
        WebSocketFrames.Message m = r.next();
        assertEquals(WebSocketFrames.OP_TEXT, m.opcode);
        assertEquals(69_999, m.length);
        assertThrows(EOFException.class, r::next);
    }

    @Test
    void joinsFragmentsAcrossAControlFrameInBetween() throws IOException {
        WebSocketFrames.Reader r = new WebSocketFrames.Reader(new ByteArrayInputStream(concat(
                frame(false, 1, utf8("[{\"a\":"), null),
                frame(true, 9, utf8("hb"), null),
                frame(false, 0, utf8("1},"), null),
                frame(true, 0, utf8("{\"b\":2}]"), null))), 1 << 20);
        WebSocketFrames.Message ping = r.next();
        assertEquals(WebSocketFrames.OP_PING, ping.opcode);
        assertEquals("hb", ping.text());
        WebSocketFrames.Message m = r.next();
        assertEquals(WebSocketFrames.OP_TEXT, m.opcode);
        assertEquals("[{\"a\":1},{\"b\":2}]", m.text());
    }

    @Test
    void fragmentedMessageWithoutInterleavingIsOneMessage() throws IOException {
        WebSocketFrames.Reader r = new WebSocketFrames.Reader(new ByteArrayInputStream(concat(
                frame(false, 1, utf8("[{\"a\":"), null),
                frame(false, 0, utf8("1},"), null),
                frame(true, 0, utf8("{\"b\":2}]"), null))), 1 << 20);
        assertEquals("[{\"a\":1},{\"b\":2}]", r.next().text());
    }

    @Test
    void unmasksFramesAServerShouldNotHaveMasked() throws IOException {
        WebSocketFrames.Reader r = new WebSocketFrames.Reader(new ByteArrayInputStream(
                frame(true, 1, utf8("héllo"), new byte[] {1, 2, 3, 4})), 1 << 20);
        assertEquals("héllo", r.next().text());
    }

    @Test
    void refusesMessagesOverTheLimitEvenWhenFragmented() {
        byte[] part = new byte[600];
        WebSocketFrames.Reader r = new WebSocketFrames.Reader(new ByteArrayInputStream(concat(
                frame(false, 1, part, null), frame(true, 0, part, null))), 1000);
        FrameTooLargeException e = assertThrows(FrameTooLargeException.class, r::next);
        assertTrue(e.getMessage().contains("1200 bytes exceeds the limit of 1000"), e.getMessage());
    }

    @Test
    void protocolErrorsAreNamed() {
        assertTrue(assertThrows(IOException.class, () -> new WebSocketFrames.Reader(new ByteArrayInputStream(
                frame(true, 0, utf8("x"), null)), 100).next()).getMessage().contains("continuation frame without a message"));
        assertTrue(assertThrows(IOException.class, () -> new WebSocketFrames.Reader(new ByteArrayInputStream(
                frame(true, 3, utf8("x"), null)), 100).next()).getMessage().contains("unknown opcode 3"));
        byte[] rsv = frame(true, 1, utf8("x"), null);
        rsv[0] |= 0x40;
        assertTrue(assertThrows(IOException.class, () -> new WebSocketFrames.Reader(new ByteArrayInputStream(rsv), 100).next())
                .getMessage().contains("reserved bits"));
    }

    @Test
    void writerMasksAndReaderRoundTripsAllLengths() throws IOException {
        for (int len : new int[] {0, 1, 125, 126, 65535, 65536, 200_000}) {
            byte[] payload = new byte[len];
            for (int i = 0; i < len; i++) {
                payload[i] = (byte) (i * 31);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            new WebSocketFrames.Writer(out).text(payload);
            byte[] wire = out.toByteArray();
            assertEquals(0x81, wire[0] & 0xFF);
            assertTrue((wire[1] & 0x80) != 0, "client frames are masked");
            WebSocketFrames.Message m = new WebSocketFrames.Reader(new ByteArrayInputStream(wire), 1 << 20).next();
            assertEquals(len, m.length);
            assertArrayEquals(payload, Arrays.copyOf(m.data, m.length));
        }
    }

    @Test
    void handshakeAcceptMatchesRfcExample() {
        // RFC 6455 section 1.3
        assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", Handshake.acceptFor("dGhlIHNhbXBsZSBub25jZQ=="));
    }

    @Test
    void endpointsFromBaseAndWebSocketUrls() {
        assertEquals("ws://h:8123/api/websocket", Endpoint.parse("http://h:8123").url());
        assertEquals("ws://h:8123/api/websocket", Endpoint.parse("http://h:8123/").url());
        assertEquals("wss://h:443/prefix/api/websocket", Endpoint.parse("https://h/prefix").url());
        assertEquals("ws://h:1/custom/ws", Endpoint.parse("ws://h:1/custom/ws").url());
        assertEquals("ws://h:1/api/websocket", Endpoint.parse("ws://h:1").url());
        assertThrows(IllegalArgumentException.class, () -> Endpoint.parse("ftp://h"));
        assertThrows(IllegalArgumentException.class, () -> Endpoint.parse("http://"));
    }

    @Test
    void backoffGrowsIsCappedAndFormatsForHumans() {
        Backoff b = new Backoff(1000, 8000, 0);
        assertEquals(1000, b.delayMs(1));
        assertEquals(2000, b.delayMs(2));
        assertEquals(4000, b.delayMs(3));
        assertEquals(8000, b.delayMs(4));
        assertEquals(8000, b.delayMs(40));
        Backoff j = new Backoff(1000, 60_000, 0.2);
        for (int i = 0; i < 100; i++) {
            long d = j.delayMs(3);
            assertTrue(d >= 3200 && d <= 4800, "jitter within ±20 %: " + d);
        }
        assertEquals("4 s", Backoff.format(4000));
        assertEquals("1.5 s", Backoff.format(1500));
        assertEquals("250 ms", Backoff.format(250));
        assertEquals("60 s", Backoff.format(60_000));
    }
}
