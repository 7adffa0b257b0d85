package org.hassette.simulator.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One {@code /api/websocket} connection: the auth phase, the command phase on the calling thread,
 * and a writer thread that drains the outgoing queue the way core's {@code WebSocketHandler._writer}
 * does: one message as an object, several as one JSON array frame (up to {@code maxCoalesce}) once
 * the client asked for {@code coalesce_messages}. Flow control follows core: a client with
 * {@code maxPending} messages not yet written is dropped at once, one that stays above
 * {@code peakPending} for {@code peakTime} is dropped then. "Pending" counts messages queued or
 * being written, i.e. not yet handed to the socket.
 */
public final class WsConnection {

    private static final System.Logger LOG = System.getLogger(WsConnection.class.getName());
    private static final byte[] ID_TAIL = ",\"id\":".getBytes(StandardCharsets.US_ASCII);

    /** A queued message: {@code head} followed by {@code tail} (tail may be null). */
    private static final class Msg {
        final byte[] head;
        final byte[] tail;

        Msg(byte[] head, byte[] tail) {
            this.head = head;
            this.tail = tail;
        }

        int length() {
            return head.length + (tail == null ? 0 : tail.length);
        }
    }

    /** A control frame; not a message, so not counted as pending. */
    private static final class Control {
        final int opcode;
        final byte[] payload;

        Control(int opcode, byte[] payload) {
            this.opcode = opcode;
            this.payload = payload;
        }
    }

    /** A run of bench events for one subscription; rendered (with seq and send time) by the writer. */
    static final class BenchRun {
        final BenchStream stream;
        final byte[] tail;
        final long firstSeq;
        final int count;
        int taken;

        BenchRun(BenchStream stream, byte[] tail, long firstSeq, int count) {
            this.stream = stream;
            this.tail = tail;
            this.firstSeq = firstSeq;
            this.count = count;
        }
    }

    private final long id;
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final SimCore core;
    private final SimSettings settings;
    private final String remote;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Object> queue = new ArrayDeque<>();
    private int pending;
    /** Messages queued while the server was stalled: the backlog is the server's fault, not the client's. */
    private int stallBacklog;
    private boolean closing;
    private boolean closed;
    private ScheduledFuture<?> peakCheck;

    private volatile boolean authenticated;
    private volatile boolean coalesce;
    private volatile long lastReceivedNanos = System.nanoTime();
    private volatile long pingSentNanos;
    private volatile String closeReason;
    private ScheduledFuture<?> heartbeatTask;
    private Thread writer;

    /** Subscriptions by the id of the command that made them; values unsubscribe. */
    private final Map<Long, Runnable> subscriptions = new ConcurrentHashMap<>();
    /** subscribe_events subscriptions: id to event type ("*" for all). */
    private final Map<Long, String> eventSubscriptions = new ConcurrentHashMap<>();
    private long lastId;
    private final byte[][] tails = new byte[64][];

    WsConnection(long id, Socket socket, InputStream in, OutputStream out, SimCore core) {
        this.id = id;
        this.socket = socket;
        this.in = in;
        this.out = out;
        this.core = core;
        this.settings = core.settings();
        this.remote = String.valueOf(socket.getRemoteSocketAddress());
    }

    public long id() {
        return id;
    }

    public String remote() {
        return remote;
    }

    public boolean authenticated() {
        return authenticated;
    }

    public boolean coalescing() {
        return coalesce;
    }

    void setCoalesce(boolean on) {
        coalesce = on;
    }

    public int subscriptionCount() {
        return subscriptions.size();
    }

    public SimCore core() {
        return core;
    }

    public String userId() {
        return core.home().ownerUserId();
    }

    /** Messages queued or being written, not yet handed to the socket. */
    public int pending() {
        lock.lock();
        try {
            return pending;
        } finally {
            lock.unlock();
        }
    }

    public boolean isOpen() {
        lock.lock();
        try {
            return !closing;
        } finally {
            lock.unlock();
        }
    }

    public String closeReason() {
        return closeReason;
    }

    // ---- reading ----------------------------------------------------------------------------

    /** Runs the connection on the calling thread until it ends. */
    void run() {
        writer = core.newThread(this::writeLoop, "ha-sim-ws-" + id + "-writer");
        writer.start();
        try {
            sendRaw(JsonOut.toBytes(authMessage("auth_required")));
            WsFrames.Reader reader = new WsFrames.Reader(in, settings.maxIncomingMessage);
            if (!authPhase(reader)) {
                return;
            }
            startHeartbeat();
            commandPhase(reader);
        } catch (WsFrames.ProtocolError e) {
            LOG.log(System.Logger.Level.DEBUG, "[" + id + "] protocol error: " + e.getMessage());
            closeGracefully(e.closeCode, e.getMessage());
            awaitWriterDone(2000); // the close frame must be on the wire before the socket is dropped
            drainUntilClosed(reader(null));
        } catch (EOFException | SocketException e) {
            LOG.log(System.Logger.Level.DEBUG, "[" + id + "] connection closed: " + e.getMessage());
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "[" + id + "] I/O error: " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "[" + id + "] Unexpected error inside websocket API", e);
        } finally {
            abort(closeReason != null ? closeReason : "closed");
            cleanup();
        }
    }

    private WsFrames.Reader reader(WsFrames.Reader r) {
        return r != null ? r : new WsFrames.Reader(in, settings.maxIncomingMessage);
    }

    private Map<String, Object> authMessage(String type) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", type);
        m.put("ha_version", core.home().config().haVersion);
        return m;
    }

    private boolean authPhase(WsFrames.Reader reader) throws IOException {
        WsFrames.Message m;
        try {
            socket.setSoTimeout((int) Math.max(1, settings.authTimeout.toMillis()));
            m = nextData(reader);
            socket.setSoTimeout(0);
        } catch (SocketTimeoutException e) {
            closeReason = "Did not receive auth message within " + settings.authTimeout.toSeconds() + " seconds";
            LOG.log(System.Logger.Level.WARNING, "[" + id + "] Disconnected: " + closeReason);
            closeGracefully(WsFrames.CLOSE_NORMAL, null);
            return false;
        }
        if (m == null) {
            return false;
        }
        if (m.opcode != WsFrames.OP_TEXT) {
            closeReason = "Received non-Text message.";
            closeGracefully(WsFrames.CLOSE_NORMAL, null);
            return false;
        }
        Object msg;
        try {
            msg = Json.parse(m.payload, m.length);
        } catch (JsonProcessingException e) {
            closeReason = "Received invalid JSON.";
            closeGracefully(WsFrames.CLOSE_NORMAL, null);
            drainUntilClosed(reader);
            return false;
        }
        core.recorder().record(id, "ws", "auth", redactToken(msg));
        String formatError = authFormatError(msg);
        if (formatError != null) {
            closeReason = "Auth message incorrectly formatted: " + formatError;
            sendRaw(JsonOut.toBytes(Map.of("type", "auth_invalid", "message", closeReason)));
            closeGracefully(WsFrames.CLOSE_NORMAL, null);
            drainUntilClosed(reader);
            return false;
        }
        Object token = ((Map<?, ?>) msg).get("access_token");
        if (core.faults().rejectAuth() || !core.tokenMatches(token instanceof String ? (String) token : null)) {
            closeReason = "Invalid access token or password";
            Map<String, Object> inv = new LinkedHashMap<>();
            inv.put("type", "auth_invalid");
            inv.put("message", "Invalid access token or password");
            sendRaw(JsonOut.toBytes(inv));
            closeGracefully(WsFrames.CLOSE_NORMAL, null);
            drainUntilClosed(reader);
            return false;
        }
        authenticated = true;
        sendRaw(JsonOut.toBytes(authMessage("auth_ok")));
        return true;
    }

    private static Object redactToken(Object msg) {
        if (msg instanceof Map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            ((Map<?, ?>) msg).forEach((k, v) -> copy.put(String.valueOf(k),
                    "access_token".equals(k) || "api_password".equals(k) ? "***" : v));
            return copy;
        }
        return msg;
    }

    /** AUTH_MESSAGE_SCHEMA: {@code type: "auth"}, exclusive {@code access_token}/{@code api_password} strings. */
    private static String authFormatError(Object msg) {
        if (!(msg instanceof Map)) {
            return "expected a dictionary. Got " + Values.pyRepr(msg);
        }
        Map<?, ?> m = (Map<?, ?>) msg;
        if (!m.containsKey("type")) {
            return "required key not provided @ data['type']. Got None";
        }
        if (!"auth".equals(m.get("type"))) {
            return "value must be one of ['auth'] @ data['type']. Got " + Values.pyRepr(m.get("type"));
        }
        for (Object k : m.keySet()) {
            if (!"type".equals(k) && !"access_token".equals(k) && !"api_password".equals(k)) {
                return "extra keys not allowed @ data[" + Values.pyRepr(k) + "]. Got " + Values.pyRepr(m.get(k));
            }
        }
        if (m.containsKey("access_token") && m.containsKey("api_password")) {
            return "two or more values in the same group of exclusion 'auth' @ data[<auth>]. Got None";
        }
        for (String k : List.of("access_token", "api_password")) {
            if (m.containsKey(k) && !(m.get(k) instanceof String)) {
                return "expected str for dictionary value @ data['" + k + "']. Got " + Values.pyRepr(m.get(k));
            }
        }
        return null;
    }

    private void commandPhase(WsFrames.Reader reader) throws IOException {
        WsCommands commands = new WsCommands(this);
        while (true) {
            WsFrames.Message m = nextData(reader);
            if (m == null) {
                return;
            }
            if (m.opcode == WsFrames.OP_BINARY) {
                // core routes binary frames to registered binary handlers; the simulator has none
                LOG.log(System.Logger.Level.INFO, "[" + id + "] Received binary message for non-existing handler "
                        + (m.length > 0 ? (m.payload[0] & 0xFF) : -1));
                continue;
            }
            Object parsed;
            try {
                parsed = Json.parse(m.payload, m.length);
            } catch (JsonProcessingException e) {
                // core: "Received invalid JSON." ends the connection
                closeReason = "Received invalid JSON.";
                LOG.log(System.Logger.Level.WARNING, "[" + id + "] Disconnected: " + closeReason);
                core.recorder().record(id, "ws", "<invalid json>", m.text());
                closeGracefully(WsFrames.CLOSE_NORMAL, null);
                drainUntilClosed(reader);
                return;
            }
            core.faults().awaitNotStalled();
            core.faults().applyDelay();
            if (parsed instanceof List) {
                for (Object each : (List<?>) parsed) {
                    handleOne(commands, each);
                }
            } else {
                handleOne(commands, parsed);
            }
        }
    }

    private void handleOne(WsCommands commands, Object msg) {
        String type = msg instanceof Map && ((Map<?, ?>) msg).get("type") instanceof String
                ? (String) ((Map<?, ?>) msg).get("type") : "<invalid>";
        core.recorder().record(id, "ws", type, msg);
        // connection.py async_handle
        if (!(msg instanceof Map)) {
            sendError(0L, new HaError(HaError.INVALID_FORMAT, "Message incorrectly formatted."));
            return;
        }
        Map<?, ?> m = (Map<?, ?>) msg;
        Object rawId = m.get("id");
        boolean idOk = (rawId instanceof Integer || rawId instanceof Long) && ((Number) rawId).longValue() > 0;
        if (!idOk || !(m.get("type") instanceof String) || ((String) m.get("type")).isEmpty()) {
            sendError(rawId, new HaError(HaError.INVALID_FORMAT, "Message incorrectly formatted."));
            return;
        }
        long curId = ((Number) rawId).longValue();
        if (curId <= lastId) {
            sendError(curId, new HaError(HaError.ID_REUSE, "Identifier values have to increase."));
            return;
        }
        if (!commands.knows(type)) {
            sendError(curId, new HaError(HaError.UNKNOWN_COMMAND, "Unknown command."));
            return;
        }
        HaError injected = core.faults().takeFailure(type);
        if (injected != null) { // fault injection: answered like a handler that raised it (last_id advances)
            sendError(curId, injected);
            lastId = curId;
            return;
        }
        try {
            commands.handle(curId, type, castMap(m));
        } catch (HaError e) {
            sendError(curId, e);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "[" + id + "] Error handling message " + type, e);
            sendError(curId, new HaError(HaError.UNKNOWN_ERROR, "Unknown error"));
        }
        lastId = curId;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }

    /** The next data message, answering pings; null when the peer closed. */
    private WsFrames.Message nextData(WsFrames.Reader reader) throws IOException {
        while (true) {
            WsFrames.Message m = reader.next();
            lastReceivedNanos = System.nanoTime();
            switch (m.opcode) {
                case WsFrames.OP_PING:
                    enqueueControl(new Control(WsFrames.OP_PONG, Arrays.copyOf(m.payload, m.length)), true);
                    break;
                case WsFrames.OP_PONG:
                    pingSentNanos = 0;
                    break;
                case WsFrames.OP_CLOSE: {
                    int code = m.length >= 2 ? ((m.payload[0] & 0xFF) << 8) | (m.payload[1] & 0xFF) : WsFrames.CLOSE_NORMAL;
                    if (closeReason == null) {
                        closeReason = "Connection closed by client (" + code + ")";
                    }
                    closeGracefully(code, null);
                    awaitWriterDone(2000);
                    return null;
                }
                default:
                    return m;
            }
        }
    }

    /** After we sent a close frame: read until the peer's close or EOF, at most a couple of seconds. */
    private void drainUntilClosed(WsFrames.Reader reader) {
        try {
            socket.setSoTimeout(2000);
            while (true) {
                WsFrames.Message m = reader.next();
                if (m.opcode == WsFrames.OP_CLOSE) {
                    return;
                }
            }
        } catch (IOException e) {
            // closed or timed out: either way we are done
        }
    }

    private void awaitWriterDone(long millis) {
        Thread w = writer;
        if (w != null && w != Thread.currentThread()) {
            try {
                w.join(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ---- subscriptions ----------------------------------------------------------------------

    void addSubscription(long subId, Runnable unsubscribe) {
        Runnable old = subscriptions.put(subId, unsubscribe);
        if (old != null) {
            old.run();
        }
    }

    void markEventSubscription(long subId, String eventType) {
        eventSubscriptions.put(subId, eventType);
    }

    /** Ids of the subscribe_events subscriptions that receive state_changed. */
    List<Long> stateChangedSubscriptions() {
        List<Long> out = new ArrayList<>();
        eventSubscriptions.forEach((subId, type) -> {
            if (Event.STATE_CHANGED.equals(type) || EventBus.MATCH_ALL.equals(type)) {
                out.add(subId);
            }
        });
        out.sort(Long::compare);
        return out;
    }

    boolean removeSubscription(long subId) {
        eventSubscriptions.remove(subId);
        Runnable r = subscriptions.remove(subId);
        if (r == null) {
            return false;
        }
        r.run();
        return true;
    }

    /** The bytes {@code ,"id":N}} that close a cached event message for subscription N. */
    byte[] idTail(long subId) {
        if (subId < tails.length) {
            byte[] t = tails[(int) subId];
            if (t == null) {
                t = makeTail(subId);
                tails[(int) subId] = t;
            }
            return t;
        }
        return makeTail(subId);
    }

    private static byte[] makeTail(long subId) {
        byte[] digits = Long.toString(subId).getBytes(StandardCharsets.US_ASCII);
        byte[] t = new byte[ID_TAIL.length + digits.length + 1];
        System.arraycopy(ID_TAIL, 0, t, 0, ID_TAIL.length);
        System.arraycopy(digits, 0, t, ID_TAIL.length, digits.length);
        t[t.length - 1] = '}';
        return t;
    }

    // ---- sending ----------------------------------------------------------------------------

    public void sendResult(long msgId, Object result) {
        JsonOut o = new JsonOut(64);
        o.ch('{').key("id").num(msgId).ascii(",\"type\":\"result\",\"success\":true,\"result\":").value(result).ch('}');
        send(o.toBytes(), null);
    }

    /** {@code construct_result_message}: a result whose JSON is already serialised. */
    public void sendResultJson(long msgId, byte[] resultJson) {
        JsonOut o = new JsonOut(resultJson.length + 64);
        o.ch('{').key("id").num(msgId).ascii(",\"type\":\"result\",\"success\":true,\"result\":").raw(resultJson).ch('}');
        send(o.toBytes(), null);
    }

    public void sendError(Object msgId, HaError error) {
        JsonOut o = new JsonOut(128);
        o.ch('{').key("id").value(msgId).ascii(",\"type\":\"result\",\"success\":false,\"error\":")
                .object(error.errorObject()).ch('}');
        send(o.toBytes(), null);
    }

    /** {@code event_message}: {@code {"id":N,"type":"event","event":...}}. */
    public void sendEvent(long subId, Object event) {
        JsonOut o = new JsonOut(128);
        o.ch('{').key("id").num(subId).ascii(",\"type\":\"event\",\"event\":").value(event).ch('}');
        send(o.toBytes(), null);
    }

    /** A message ready to go as is. */
    public boolean sendRaw(byte[] message) {
        return send(message, null);
    }

    /** A cached message: shared partial bytes plus this subscription's id tail. */
    public boolean send(byte[] head, byte[] tail) {
        return enqueue(new Msg(head, tail), 1);
    }

    boolean enqueueBench(BenchRun run) {
        return enqueue(run, run.count);
    }

    private boolean enqueue(Object item, int n) {
        lock.lock();
        try {
            if (closing) {
                return false;
            }
            int before = pending - stallBacklog;
            boolean checked = !core.faults().stalled();
            if (!checked) {
                stallBacklog += n;
            }
            if (checked && before >= settings.maxPending) {
                closeReason = "Client unable to keep up with pending messages. Reached " + settings.maxPending
                        + " pending messages. The system's load is too high or an integration is misbehaving";
                LOG.log(System.Logger.Level.ERROR, "[" + id + "] " + closeReason);
                abortLocked();
                return false;
            }
            queue.addLast(item);
            pending += n;
            changed.signalAll();
            if (before <= settings.peakPending) {
                cancelPeakCheckLocked();
            } else if (peakCheck == null && checked) {
                peakCheck = core.schedule(this::checkWritePeak, settings.peakTime.toNanos(), TimeUnit.NANOSECONDS);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void cancelPeakCheckLocked() {
        if (peakCheck != null) {
            peakCheck.cancel(false);
            peakCheck = null;
        }
    }

    /** core's {@code _check_write_peak}. */
    private void checkWritePeak() {
        lock.lock();
        try {
            peakCheck = null;
            if (closing || pending - stallBacklog < settings.peakPending || core.faults().stalled()) {
                return;
            }
            closeReason = "Client unable to keep up with pending messages. Stayed over " + settings.peakPending + " for "
                    + settings.peakTime.toSeconds() + " seconds. The system's load is too high or an integration is misbehaving";
            LOG.log(System.Logger.Level.ERROR, "[" + id + "] " + closeReason);
            abortLocked();
        } finally {
            lock.unlock();
        }
    }

    private void enqueueControl(Control c, boolean front) {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            if (front) {
                queue.addFirst(c);
            } else {
                queue.addLast(c);
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Queues a close frame after everything already queued; nothing else is accepted afterwards. */
    public void closeGracefully(int code, String reason) {
        lock.lock();
        try {
            if (closing) {
                return;
            }
            closing = true;
            cancelPeakCheckLocked();
            queue.addLast(new Control(WsFrames.OP_CLOSE, WsFrames.closePayload(code, reason)));
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (core.schedule(() -> abort("close handshake timed out"), 5, TimeUnit.SECONDS) == null) {
            abort("simulator stopping");
        }
    }

    /** Drops the connection now, without a close frame (a network failure or a killed server). */
    public void abort(String reason) {
        lock.lock();
        try {
            if (closeReason == null) {
                closeReason = reason;
            }
            abortLocked();
        } finally {
            lock.unlock();
        }
    }

    private void abortLocked() {
        closing = true;
        if (!closed) {
            closed = true;
            cancelPeakCheckLocked();
            changed.signalAll();
            try {
                socket.close();
            } catch (IOException e) {
                // already gone
            }
        }
    }

    /** Wakes the writer, e.g. when the server stops stalling. */
    void wake() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Blocks the bench producer until fewer than {@code watermark} messages are pending, so the bench
     * measures the client, not the server's disconnect rule.
     *
     * @return false if the connection closed
     */
    boolean awaitPendingBelow(int watermark) throws InterruptedException {
        lock.lock();
        try {
            while (!closing && pending >= watermark) {
                changed.await(50, TimeUnit.MILLISECONDS);
            }
            return !closing;
        } finally {
            lock.unlock();
        }
    }

    private void cleanup() {
        if (heartbeatTask != null) {
            heartbeatTask.cancel(false);
        }
        for (Long subId : new ArrayList<>(subscriptions.keySet())) {
            removeSubscription(subId);
        }
        awaitWriterDone(1000);
        core.connectionClosed(this);
    }

    private void startHeartbeat() {
        long periodNanos = settings.heartbeat.toNanos();
        if (periodNanos <= 0) {
            return;
        }
        long tick = Math.max(periodNanos / 4, 10_000_000L);
        try {
            heartbeatTask = core.scheduler().scheduleWithFixedDelay(() -> {
            if (core.faults().stalled()) {
                return;
            }
            long now = System.nanoTime();
            long sent = pingSentNanos;
            if (sent != 0 && now - sent > periodNanos / 2) {
                abort("No pong received within " + (periodNanos / 2_000_000) + " ms of heartbeat ping");
                return;
            }
            if (sent == 0 && now - lastReceivedNanos >= periodNanos) {
                pingSentNanos = now;
                enqueueControl(new Control(WsFrames.OP_PING, new byte[0]), true);
            }
        }, tick, tick, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            abort("simulator stopping");
        }
    }

    // ---- writer -----------------------------------------------------------------------------

    private void writeLoop() {
        FrameBuffer frame = new FrameBuffer();
        List<Object> batch = new ArrayList<>();
        int[] runCounts = new int[2 * settings.maxCoalesce + 2];
        try {
            while (true) {
                Control control = null;
                int count = 0;
                batch.clear();
                lock.lock();
                try {
                    while (!closed && (queue.isEmpty() || core.faults().stalled())) {
                        changed.await();
                    }
                    if (closed) {
                        return;
                    }
                    Object head = queue.peekFirst();
                    if (head instanceof Control) {
                        control = (Control) queue.pollFirst();
                    } else {
                        int max = coalesce ? settings.maxCoalesce : 1;
                        int runs = 0;
                        while (count < max && !queue.isEmpty() && !(queue.peekFirst() instanceof Control)) {
                            Object item = queue.peekFirst();
                            if (item instanceof Msg) {
                                queue.pollFirst();
                                batch.add(item);
                                count++;
                            } else {
                                BenchRun run = (BenchRun) item;
                                int k = Math.min(run.count - run.taken, max - count);
                                batch.add(run);
                                runCounts[runs++] = run.taken;
                                run.taken += k;
                                if (run.taken == run.count) {
                                    queue.pollFirst();
                                }
                                count += k;
                                runCounts[runs++] = k;
                            }
                        }
                    }
                } finally {
                    lock.unlock();
                }
                if (control != null) {
                    frame.writeControl(out, control.opcode, control.payload);
                    if (control.opcode == WsFrames.OP_CLOSE) {
                        try {
                            socket.shutdownOutput();
                        } catch (IOException e) {
                            // peer already gone
                        }
                        return;
                    }
                    continue;
                }
                frame.begin();
                boolean array = count > 1;
                if (array) {
                    frame.put((byte) '[');
                }
                long sentNanos = 0;
                long sentMicros = 0;
                int r = 0;
                boolean first = true;
                for (Object item : batch) {
                    if (item instanceof Msg) {
                        if (!first) {
                            frame.put((byte) ',');
                        }
                        first = false;
                        Msg msg = (Msg) item;
                        frame.put(msg.head);
                        if (msg.tail != null) {
                            frame.put(msg.tail);
                        }
                    } else {
                        BenchRun run = (BenchRun) item;
                        if (sentNanos == 0) {
                            sentNanos = System.nanoTime();
                            sentMicros = run.stream.epochMicrosAt(sentNanos);
                        }
                        int from = runCounts[r++];
                        int k = runCounts[r++];
                        for (int i = 0; i < k; i++) {
                            if (!first) {
                                frame.put((byte) ',');
                            }
                            first = false;
                            run.stream.render(frame, run.firstSeq + from + i, sentMicros, sentNanos, run.tail);
                        }
                    }
                }
                if (array) {
                    frame.put((byte) ']');
                }
                frame.finishText(out);
                lock.lock();
                try {
                    pending -= count;
                    stallBacklog = Math.max(0, stallBacklog - count);
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "[" + id + "] writer stopped: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            abort(closeReason != null ? closeReason : "writer ended");
        }
    }

    /**
     * A reusable frame buffer: the payload is assembled after a reserved header gap, the header is
     * written right in front of it, and the whole frame goes to the socket in one write.
     */
    static final class FrameBuffer {
        private static final int GAP = 10;
        byte[] buf = new byte[64 * 1024];
        int len;

        void begin() {
            len = GAP;
        }

        void put(byte b) {
            if (len == buf.length) {
                grow(1);
            }
            buf[len++] = b;
        }

        void put(byte[] b) {
            put(b, 0, b.length);
        }

        void put(byte[] b, int off, int n) {
            if (len + n > buf.length) {
                grow(n);
            }
            System.arraycopy(b, off, buf, len, n);
            len += n;
        }

        /** Writes a non-negative decimal number. */
        void putLong(long v) {
            if (len + 20 > buf.length) {
                grow(20);
            }
            if (v == 0) {
                buf[len++] = '0';
                return;
            }
            int start = len;
            while (v > 0) {
                buf[len++] = (byte) ('0' + (v % 10));
                v /= 10;
            }
            for (int i = start, j = len - 1; i < j; i++, j--) {
                byte t = buf[i];
                buf[i] = buf[j];
                buf[j] = t;
            }
        }

        private void grow(int extra) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
        }

        void finishText(OutputStream out) throws IOException {
            int start = WsFrames.headerBefore(buf, GAP, WsFrames.OP_TEXT, len - GAP);
            out.write(buf, start, len - start);
            if (buf.length > 8 * 1024 * 1024) {
                buf = new byte[64 * 1024]; // do not keep a multi-MB buffer after a huge frame
            }
        }

        void writeControl(OutputStream out, int opcode, byte[] payload) throws IOException {
            byte[] f = new byte[2 + payload.length];
            f[0] = (byte) (0x80 | opcode);
            f[1] = (byte) payload.length;
            System.arraycopy(payload, 0, f, 2, payload.length);
            out.write(f);
        }
    }
}
