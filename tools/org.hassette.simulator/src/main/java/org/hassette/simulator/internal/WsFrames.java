package org.hassette.simulator.internal;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;

/** RFC 6455 framing: the handshake key, reading client frames, and server frame headers. */
public final class WsFrames {

    public static final int OP_CONT = 0x0;
    public static final int OP_TEXT = 0x1;
    public static final int OP_BINARY = 0x2;
    public static final int OP_CLOSE = 0x8;
    public static final int OP_PING = 0x9;
    public static final int OP_PONG = 0xA;

    public static final int CLOSE_NORMAL = 1000;
    public static final int CLOSE_PROTOCOL_ERROR = 1002;
    public static final int CLOSE_TOO_BIG = 1009;

    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private WsFrames() {
    }

    public static String acceptKey(String key) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            byte[] digest = sha1.digest((key.trim() + GUID).getBytes(StandardCharsets.ISO_8859_1));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 missing from the JDK", e);
        }
    }

    /** A violation of the framing rules; the connection is closed with {@code closeCode}. */
    public static final class ProtocolError extends IOException {
        private static final long serialVersionUID = 1L;
        public final int closeCode;

        ProtocolError(int closeCode, String message) {
            super(message);
            this.closeCode = closeCode;
        }
    }

    /** A complete data message or a control frame. */
    public static final class Message {
        public final int opcode;
        public final byte[] payload;
        public final int length;

        Message(int opcode, byte[] payload, int length) {
            this.opcode = opcode;
            this.payload = payload;
            this.length = length;
        }

        public String text() {
            return new String(payload, 0, length, StandardCharsets.UTF_8);
        }
    }

    /** Reads masked client frames and reassembles fragmented messages. Control frames are returned as they come. */
    public static final class Reader {
        private final InputStream in;
        private final int maxMessage;
        private final byte[] header = new byte[14];
        private byte[] data = new byte[8192];
        private int dataLen;
        private int dataOpcode = -1;

        public Reader(InputStream in, int maxMessage) {
            this.in = in;
            this.maxMessage = maxMessage;
        }

        /** The next complete message or control frame; throws EOFException at end of stream. */
        public Message next() throws IOException {
            while (true) {
                readFully(header, 0, 2);
                int b0 = header[0] & 0xFF;
                int b1 = header[1] & 0xFF;
                boolean fin = (b0 & 0x80) != 0;
                if ((b0 & 0x70) != 0) {
                    throw new ProtocolError(CLOSE_PROTOCOL_ERROR, "Reserved bits set");
                }
                int opcode = b0 & 0x0F;
                boolean masked = (b1 & 0x80) != 0;
                long len = b1 & 0x7F;
                if (len == 126) {
                    readFully(header, 2, 2);
                    len = ((header[2] & 0xFF) << 8) | (header[3] & 0xFF);
                } else if (len == 127) {
                    readFully(header, 2, 8);
                    len = 0;
                    for (int i = 2; i < 10; i++) {
                        len = (len << 8) | (header[i] & 0xFF);
                    }
                }
                if (!masked) {
                    throw new ProtocolError(CLOSE_PROTOCOL_ERROR, "Client frames must be masked");
                }
                byte[] mask = new byte[4];
                readFully(mask, 0, 4);
                if (opcode >= 0x8) {
                    if (!fin || len > 125) {
                        throw new ProtocolError(CLOSE_PROTOCOL_ERROR, "Bad control frame");
                    }
                    byte[] p = new byte[(int) len];
                    readFully(p, 0, p.length);
                    unmask(p, 0, p.length, mask);
                    if (opcode != OP_CLOSE && opcode != OP_PING && opcode != OP_PONG) {
                        throw new ProtocolError(CLOSE_PROTOCOL_ERROR, "Unknown opcode " + opcode);
                    }
                    return new Message(opcode, p, p.length);
                }
                if (opcode == OP_CONT) {
                    if (dataOpcode < 0) {
                        throw new ProtocolError(CLOSE_PROTOCOL_ERROR, "Continuation without a message");
                    }
                } else if (opcode == OP_TEXT || opcode == OP_BINARY) {
                    if (dataOpcode >= 0) {
                        throw new ProtocolError(CLOSE_PROTOCOL_ERROR, "New message inside a fragmented one");
                    }
                    dataOpcode = opcode;
                    dataLen = 0;
                } else {
                    throw new ProtocolError(CLOSE_PROTOCOL_ERROR, "Unknown opcode " + opcode);
                }
                if (dataLen + len > maxMessage) {
                    throw new ProtocolError(CLOSE_TOO_BIG, "Message size " + (dataLen + len)
                            + " exceeds limit " + maxMessage);
                }
                int n = (int) len;
                if (dataLen + n > data.length) {
                    data = Arrays.copyOf(data, Math.max(dataLen + n, data.length * 2));
                }
                readFully(data, dataLen, n);
                unmask(data, dataLen, n, mask);
                dataLen += n;
                if (fin) {
                    Message m = new Message(dataOpcode, data, dataLen);
                    dataOpcode = -1;
                    // hand out the buffer; the next message gets a fresh one if this one is large
                    if (data.length > 1 << 20) {
                        data = new byte[8192];
                    } else {
                        data = new byte[data.length];
                    }
                    dataLen = 0;
                    return m;
                }
            }
        }

        private void readFully(byte[] b, int off, int len) throws IOException {
            int done = 0;
            while (done < len) {
                int r = in.read(b, off + done, len - done);
                if (r < 0) {
                    throw new EOFException("Connection closed by peer");
                }
                done += r;
            }
        }

        private static void unmask(byte[] b, int off, int len, byte[] mask) {
            for (int i = 0; i < len; i++) {
                b[off + i] ^= mask[i & 3];
            }
        }
    }

    /** Writes an unmasked server frame header ending at {@code end} in {@code buf}; returns its start. */
    public static int headerBefore(byte[] buf, int end, int opcode, long payloadLength) {
        int pos;
        if (payloadLength < 126) {
            pos = end - 2;
            buf[pos + 1] = (byte) payloadLength;
        } else if (payloadLength < 65536) {
            pos = end - 4;
            buf[pos + 1] = 126;
            buf[pos + 2] = (byte) (payloadLength >>> 8);
            buf[pos + 3] = (byte) payloadLength;
        } else {
            pos = end - 10;
            buf[pos + 1] = 127;
            for (int i = 0; i < 8; i++) {
                buf[pos + 2 + i] = (byte) (payloadLength >>> (56 - 8 * i));
            }
        }
        buf[pos] = (byte) (0x80 | opcode);
        return pos;
    }

    public static byte[] closePayload(int code, String reason) {
        byte[] r = reason == null ? new byte[0] : reason.getBytes(StandardCharsets.UTF_8);
        int n = Math.min(r.length, 123);
        byte[] p = new byte[2 + n];
        p[0] = (byte) (code >>> 8);
        p[1] = (byte) code;
        System.arraycopy(r, 0, p, 2, n);
        return p;
    }
}
