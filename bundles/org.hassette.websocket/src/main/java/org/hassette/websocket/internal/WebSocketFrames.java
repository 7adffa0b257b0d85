package org.hassette.websocket.internal;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * RFC 6455 client framing on plain streams. {@link Reader} assembles fragmented data messages into
 * one reusable byte buffer (no copy per fragment, no decoding to chars) and surfaces control frames
 * as they come; {@link Writer} writes masked frames.
 */
final class WebSocketFrames {
    static final int OP_CONTINUATION = 0x0;
    static final int OP_TEXT = 0x1;
    static final int OP_BINARY = 0x2;
    static final int OP_CLOSE = 0x8;
    static final int OP_PING = 0x9;
    static final int OP_PONG = 0xA;

    private WebSocketFrames() {
    }

    /** What {@link Reader#next()} returns; the payload is valid until the next call. */
    static final class Message {
        int opcode;
        byte[] data;
        int length;

        String text() {
            return new String(data, 0, length, StandardCharsets.UTF_8);
        }
    }

    /** Reads frames; not thread safe (one reader thread). */
    static final class Reader {
        private static final int INITIAL = 64 * 1024;
        private static final int KEEP_AT_MOST = 4 * 1024 * 1024;
        private final InputStream in;
        private final int maxMessageBytes;
        private final byte[] header = new byte[8];
        private final Message message = new Message();
        private final Message control = new Message();
        private byte[] buffer = new byte[INITIAL];
        // a data message in progress survives control frames returned between its fragments
        private int length;
        private int dataOpcode = -1;

        Reader(InputStream in, int maxMessageBytes) {
            this.in = in;
            this.maxMessageBytes = maxMessageBytes;
            control.data = new byte[125];
        }

        /**
         * The next complete data message (TEXT or BINARY, fragments joined) or control frame
         * (PING, PONG, CLOSE). Control frames may arrive between the fragments of a data message.
         */
        Message next() throws IOException {
            if (dataOpcode < 0) {
                length = 0;
                if (buffer.length > KEEP_AT_MOST) {
                    buffer = new byte[INITIAL]; // do not hold on to the buffer of one huge message
                }
            }
            while (true) {
                readFully(header, 2);
                boolean fin = (header[0] & 0x80) != 0;
                if ((header[0] & 0x70) != 0) {
                    throw new IOException("protocol error: reserved bits set (no extension was negotiated)");
                }
                int opcode = header[0] & 0x0F;
                boolean masked = (header[1] & 0x80) != 0;
                long len = header[1] & 0x7F;
                if (len == 126) {
                    readFully(header, 2);
                    len = ((header[0] & 0xFF) << 8) | (header[1] & 0xFF);
                } else if (len == 127) {
                    readFully(header, 8);
                    len = 0;
                    for (int i = 0; i < 8; i++) {
                        len = (len << 8) | (header[i] & 0xFF);
                    }
                    if (len < 0) {
                        throw new IOException("protocol error: negative frame length");
                    }
                }
                byte[] mask = null;
                if (masked) { // servers must not mask; tolerate it rather than fail
                    mask = new byte[4];
                    readFully(mask, 4);
                }
                if (opcode >= 0x8) {
                    if (!fin || len > 125) {
                        throw new IOException("protocol error: fragmented or oversized control frame");
                    }
                    readFully(control.data, (int) len);
                    unmask(control.data, 0, (int) len, mask);
                    control.opcode = opcode;
                    control.length = (int) len;
                    if (opcode != OP_CLOSE && opcode != OP_PING && opcode != OP_PONG) {
                        throw new IOException("protocol error: unknown control opcode " + opcode);
                    }
                    return control;
                }
                if (opcode == OP_CONTINUATION) {
                    if (dataOpcode < 0) {
                        throw new IOException("protocol error: continuation frame without a message");
                    }
                } else if (opcode == OP_TEXT || opcode == OP_BINARY) {
                    if (dataOpcode >= 0) {
                        throw new IOException("protocol error: new message before the previous one ended");
                    }
                    dataOpcode = opcode;
                } else {
                    throw new IOException("protocol error: unknown opcode " + opcode);
                }
                long total = length + len;
                if (total > maxMessageBytes) {
                    throw new FrameTooLargeException(total, maxMessageBytes);
                }
                ensure((int) total);
                readFully(buffer, length, (int) len);
                unmask(buffer, length, (int) len, mask);
                length = (int) total;
                if (fin) {
                    message.opcode = dataOpcode;
                    message.data = buffer;
                    message.length = length;
                    dataOpcode = -1;
                    return message;
                }
            }
        }

        private void ensure(int capacity) {
            if (capacity > buffer.length) {
                long grown = Math.max(capacity, (long) buffer.length * 2);
                buffer = Arrays.copyOf(buffer, (int) Math.min(grown, Math.max(capacity, maxMessageBytes)));
            }
        }

        private void readFully(byte[] b, int n) throws IOException {
            readFully(b, 0, n);
        }

        private void readFully(byte[] b, int off, int n) throws IOException {
            while (n > 0) {
                int r = in.read(b, off, n);
                if (r < 0) {
                    throw new EOFException("connection closed by the server (end of stream)");
                }
                off += r;
                n -= r;
            }
        }

        private static void unmask(byte[] b, int off, int len, byte[] mask) {
            if (mask != null) {
                for (int i = 0; i < len; i++) {
                    b[off + i] ^= mask[i & 3];
                }
            }
        }
    }

    /** Writes masked client frames; callers serialize access. */
    static final class Writer {
        private final OutputStream out;
        private byte[] scratch = new byte[8 * 1024];

        Writer(OutputStream out) {
            this.out = out;
        }

        void text(byte[] payload) throws IOException {
            frame(OP_TEXT, payload, 0, payload.length);
        }

        void frame(int opcode, byte[] payload, int off, int len) throws IOException {
            int headerLen = 2 + (len > 65535 ? 8 : len > 125 ? 2 : 0) + 4;
            if (scratch.length < headerLen + len) {
                scratch = new byte[Math.max(headerLen + len, scratch.length * 2)];
            }
            byte[] b = scratch;
            int p = 0;
            b[p++] = (byte) (0x80 | opcode);
            if (len <= 125) {
                b[p++] = (byte) (0x80 | len);
            } else if (len <= 65535) {
                b[p++] = (byte) (0x80 | 126);
                b[p++] = (byte) (len >>> 8);
                b[p++] = (byte) len;
            } else {
                b[p++] = (byte) (0x80 | 127);
                long l = len;
                for (int i = 7; i >= 0; i--) {
                    b[p++] = (byte) (l >>> (8 * i));
                }
            }
            int mask = ThreadLocalRandom.current().nextInt();
            byte[] m = {(byte) (mask >>> 24), (byte) (mask >>> 16), (byte) (mask >>> 8), (byte) mask};
            System.arraycopy(m, 0, b, p, 4);
            p += 4;
            for (int i = 0; i < len; i++) {
                b[p + i] = (byte) (payload[off + i] ^ m[i & 3]);
            }
            out.write(b, 0, p + len);
            out.flush();
            if (scratch.length > 1024 * 1024) {
                scratch = new byte[8 * 1024];
            }
        }
    }
}
