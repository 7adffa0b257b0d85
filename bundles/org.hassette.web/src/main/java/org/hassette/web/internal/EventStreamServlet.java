package org.hassette.web.internal;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.hassette.api.execution.ExecutionHistory;
import org.hassette.api.ha.EntityState;
import org.hassette.api.ha.StateCache;
import org.hassette.api.ha.Subscription;
import org.hassette.api.lifecycle.ResourceProperties;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventHandler;
import org.osgi.service.event.propertytypes.EventTopics;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardContextSelect;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletAsyncSupported;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * {@code GET /hassette/api/v1/events}: server-sent events. Event types: {@code status} (a resource's
 * status transition, core or app, from the lifecycle's EventAdmin events), {@code entity} (a state
 * change in the state cache), {@code execution} (a stored handler call or job run), {@code log} (a
 * log line). {@code ?topics=status,entity} subscribes to some of them only. One sender thread writes
 * to every client; each event is queued without blocking its source (a bounded queue: beyond it the
 * event is dropped and counted), and a comment line every 15 s finds clients that went away.
 */
@Component(service = { Servlet.class, EventHandler.class })
@HttpWhiteboardContextSelect(WebContext.SELECT)
@HttpWhiteboardServletPattern("/api/v1/events")
@HttpWhiteboardServletAsyncSupported
@EventTopics(ResourceProperties.TOPIC_PREFIX + "*")
public class EventStreamServlet extends HttpServlet implements EventHandler {
    private static final long serialVersionUID = 1L;
    static final Set<String> TYPES = Set.of("status", "entity", "execution", "log");

    private final transient Set<Client> clients = new CopyOnWriteArraySet<>();
    private final transient BlockingQueue<Object[]> outbox = new ArrayBlockingQueue<>(10_000); // {type, data}, serialised by the sender
    private final transient AtomicLong dropped = new AtomicLong();
    private final transient Thread sender;
    private final transient AutoCloseable logSubscription;
    private final transient Map<Object, AutoCloseable> feeds = new HashMap<>();
    private volatile boolean closed;

    @Activate
    public EventStreamServlet(@Reference LogBuffer logs) {
        logSubscription = logs.addListener(l -> publish("log", () -> Json.obj("seq", l.seq(), "time", Json.time(l.time()), "level", l.level(),
                "logger", l.logger(), "message", l.message(), "exception", l.exception(), "bundle", l.bundle())));
        sender = new Thread(this::sendLoop, "hassette-web-sse");
        sender.setDaemon(true);
        sender.start();
    }

    @Deactivate
    void deactivate() throws Exception {
        closed = true;
        sender.interrupt();
        logSubscription.close();
        synchronized (feeds) {
            for (AutoCloseable c : feeds.values()) {
                c.close();
            }
            feeds.clear();
        }
        for (Client c : clients) {
            c.close();
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindStateCache(StateCache cache) {
        Subscription s = cache.addListener((id, before, after) -> publish("entity", () -> entity(id, after)));
        synchronized (feeds) {
            feeds.put(cache, s);
        }
    }

    void unbindStateCache(StateCache cache) throws Exception {
        AutoCloseable s;
        synchronized (feeds) {
            s = feeds.remove(cache);
        }
        if (s != null) {
            s.close();
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindExecutionHistory(ExecutionHistory history) {
        AutoCloseable s = history.addListener(r -> publish("execution", () -> ApiServlet.execution(r)));
        synchronized (feeds) {
            feeds.put(history, s);
        }
    }

    void unbindExecutionHistory(ExecutionHistory history) throws Exception {
        AutoCloseable s;
        synchronized (feeds) {
            s = feeds.remove(history);
        }
        if (s != null) {
            s.close();
        }
    }

    static Map<String, Object> entity(String id, EntityState s) {
        return Json.obj("entity_id", id, "state", s == null ? null : s.state(),
                "last_changed", s == null ? null : Json.time(s.lastChanged()),
                "last_updated", s == null ? null : Json.time(s.lastUpdated()),
                "friendly_name", s == null ? null : s.attribute("friendly_name"));
    }

    @Override
    public void handleEvent(Event event) {
        publish("status", () -> {
            Map<String, Object> data = new java.util.LinkedHashMap<>();
            for (String key : new String[] { "resource", "role", "status", "previous", "ready", "reason", "exception", "timestamp" }) {
                data.put(key, event.getProperty(key));
            }
            return data;
        });
    }

    /**
     * Runs on the thread that produced the event (a logger, the state cache, the execution history):
     * nothing is built unless a client subscribed to this type, and the JSON is written by the sender.
     */
    private void publish(String type, java.util.function.Supplier<Object> data) {
        boolean wanted = false;
        for (Client c : clients) {
            if (c.topics.contains(type)) {
                wanted = true;
                break;
            }
        }
        if (wanted && !outbox.offer(new Object[] { type, data.get() })) {
            dropped.incrementAndGet();
        }
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Set<String> topics = TYPES;
        String param = req.getParameter("topics");
        if (param != null && !param.isBlank()) {
            topics = Arrays.stream(param.split(",")).map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
            Set<String> unknown = topics.stream().filter(t -> !TYPES.contains(t)).collect(Collectors.toSet());
            if (!unknown.isEmpty()) {
                Json.error(resp, 400, "unknown topics " + unknown + "; known: " + TYPES.stream().sorted().toList());
                return;
            }
        }
        resp.setStatus(200);
        resp.setContentType("text/event-stream");
        resp.setCharacterEncoding(StandardCharsets.UTF_8.name());
        resp.setHeader("Cache-Control", "no-store");
        resp.setHeader("X-Accel-Buffering", "no");
        AsyncContext async = req.startAsync();
        async.setTimeout(0);
        Client client = new Client(async, topics);
        async.addListener(new AsyncListener() {
            @Override
            public void onComplete(AsyncEvent e) {
                clients.remove(client);
            }

            @Override
            public void onTimeout(AsyncEvent e) {
                client.close();
            }

            @Override
            public void onError(AsyncEvent e) {
                client.close();
            }

            @Override
            public void onStartAsync(AsyncEvent e) {
            }
        });
        // The first bytes tell the browser the stream is open and how soon to reconnect.
        if (client.write("retry: 2000\n: connected to Hassette\n\n")) {
            clients.add(client);
        }
    }

    private static String json(Object data) {
        try {
            return Json.string(data);
        } catch (RuntimeException e) {
            return null; // not serialisable: skipped, as before
        }
    }

    private void sendLoop() {
        long lastBeat = System.nanoTime();
        while (!closed) {
            try {
                Object[] next = outbox.poll(1, TimeUnit.SECONDS);
                String json = next == null ? null : json(next[1]);
                if (json != null) {
                    String frame = "event: " + next[0] + "\ndata: " + json + "\n\n";
                    for (Client c : clients) {
                        if (c.topics.contains(next[0]) && !c.write(frame)) {
                            clients.remove(c);
                        }
                    }
                }
                if (System.nanoTime() - lastBeat > TimeUnit.SECONDS.toNanos(15)) {
                    lastBeat = System.nanoTime();
                    for (Client c : clients) {
                        if (!c.write(": keep-alive\n\n")) {
                            clients.remove(c);
                        }
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // keep sending to the others
            }
        }
    }

    /** Events dropped because the outbox was full. */
    long dropped() {
        return dropped.get();
    }

    int clientCount() {
        return clients.size();
    }

    private final class Client {
        final AsyncContext async;
        final Set<String> topics;

        Client(AsyncContext async, Set<String> topics) {
            this.async = async;
            this.topics = topics;
        }

        boolean write(String text) {
            try {
                ServletOutputStream out = async.getResponse().getOutputStream();
                out.write(text.getBytes(StandardCharsets.UTF_8));
                out.flush();
                return true;
            } catch (IOException | RuntimeException e) {
                close();
                return false;
            }
        }

        void close() {
            clients.remove(this);
            try {
                async.complete();
            } catch (RuntimeException e) {
                // already completed
            }
        }
    }
}
