package org.hassette.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.Iterator;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A minimal blocking RFC 6455 client for protocol tests: it sees frames exactly as the server sent
 * them (so tests can tell a coalesced array frame from single ones) and can stop reading entirely
 * to play a slow consumer.
 */
final class TestWsClient implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration WAIT = Duration.ofSeconds(5);

    /** One received frame. */
    record Frame(int opcode, String text) {
    }

    private static final Frame CLOSED = new Frame(-1, null);

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
    private final Deque<JsonNode> unpacked = new ArrayDeque<>();
    /** Messages {@link #await} passed over, handed out first by {@link #next}. */
    private final Deque<JsonNode> stash = new ArrayDeque<>();
    private Thread reader;
    private volatile boolean closed;
    private int nextId = 1;

    private TestWsClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        this.out = socket.getOutputStream();
    }

    static TestWsClient connect(int port) throws IOException {
        return connect(port, 0);
    }

    /** Connects and upgrades; a positive {@code receiveBuffer} sets SO_RCVBUF before connecting. */
    static TestWsClient connect(int port, int receiveBuffer) throws IOException {
        Socket s = new Socket();
        if (receiveBuffer > 0) {
            s.setReceiveBufferSize(receiveBuffer);
        }
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setTcpNoDelay(true);
        TestWsClient c = new TestWsClient(s);
        c.handshake(port);
        return c;
    }

    private void handshake(int port) throws IOException {
        byte[] keyBytes = new byte[16];
        ThreadLocalRandom.current().nextBytes(keyBytes);
        String key = Base64.getEncoder().encodeToString(keyBytes);
        String req = "GET /api/websocket HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
        out.write(req.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("closed during handshake: " + head);
            }
            head.append((char) b);
        }
        if (!head.toString().startsWith("HTTP/1.1 101")) {
            throw new IOException("upgrade refused: " + head);
        }
    }

    /** Starts the background reader; before this, nothing is read from the socket. */
    TestWsClient startReading() {
        reader = new Thread(this::readLoop, "test-ws-reader");
        reader.setDaemon(true);
        reader.start();
        return this;
    }

    private void readLoop() {
        try {
            while (true) {
                int b0 = in.read();
                int b1 = in.read();
                if (b0 < 0 || b1 < 0) {
                    break;
                }
                long len = b1 & 0x7F;
                if (len == 126) {
                    len = (in.read() << 8) | in.read();
                } else if (len == 127) {
                    len = 0;
                    for (int i = 0; i < 8; i++) {
                        len = (len << 8) | in.read();
                    }
                }
                byte[] payload = in.readNBytes((int) len);
                int opcode = b0 & 0x0F;
                if (opcode == 0x9) {
                    sendFrame(0xA, payload);
                }
                frames.add(new Frame(opcode, new String(payload, StandardCharsets.UTF_8)));
                if (opcode == 0x8) {
                    break;
                }
            }
        } catch (IOException e) {
            // connection ended
        }
        closed = true;
        frames.add(CLOSED);
    }

    /** The next frame (text, or a control frame), or null after the timeout; opcode -1 means the socket ended. */
    Frame nextFrame(Duration timeout) throws InterruptedException {
        Frame f = frames.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (f == CLOSED) {
            frames.add(CLOSED);
        }
        return f;
    }

    /** The next message, with coalesced arrays unpacked; skips control frames; null on timeout or close. */
    JsonNode next(Duration timeout) throws Exception {
        if (!stash.isEmpty()) {
            return stash.poll();
        }
        return read(timeout);
    }

    private JsonNode read(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (unpacked.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            Frame f = nextFrame(Duration.ofNanos(left));
            if (f == null || f.opcode == -1 || f.opcode == 0x8) {
                return null;
            }
            if (f.opcode != 0x1) {
                continue;
            }
            JsonNode n = JSON.readTree(f.text);
            if (n.isArray()) {
                n.forEach(unpacked::add);
            } else {
                unpacked.add(n);
            }
        }
        return unpacked.poll();
    }

    JsonNode next() throws Exception {
        JsonNode n = next(WAIT);
        if (n == null) {
            throw new AssertionError("no message within " + WAIT);
        }
        return n;
    }

    /** The next message with this id and type; other messages stay queued for {@link #next}. */
    JsonNode await(long id, String type) throws Exception {
        for (Iterator<JsonNode> it = stash.iterator(); it.hasNext();) {
            JsonNode n = it.next();
            if (n.path("id").asLong() == id && type.equals(n.path("type").asText())) {
                it.remove();
                return n;
            }
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode n = read(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (n != null && n.path("id").asLong() == id && type.equals(n.path("type").asText())) {
                return n;
            }
            if (n != null) {
                stash.add(n);
            }
        }
        throw new AssertionError("no " + type + " for id " + id + " within " + WAIT);
    }

    /** Reads auth_required, sends auth, returns the answer. */
    JsonNode auth(String token) throws Exception {
        JsonNode req = next();
        if (!"auth_required".equals(req.path("type").asText())) {
            throw new AssertionError("expected auth_required, got " + req);
        }
        send("{\"type\":\"auth\",\"access_token\":" + JSON.writeValueAsString(token) + "}");
        return next();
    }

    /** Connects, authenticates and enables coalescing (id 1), as the official client does. */
    static TestWsClient ready(HaSimulator sim) throws Exception {
        TestWsClient c = connect(sim.port()).startReading();
        JsonNode ok = c.auth(sim.token());
        if (!"auth_ok".equals(ok.path("type").asText())) {
            throw new AssertionError("auth failed: " + ok);
        }
        c.call("supported_features", "{\"features\":{\"coalesce_messages\":1}}");
        return c;
    }

    /** Sends a command with the next id; {@code fields} is a JSON object text (may be "{}"); returns its result. */
    JsonNode call(String type, String fields) throws Exception {
        long id = sendCommand(type, fields);
        return await(id, "result");
    }

    long sendCommand(String type, String fields) throws Exception {
        ObjectNode msg = (ObjectNode) JSON.readTree(fields == null ? "{}" : fields);
        long id = nextId++;
        ObjectNode full = JSON.createObjectNode();
        full.put("id", id);
        full.put("type", type);
        full.setAll(msg);
        send(JSON.writeValueAsString(full));
        return id;
    }

    long peekNextId() {
        return nextId;
    }

    void skipIds(int n) {
        nextId += n;
    }

    void send(String text) throws IOException {
        sendFrame(0x1, text.getBytes(StandardCharsets.UTF_8));
    }

    synchronized void sendFrame(int opcode, byte[] payload) throws IOException {
        ByteArrayOutputStream f = new ByteArrayOutputStream(payload.length + 14);
        f.write(0x80 | opcode);
        if (payload.length < 126) {
            f.write(0x80 | payload.length);
        } else if (payload.length < 65536) {
            f.write(0x80 | 126);
            f.write(payload.length >>> 8);
            f.write(payload.length & 0xFF);
        } else {
            f.write(0x80 | 127);
            for (int i = 7; i >= 0; i--) {
                f.write((int) ((long) payload.length >>> (8 * i)) & 0xFF);
            }
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        f.write(mask);
        for (int i = 0; i < payload.length; i++) {
            f.write(payload[i] ^ mask[i & 3]);
        }
        out.write(f.toByteArray());
        out.flush();
    }

    /** Waits until the server closed the connection (close frame or end of stream). */
    boolean awaitClosed(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (closed) {
                return true;
            }
            Frame f = nextFrame(Duration.ofMillis(50));
            if (f != null && (f.opcode == -1 || f.opcode == 0x8)) {
                return true;
            }
        }
        return closed;
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // ignore
        }
    }
}
