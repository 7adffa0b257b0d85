package org.hassette.websocket.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import javax.net.ssl.SSLSocketFactory;
import org.hassette.api.ha.EntityState;
import org.hassette.api.ha.HaEvent;
import org.hassette.api.ha.HomeAssistantException;

/**
 * One WebSocket connection to HA, from TCP connect to close: handshake, auth, {@code supported_features},
 * the subscription to all events, then the read loop. Not reused: a reconnect makes a new session.
 *
 * <p>Threads: {@link #open()} and {@link #readLoop()} run on the caller (the connection thread),
 * which is the only reader. {@link #send} may be called from any thread; id allocation and the
 * frame write happen under one lock, so ids reach HA strictly increasing. Everything that can run
 * user code goes through the {@link Dispatcher}.
 */
final class HaSession {
    /** Settings of one session. */
    record Settings(Endpoint endpoint, int connectTimeoutMs, int maxMessageBytes) {
    }

    private static final class Pending {
        final CompletableFuture<Object> future = new CompletableFuture<>();
        final boolean inline; // internal commands: completed on the reader, no user code attached
        final String type;
        volatile ScheduledFuture<?> timeout;

        Pending(String type, boolean inline) {
            this.type = type;
            this.inline = inline;
        }
    }

    private final Settings settings;
    private final Dispatcher dispatcher;
    private final ScheduledExecutorService scheduler;
    private final ClientLog log;
    private final Consumer<List<HaEvent>> events;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final ConcurrentHashMap<Long, Pending> pending = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, Consumer<Map<String, Object>>> subscriptions = new ConcurrentHashMap<>();
    private final AtomicLong eventsReceived;
    private long lastId; // guarded by writeLock
    private volatile long eventsSubscriptionId = -1;
    private volatile long generation;
    private volatile String haVersion = "unknown";
    private volatile boolean closed;
    private volatile String closeReason;
    private Socket socket;
    private WebSocketFrames.Reader reader;
    private WebSocketFrames.Writer writer;

    /** Runs when a command other than {@code ping} gets no answer in time (the connection sets a ping probe). */
    volatile Runnable onCommandTimeout;

    HaSession(Settings settings, Dispatcher dispatcher, ScheduledExecutorService scheduler, ClientLog log,
            Consumer<List<HaEvent>> events, AtomicLong eventsReceived) {
        this.settings = settings;
        this.dispatcher = dispatcher;
        this.scheduler = scheduler;
        this.log = log;
        this.events = events;
        this.eventsReceived = eventsReceived;
    }

    /**
     * Connects, authenticates, sends {@code supported_features} and subscribes to all events;
     * returns when HA acknowledged the subscription.
     *
     * @throws AuthInvalidException when HA refuses the token
     * @throws IOException          on any network or protocol failure
     */
    void open(String token, Duration timeout) throws IOException {
        Endpoint ep = settings.endpoint();
        socket = ep.secure() ? SSLSocketFactory.getDefault().createSocket() : new Socket();
        try {
            socket.connect(new InetSocketAddress(ep.host(), ep.port()), settings.connectTimeoutMs());
            socket.setTcpNoDelay(true);
            socket.setSoTimeout((int) timeout.toMillis()); // handshake and auth must not hang
            BufferedInputStream in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
            BufferedOutputStream out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
            Handshake.perform(ep, in, out);
            reader = new WebSocketFrames.Reader(in, settings.maxMessageBytes());
            writer = new WebSocketFrames.Writer(out);

            Map<String, Object> first = readAuthPhaseMessage();
            if (!"auth_required".equals(first.get("type"))) {
                throw new IOException("expected auth_required from Home Assistant, got " + first.get("type"));
            }
            haVersion = String.valueOf(first.getOrDefault("ha_version", "unknown"));
            Map<String, Object> auth = new LinkedHashMap<>();
            auth.put("type", "auth");
            auth.put("access_token", token);
            writeLock.lock();
            try {
                writer.text(Json.write(auth));
            } finally {
                writeLock.unlock();
            }
            Map<String, Object> answer = readAuthPhaseMessage();
            Object type = answer.get("type");
            if ("auth_invalid".equals(type)) {
                throw new AuthInvalidException(String.valueOf(answer.getOrDefault("message", "token rejected")));
            }
            if (!"auth_ok".equals(type)) {
                throw new IOException("expected auth_ok or auth_invalid from Home Assistant, got " + type);
            }
            haVersion = String.valueOf(answer.getOrDefault("ha_version", haVersion));

            sendInternal("supported_features", Map.of("features", Map.of("coalesce_messages", 1)), timeout);
            CompletableFuture<Object> subscribed = sendInternal("subscribe_events", Map.of(), timeout);
            long subscriptionId = lastId;
            eventsSubscriptionId = subscriptionId;
            while (!subscribed.isDone()) {
                if (!readOne()) {
                    throw new IOException(closeReason);
                }
            }
            if (subscribed.isCompletedExceptionally()) {
                Throwable t = subscribed.handle((v, e) -> e).join();
                throw new IOException("subscribe_events failed: " + (t.getCause() != null ? t.getCause().getMessage() : t.getMessage()));
            }
            socket.setSoTimeout(0); // from now on the heartbeat notices a dead peer
        } catch (IOException | RuntimeException e) {
            close(e.getMessage());
            throw e;
        }
    }

    /** Reads until the connection ends; returns why it ended. */
    String readLoop() {
        try {
            while (readOne()) {
                // each message handled in readOne
            }
        } catch (IOException e) {
            close(closed ? closeReason : describe(e));
        } catch (RuntimeException | Error e) {
            // an Error too (OutOfMemoryError or StackOverflowError while parsing a hostile frame): the
            // session ends with a reason and the connection thread reconnects; it must never die
            log.warn("Home Assistant reader failed: " + e);
            close("reader failed: " + e);
        }
        return closeReason;
    }

    /** Handles one frame; false when the connection is closed. */
    private boolean readOne() throws IOException {
        if (closed) {
            return false;
        }
        WebSocketFrames.Message m = reader.next();
        switch (m.opcode) {
            case WebSocketFrames.OP_TEXT:
                handleFrame(m.data, m.length);
                return true;
            case WebSocketFrames.OP_BINARY:
                log.warn("Home Assistant sent a binary frame (" + m.length + " bytes); ignored");
                return true;
            case WebSocketFrames.OP_PING:
                writeLock.lock();
                try {
                    writer.frame(WebSocketFrames.OP_PONG, m.data, 0, m.length);
                } finally {
                    writeLock.unlock();
                }
                return true;
            case WebSocketFrames.OP_PONG:
                return true;
            case WebSocketFrames.OP_CLOSE:
                int code = m.length >= 2 ? ((m.data[0] & 0xFF) << 8) | (m.data[1] & 0xFF) : 1005;
                String why = m.length > 2 ? new String(m.data, 2, m.length - 2, StandardCharsets.UTF_8) : "";
                close("closed by Home Assistant (" + code + (why.isEmpty() ? "" : ": " + why) + ")");
                return false;
            default:
                return true;
        }
    }

    private Map<String, Object> readAuthPhaseMessage() throws IOException {
        while (true) {
            WebSocketFrames.Message m = reader.next();
            if (m.opcode == WebSocketFrames.OP_TEXT) {
                Object v = Json.parse(m.data, 0, m.length);
                if (v instanceof Map) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> map = (Map<String, Object>) v;
                    return map;
                }
                throw new IOException("Home Assistant sent a non-object message during auth");
            } else if (m.opcode == WebSocketFrames.OP_CLOSE) {
                throw new IOException("closed by Home Assistant during auth");
            } else if (m.opcode == WebSocketFrames.OP_PING) {
                writer.frame(WebSocketFrames.OP_PONG, m.data, 0, m.length);
            }
        }
    }

    /** Parses one text frame (an object or a coalesced array of objects) and routes its messages. */
    void handleFrame(byte[] data, int length) {
        List<HaEvent> batch = null;
        try (JsonParser p = Json.FACTORY.createParser(data, 0, length)) {
            JsonToken t = p.nextToken();
            if (t == JsonToken.START_ARRAY) {
                while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
                    batch = route(Json.read(p), batch);
                }
            } else if (t != null) {
                batch = route(Json.read(p), batch);
            }
        } catch (IOException | RuntimeException e) {
            log.warn("Home Assistant sent a malformed frame (" + length + " bytes, starts with '"
                    + preview(data, length) + "'): " + firstLine(e.getMessage()) + "; frame ignored");
        }
        flush(batch);
    }

    @SuppressWarnings("unchecked")
    private List<HaEvent> route(Object message, List<HaEvent> batch) {
        if (!(message instanceof Map)) {
            log.warn("Home Assistant sent a message that is not an object: " + truncate(String.valueOf(message)) + "; ignored");
            return batch;
        }
        Map<String, Object> m = (Map<String, Object>) message;
        Object type = m.get("type");
        long id = m.get("id") instanceof Number ? ((Number) m.get("id")).longValue() : -1;
        if ("event".equals(type)) {
            Object ev = m.get("event");
            if (!(ev instanceof Map)) {
                log.warn("Home Assistant sent an event message without an event object (id " + id + "); ignored");
                return batch;
            }
            if (id == eventsSubscriptionId) {
                HaEvent e = toEvent((Map<String, Object>) ev);
                if (e != null) {
                    eventsReceived.incrementAndGet();
                    if (batch == null) {
                        batch = new ArrayList<>();
                    }
                    batch.add(e);
                }
                return batch;
            }
            Consumer<Map<String, Object>> sub = subscriptions.get(id);
            if (sub != null) {
                flush(batch);
                // bounded like the all-events batches: a slow subscriber loses events (counted), never the reader
                dispatcher.offerEvents(1, () -> sub.accept((Map<String, Object>) ev));
                return null;
            }
            log.debug("event for unknown subscription " + id + " ignored");
            return batch;
        }
        if ("result".equals(type) || "pong".equals(type)) {
            Pending p = pending.remove(id);
            if (p == null) {
                log.debug("result for unknown or timed-out command " + id + " ignored");
                return batch;
            }
            if (p.timeout != null) {
                p.timeout.cancel(false);
            }
            Object result;
            HomeAssistantException error = null;
            if ("pong".equals(type) || Boolean.TRUE.equals(m.get("success"))) {
                result = m.get("result");
            } else {
                result = null;
                Object err = m.get("error");
                Map<String, Object> e = err instanceof Map ? (Map<String, Object>) err : Map.of();
                error = new HomeAssistantException(String.valueOf(e.getOrDefault("code", "unknown_error")),
                        String.valueOf(e.getOrDefault("message", "no message")));
                subscriptions.remove(id);
            }
            if (p.inline) {
                complete(p, result, error);
                return batch;
            }
            flush(batch);
            HomeAssistantException err = error;
            dispatcher.execute(() -> complete(p, result, err));
            return null;
        }
        log.warn("Home Assistant sent a message of unknown type '" + truncate(String.valueOf(type)) + "' (id " + id + "); ignored");
        return batch;
    }

    private static void complete(Pending p, Object result, HomeAssistantException error) {
        if (error != null) {
            p.future.completeExceptionally(error);
        } else {
            p.future.complete(result);
        }
    }

    private void flush(List<HaEvent> batch) {
        if (batch != null && !batch.isEmpty()) {
            events.accept(batch);
        }
    }

    @SuppressWarnings("unchecked")
    private HaEvent toEvent(Map<String, Object> ev) {
        Object type = ev.get("event_type");
        if (!(type instanceof String)) {
            log.warn("Home Assistant sent an event without event_type; ignored");
            return null;
        }
        Object data = ev.get("data");
        Object ctx = ev.get("context");
        Object ctxId = ctx instanceof Map ? ((Map<String, Object>) ctx).get("id") : null;
        java.time.Instant fired;
        try {
            fired = EntityState.instant(ev.get("time_fired"));
        } catch (IllegalArgumentException e) {
            fired = null;
        }
        return new HaEvent((String) type, data instanceof Map ? (Map<String, Object>) data : Map.of(),
                String.valueOf(ev.getOrDefault("origin", "LOCAL")), fired, ctxId instanceof String ? (String) ctxId : null,
                generation);
    }

    /** Sends a command; the future completes on the dispatcher. */
    CompletableFuture<Object> send(String type, Map<String, ?> fields, Duration timeout) {
        return send(type, fields, timeout, false, null);
    }

    /** Sends a subscribing command; its events go to {@code onEvent} on the dispatcher. */
    CompletableFuture<Object> subscribe(String type, Map<String, ?> fields, Duration timeout,
            Consumer<Map<String, Object>> onEvent, long[] idOut) {
        return send(type, fields, timeout, false, onEvent, idOut);
    }

    /** Internal command (ping, setup): completed on the reader thread; attach no user code. */
    CompletableFuture<Object> sendInternal(String type, Map<String, ?> fields, Duration timeout) {
        return send(type, fields, timeout, true, null);
    }

    private CompletableFuture<Object> send(String type, Map<String, ?> fields, Duration timeout, boolean inline,
            Consumer<Map<String, Object>> onEvent) {
        return send(type, fields, timeout, inline, onEvent, null);
    }

    private CompletableFuture<Object> send(String type, Map<String, ?> fields, Duration timeout, boolean inline,
            Consumer<Map<String, Object>> onEvent, long[] idOut) {
        Pending p = new Pending(type, inline);
        if (closed) {
            p.future.completeExceptionally(new HomeAssistantException(HomeAssistantException.NOT_CONNECTED,
                    "not connected to Home Assistant (" + closeReason + ")"));
            return p.future;
        }
        long id;
        writeLock.lock();
        try {
            id = ++lastId;
            Map<String, Object> msg = new LinkedHashMap<>();
            msg.put("id", id);
            msg.put("type", type);
            if (fields != null) {
                for (Map.Entry<String, ?> e : fields.entrySet()) {
                    if (!"id".equals(e.getKey()) && !"type".equals(e.getKey())) {
                        msg.put(e.getKey(), e.getValue());
                    }
                }
            }
            byte[] bytes = Json.write(msg);
            pending.put(id, p);
            if (onEvent != null) {
                subscriptions.put(id, onEvent);
            }
            if (idOut != null) {
                idOut[0] = id;
            }
            try {
                writer.text(bytes);
            } catch (IOException e) {
                pending.remove(id);
                subscriptions.remove(id);
                p.future.completeExceptionally(new HomeAssistantException(HomeAssistantException.CONNECTION_LOST,
                        "could not send " + type + ": " + e.getMessage()));
                abort("connection lost: " + e.getMessage());
                return p.future;
            }
        } finally {
            writeLock.unlock();
        }
        long ms = Math.max(1, timeout.toMillis());
        long commandId = id;
        p.timeout = scheduler.schedule(() -> {
            if (pending.remove(commandId, p)) {
                subscriptions.remove(commandId);
                HomeAssistantException e = new HomeAssistantException(HomeAssistantException.CLIENT_TIMEOUT,
                        "no result for " + type + " (id " + commandId + ") within " + ms + " ms");
                Runnable probe = onCommandTimeout;
                if (probe != null && !"ping".equals(type)) {
                    probe.run(); // a silent HA may be a dead connection: check now, not at the next heartbeat
                }
                if (inline) {
                    p.future.completeExceptionally(e);
                } else {
                    dispatcher.execute(() -> p.future.completeExceptionally(e));
                }
            }
        }, ms, TimeUnit.MILLISECONDS);
        if (closed && pending.remove(commandId, p)) { // closed while we were writing
            p.timeout.cancel(false);
            failLater(p, HomeAssistantException.CONNECTION_LOST, "connection closed (" + closeReason + ")");
        }
        return p.future;
    }

    /** Ends a subscription made with {@link #subscribe}. */
    void unsubscribe(long id, Duration timeout) {
        if (subscriptions.remove(id) != null && !closed) {
            send("unsubscribe_events", Map.of("subscription", id), timeout)
                    .exceptionally(e -> null);
        }
    }

    /** Closes the socket from any thread (heartbeat timeout, shutdown); the reader then ends. */
    void abort(String reason) {
        close(reason);
    }

    private void close(String reason) {
        synchronized (this) {
            if (closed) {
                return;
            }
            closeReason = reason == null ? "connection closed" : reason;
            closed = true;
        }
        if (writer != null && writeLock.tryLock()) {
            try {
                writer.frame(WebSocketFrames.OP_CLOSE, new byte[] {0x03, (byte) 0xE8}, 0, 2);
            } catch (IOException ignored) {
                // already gone
            } finally {
                writeLock.unlock();
            }
        }
        try {
            if (socket != null) {
                socket.close();
            }
        } catch (IOException ignored) {
            // nothing to do
        }
        for (Long id : new ArrayList<>(pending.keySet())) {
            Pending p = pending.remove(id);
            if (p != null) {
                if (p.timeout != null) {
                    p.timeout.cancel(false);
                }
                failLater(p, HomeAssistantException.CONNECTION_LOST, "connection closed before the result of " + p.type
                        + " arrived (" + closeReason + ")");
            }
        }
        subscriptions.clear();
    }

    private void failLater(Pending p, String code, String message) {
        HomeAssistantException e = new HomeAssistantException(code, message);
        if (p.inline) {
            p.future.completeExceptionally(e);
        } else {
            dispatcher.execute(() -> p.future.completeExceptionally(e));
        }
    }

    boolean isClosed() {
        return closed;
    }

    String closeReason() {
        return closeReason;
    }

    String haVersion() {
        return haVersion;
    }

    void generation(long generation) {
        this.generation = generation;
    }

    long generation() {
        return generation;
    }

    static String describe(IOException e) {
        if (e instanceof java.net.ConnectException) {
            return "connection refused";
        }
        if (e instanceof java.net.SocketTimeoutException) {
            return "timeout";
        }
        if (e instanceof java.net.UnknownHostException) {
            return "unknown host " + e.getMessage();
        }
        if (e instanceof AuthInvalidException) {
            return "auth_invalid: " + e.getMessage();
        }
        if (e instanceof FrameTooLargeException) {
            return "frame too large: " + e.getMessage();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : "connection lost: " + e.getMessage();
    }

    private static String preview(byte[] data, int length) {
        return truncate(new String(data, 0, Math.min(length, 120), StandardCharsets.UTF_8));
    }

    private static String truncate(String s) {
        s = s.replaceAll("[\\r\\n\\t]", " ");
        return s.length() > 120 ? s.substring(0, 120) + "…" : s;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
