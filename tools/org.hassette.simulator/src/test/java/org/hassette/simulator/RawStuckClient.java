package org.hassette.simulator;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A client that authenticates and subscribes to state_changed using only what the kernel buffers
 * (it reads nothing the server sends), then never reads: the slowest consumer possible.
 */
final class RawStuckClient implements AutoCloseable {

    private final Socket socket;

    private RawStuckClient(Socket socket) {
        this.socket = socket;
    }

    static RawStuckClient open(HaSimulator sim) throws IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(4096);
        s.connect(new InetSocketAddress("127.0.0.1", sim.port()), 5000);
        OutputStream out = s.getOutputStream();
        out.write(("GET /api/websocket HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        send(out, "{\"type\":\"auth\",\"access_token\":\"" + sim.token() + "\"}");
        send(out, "{\"id\":1,\"type\":\"subscribe_events\",\"event_type\":\"state_changed\"}");
        out.flush();
        return new RawStuckClient(s);
    }

    private static void send(OutputStream out, String text) throws IOException {
        byte[] p = text.getBytes(StandardCharsets.UTF_8);
        out.write(0x81);
        out.write(0x80 | p.length); // short messages only
        byte[] mask = {1, 2, 3, 4};
        out.write(mask);
        for (int i = 0; i < p.length; i++) {
            out.write(p[i] ^ mask[i & 3]);
        }
    }

    /** Drains the socket until the server closes it; true if it did within the timeout. */
    boolean awaitEnd(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        socket.setSoTimeout(200);
        InputStream in = socket.getInputStream();
        byte[] buf = new byte[1 << 16];
        while (System.nanoTime() < deadline) {
            try {
                if (in.read(buf) < 0) {
                    return true;
                }
            } catch (SocketTimeoutException e) {
                // keep waiting
            } catch (IOException e) {
                return true; // reset by peer
            }
        }
        return false;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
