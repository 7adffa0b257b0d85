package org.hassette.websocket.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.hassette.api.ha.HaEventListener;
import org.hassette.api.ha.HomeAssistantEndpoint;
import org.hassette.api.ha.HomeAssistantConnection;
import org.hassette.api.ha.HomeAssistantException;
import org.hassette.api.ha.Subscription;
import org.hassette.api.lifecycle.HassetteResource;
import org.hassette.api.lifecycle.ResourceLifecycle;
import org.hassette.api.lifecycle.ResourceRole;
import org.hassette.api.lifecycle.RestartPolicy;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection to Home Assistant. Keeps one WebSocket connection open for as long as it is
 * active, reconnecting forever with capped exponential backoff; registers
 * {@link HomeAssistantConnection} only while the connection is authenticated and subscribed.
 * An unreachable HA or a rejected token is a not-ready state with its reason, never a failure.
 */
@Component(name = HomeAssistantWebsocket.PID, configurationPid = HomeAssistantWebsocket.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true, service = {})
@Designate(ocd = HomeAssistantWebsocket.Config.class)
@HassetteResource(resource = "websocket", provides = HomeAssistantConnection.class)
@RestartPolicy(type = "transient")
public class HomeAssistantWebsocket {
    static final String PID = "org.hassette.websocket";
    private static final Logger LOG = LoggerFactory.getLogger(HomeAssistantWebsocket.class);
    /** How long after activation a configuration problem (no URL yet) is not yet worth a warning. */
    private static final long CONFIGURATION_GRACE_NANOS = TimeUnit.SECONDS.toNanos(10);

    @ObjectClassDefinition(name = "Hassette Home Assistant connection",
            description = "WebSocket connection to Home Assistant")
    public @interface Config {
        @AttributeDefinition(description = "Home Assistant URL (http://host:8123 or ws://host:8123/api/websocket); "
                + "empty: the framework property hassette.ha.url")
        String url() default "";

        @AttributeDefinition(description = "File holding the long-lived access token; empty: the framework property hassette.ha.token.file")
        String token_file() default "";

        @AttributeDefinition(description = "TCP connect, handshake and auth timeout (s)")
        int connect_timeout_seconds() default 10;

        @AttributeDefinition(description = "Interval of ping commands (s)")
        int heartbeat_interval_seconds() default 30;

        @AttributeDefinition(description = "A ping without pong within this time closes the connection (s)")
        int heartbeat_timeout_seconds() default 10;

        @AttributeDefinition(description = "First reconnect delay (ms)")
        long reconnect_base_ms() default 1000;

        // 15 s: after an HA restart (30-60 s) the platform is back within ~18 s of HA, not up to 72 s;
        // a refused connect to a host that is down costs next to nothing
        @AttributeDefinition(description = "Reconnect delay cap (ms)")
        long reconnect_max_ms() default 15_000;

        @AttributeDefinition(description = "Least delay before retrying after auth_invalid (ms); HA bans clients that retry bad tokens fast")
        long auth_retry_ms() default 60_000;

        @AttributeDefinition(description = "Largest message accepted (MiB)")
        int max_message_mb() default 64;

        @AttributeDefinition(description = "Events queued for listeners at most; more are dropped and counted")
        int dispatch_queue_events() default 65_536;

        @AttributeDefinition(description = "Default timeout of commands (s)")
        int command_timeout_seconds() default 30;
    }

    /**
     * Reads every number of the configuration once, so that a value that is not a number (DS converts
     * lazily) fails activation, where the why-chain names the property and file, instead of failing
     * each connection attempt later with a bare NumberFormatException.
     */
    private static void readNumbers(Config c) {
        c.connect_timeout_seconds();
        c.heartbeat_interval_seconds();
        c.heartbeat_timeout_seconds();
        c.reconnect_base_ms();
        c.reconnect_max_ms();
        c.auth_retry_ms();
        c.max_message_mb();
        c.dispatch_queue_events();
        c.command_timeout_seconds();
    }

    private final ResourceLifecycle lifecycle;
    private final Config config;
    private final BundleContext context;
    private final ClientLog log;
    private final Dispatcher dispatcher;
    private final ScheduledExecutorService scheduler;
    private final EventListeners listeners;
    private final AtomicLong eventsReceived = new AtomicLong();
    private final Object sleepMonitor = new Object();
    private final Thread thread;
    private final Facade facade = new Facade();
    private final java.util.concurrent.CopyOnWriteArrayList<Runnable> dropListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicBoolean dropNotifyPending = new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.Set<LiveSubscription> liveSubscriptions = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean running = true;
    private volatile long activatedNanos;
    private volatile HaSession current;
    /** Where the current session is, for REST calls on the same server. */
    private volatile Endpoint currentEndpoint;
    private final java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10)).followRedirects(java.net.http.HttpClient.Redirect.NEVER).build();
    private volatile String token = "";
    private volatile HomeAssistantEndpoint fallback;
    private volatile boolean wake;
    private long generation;

    @Activate
    public HomeAssistantWebsocket(BundleContext context, Config config) {
        readNumbers(config);
        this.context = context;
        this.config = config;
        this.log = new MaskingLog();
        this.lifecycle = ResourceLifecycle.open(context, "websocket", ResourceRole.CORE, HomeAssistantConnection.class);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "hassette-ha-timer");
            t.setDaemon(true);
            return t;
        });
        this.dispatcher = new Dispatcher("hassette-ha-dispatch", Math.max(256, config.dispatch_queue_events()), log,
                this::eventsDropped);
        this.listeners = new EventListeners(log);
        lifecycle.running("starting the connection to Home Assistant");
        activatedNanos = System.nanoTime();
        thread = new Thread(this::run, "hassette-ha-connection");
        thread.setDaemon(true);
        thread.start();
    }

    /** The demo home (or another endpoint), used only when nothing is configured. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindEndpoint(HomeAssistantEndpoint endpoint) {
        fallback = endpoint;
        synchronized (sleepMonitor) {
            wake = true;
            sleepMonitor.notifyAll();
        }
    }

    void unbindEndpoint(HomeAssistantEndpoint endpoint) {
        if (fallback == endpoint) {
            fallback = null;
        }
    }

    @Deactivate
    void deactivate() {
        running = false;
        synchronized (sleepMonitor) {
            sleepMonitor.notifyAll();
        }
        HaSession s = current;
        if (s != null) {
            s.abort("platform stopping");
        }
        thread.interrupt();
        try {
            thread.join(3000); // bounded: SCR's lock timeout is 5 s
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        lifecycle.close();
        scheduler.shutdownNow();
        dispatcher.close();
    }

    /** The connection thread: never ends while the component is active, whatever is thrown. */
    private void run() {
        while (running) {
            try {
                connectLoop();
            } catch (Throwable t) { // outside a session (status update, logging): keep the thread, retry after a pause
                LOG.error("The Home Assistant connection loop failed; restarting it", t);
                try {
                    lifecycle.notReady("unexpected error: " + t + " (next in 1 s)");
                } catch (Throwable ignored) {
                    // nothing more to do
                }
                sleep(1000);
            }
        }
    }

    /** Connect, serve, and reconnect with backoff until deactivated. */
    private void connectLoop() {
        Backoff backoff = new Backoff(Math.max(1, config.reconnect_base_ms()), Math.max(1, config.reconnect_max_ms()), 0.2);
        int attempt = 0;
        String lastReasonKind = null;
        while (running) {
            attempt++;
            String reason;
            boolean authFailed = false;
            boolean retryAtOnce = false;
            // what outside the platform this attempt waits for; null when the fault is ours (the watcher
            // may then charge a restart that ends here as failed)
            String waitingFor = "Home Assistant";
            boolean configurationProblem = false;
            Endpoint endpoint = null;
            try {
                HomeAssistantEndpoint demo = configuredUrl() == null ? fallback : null;
                endpoint = demo != null ? Endpoint.parse(demo.url()) : endpoint();
                String tok = demo != null ? demo.token() : readToken();
                token = tok;
                lifecycle.reason("connecting to " + endpoint + (attempt > 1 ? " (attempt " + attempt + ")" : ""));
                HaSession session = new HaSession(new HaSession.Settings(endpoint, config.connect_timeout_seconds() * 1000,
                        config.max_message_mb() * 1024 * 1024), dispatcher, scheduler, log, this::deliver, eventsReceived);
                session.generation(generation + 1); // events that arrive with the subscription's result carry it too
                session.open(tok, Duration.ofSeconds(Math.max(1, config.connect_timeout_seconds())));
                long gen = ++generation;
                currentEndpoint = endpoint;
                current = session;
                renewSubscriptions(session);
                attempt = 0;
                lastReasonKind = null;
                ScheduledFuture<?> heartbeat = startHeartbeat(session);
                log.info("Connected to Home Assistant " + session.haVersion() + " at " + endpoint + " (generation " + gen + ")");
                if (running) {
                    lifecycle.ready(HomeAssistantConnection.class, facade,
                            Map.of("ha.version", session.haVersion(), "hassette.ha.generation", gen),
                            "connected to " + endpoint + ", Home Assistant " + session.haVersion() + ", generation " + gen);
                }
                long sessionStarted = System.nanoTime();
                reason = session.readLoop();
                heartbeat.cancel(false);
                current = null;
                // a connection that served for a while is retried at once (HA restarted, network blip);
                // the backoff starts with the next failure. A flapping one backs off as before.
                retryAtOnce = Backoff.retryAtOnce(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sessionStarted));
                attempt = retryAtOnce ? 0 : 1; // the next failed attempt is the first retry
                if (running) {
                    log.warn("Disconnected from Home Assistant at " + endpoint + ": " + reason);
                } else {
                    log.info("Disconnected from Home Assistant at " + endpoint + ": " + reason);
                }
            } catch (AuthInvalidException e) {
                authFailed = true;
                waitingFor = "a valid Home Assistant token";
                String file = config.token_file().isBlank() ? property("hassette.ha.token.file") : config.token_file();
                reason = "auth_invalid: " + e.getMessage() + (file == null || file.isBlank() ? ""
                        : " (token from " + file + ": put a valid long-lived access token there; it is read again at every attempt)");
            } catch (IOException e) {
                reason = HaSession.describe(e);
            } catch (ConfigurationException e) {
                reason = e.getMessage();
                waitingFor = "its configuration";
                configurationProblem = true;
            } catch (RuntimeException | Error e) {
                // also an Error (OutOfMemoryError, StackOverflowError): this thread is the connection; if it
                // died, HomeAssistantConnection would stay registered with nobody reading. Abort the session,
                // withdraw readiness with the reason, back off and reconnect.
                reason = "unexpected error: " + e;
                waitingFor = null;
                LOG.warn("Unexpected error in the Home Assistant connection", e);
                HaSession s = current;
                if (s != null) {
                    s.abort(reason);
                }
                attempt = Math.max(1, attempt);
            }
            current = null;
            if (!running) {
                break;
            }
            long delay = retryAtOnce ? 0 : backoff.delayMs(Math.max(1, attempt));
            if (authFailed) {
                delay = Math.max(delay, config.auth_retry_ms());
            }
            String full = retryAtOnce ? reason + " (reconnecting now)"
                    : reason + " (attempt " + Math.max(1, attempt) + ", next in " + Backoff.format(delay) + ")";
            if (waitingFor != null) {
                lifecycle.waitingOn(waitingFor, full);
            } else {
                lifecycle.notReady(full);
            }
            String kind = reason.split(":")[0];
            if (configurationProblem && System.nanoTime() - activatedNanos < CONFIGURATION_GRACE_NANOS) {
                // right after start the URL may still come: FileInstall applying etc/, or the demo home
                // registering its simulator. Said at WARN only if it is still missing after the grace.
                LOG.debug("Home Assistant not available yet: {}", full);
            } else if (!kind.equals(lastReasonKind) || attempt % 10 == 0) {
                log.warn("Home Assistant not available: " + full);
                lastReasonKind = kind;
            }
            sleep(delay);
        }
    }

    /** On the reader after a dropped batch: tell the drop listeners once, on the timer thread. */
    private void eventsDropped() {
        if (dropListeners.isEmpty() || !dropNotifyPending.compareAndSet(false, true)) {
            return;
        }
        try {
            scheduler.execute(() -> {
                dropNotifyPending.set(false);
                for (Runnable l : dropListeners) {
                    try {
                        l.run();
                    } catch (RuntimeException e) {
                        log.warn("An events-dropped listener failed: " + e);
                    }
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            dropNotifyPending.set(false);
        }
    }

    /**
     * Sends the stored subscribing commands again on a new session (new ids), before the connection is
     * registered, so their subscribers keep receiving across reconnects.
     */
    private void renewSubscriptions(HaSession session) {
        for (LiveSubscription sub : liveSubscriptions) {
            if (sub.closed) {
                continue;
            }
            sub.sendOn(session, false).whenComplete((v, e) -> {
                if (e != null) {
                    Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
                    boolean connectionGone = cause instanceof HomeAssistantException h && java.util.Set.of(HomeAssistantException.NOT_CONNECTED,
                            HomeAssistantException.CONNECTION_LOST, HomeAssistantException.CLIENT_TIMEOUT).contains(h.code());
                    if (connectionGone) {
                        log.warn("Could not renew the " + sub.type + " subscription after the reconnect (" + cause.getMessage()
                                + "); tried again on the next connection");
                    } else {
                        // HA refused it: sending it after every reconnect would only repeat the refusal
                        log.warn("Home Assistant refused to renew the " + sub.type + " subscription after the reconnect: "
                                + cause.getMessage() + "; it has ended");
                        sub.close();
                    }
                } else if (sub.closed) {
                    sub.close(); // closed while it was being renewed: end it on this session too
                }
            });
        }
        if (!liveSubscriptions.isEmpty()) {
            log.info("Renewed " + liveSubscriptions.size() + " subscription(s) on the new connection");
        }
    }

    /** A subscribing command that is sent again after every reconnect until closed. */
    private final class LiveSubscription implements Subscription {
        final String type;
        final Map<String, ?> fields;
        final Consumer<Map<String, Object>> onEvent;
        final Duration timeout;
        private HaSession session; // guarded by this
        private long id; // guarded by this
        volatile boolean closed;

        LiveSubscription(String type, Map<String, ?> fields, Consumer<Map<String, Object>> onEvent, Duration timeout) {
            this.type = type;
            this.fields = fields == null ? Map.of() : Map.copyOf(fields);
            this.onEvent = onEvent;
            this.timeout = timeout;
        }

        /**
         * Sends the subscribing command on {@code s}, unless it is already live there, or (for the first
         * send) a reconnect has already renewed it on a newer session: one live copy at most.
         */
        CompletableFuture<Object> sendOn(HaSession s, boolean first) {
            long[] idOut = new long[1];
            synchronized (this) {
                if (session == s || first && session != null) {
                    return CompletableFuture.completedFuture(null);
                }
                CompletableFuture<Object> f = s.subscribe(type, fields, timeout, onEvent, idOut);
                session = s;
                id = idOut[0];
                return f;
            }
        }

        @Override
        public void close() {
            closed = true;
            liveSubscriptions.remove(this);
            HaSession s;
            long i;
            synchronized (this) {
                s = session;
                i = id;
            }
            if (s != null) {
                s.unsubscribe(i, timeout);
            }
        }
    }

    private void deliver(java.util.List<org.hassette.api.ha.HaEvent> batch) {
        Consumer<java.util.List<org.hassette.api.ha.HaEvent>> hook = readerHook;
        if (hook != null) {
            hook.accept(batch);
        }
        dispatcher.offerEvents(batch.size(), () -> listeners.dispatch(batch));
    }

    /** The dispatcher (tests). */
    Dispatcher dispatcher() {
        return dispatcher;
    }

    /** Test seam: runs on the reader thread for every batch before it is queued (null in production). */
    volatile Consumer<java.util.List<org.hassette.api.ha.HaEvent>> readerHook;

    private ScheduledFuture<?> startHeartbeat(HaSession session) {
        long interval = Math.max(1, config.heartbeat_interval_seconds());
        Duration timeout = Duration.ofSeconds(Math.max(1, config.heartbeat_timeout_seconds()));
        java.util.concurrent.atomic.AtomicBoolean pinging = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable ping = () -> {
            if (session.isClosed() || !pinging.compareAndSet(false, true)) {
                return; // one ping at a time: a probe and the heartbeat share it
            }
            session.sendInternal("ping", Map.of(), timeout).whenComplete((v, e) -> {
                pinging.set(false);
                if (e != null && e instanceof HomeAssistantException
                        && HomeAssistantException.CLIENT_TIMEOUT.equals(((HomeAssistantException) e).code())) {
                    session.abort("timeout: no pong within " + timeout.toSeconds() + " s");
                }
            });
        };
        // a command that timed out pings at once: a stalled connection is found within the ping timeout,
        // not only at the next heartbeat (up to the interval later)
        session.onCommandTimeout = () -> scheduler.execute(ping);
        return scheduler.scheduleWithFixedDelay(ping, interval, interval, TimeUnit.SECONDS);
    }

    private void sleep(long ms) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        synchronized (sleepMonitor) {
            long left;
            while (running && !wake && (left = deadline - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(sleepMonitor, left);
                } catch (InterruptedException e) {
                    if (!running) {
                        return;
                    }
                }
            }
            wake = false;
        }
    }

    private String configuredUrl() {
        String url = config.url().isBlank() ? property("hassette.ha.url") : config.url();
        return url == null || url.isBlank() ? null : url;
    }

    private Endpoint endpoint() throws ConfigurationException {
        String url = configuredUrl();
        if (url == null) {
            throw new ConfigurationException("no Home Assistant URL configured (set url in PID " + PID
                    + " or start with --ha-url)");
        }
        try {
            return Endpoint.parse(url);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("bad Home Assistant URL: " + e.getMessage());
        }
    }

    private String readToken() throws ConfigurationException {
        String file = config.token_file().isBlank() ? property("hassette.ha.token.file") : config.token_file();
        if (file == null || file.isBlank()) {
            throw new ConfigurationException("no token file configured (set token.file in PID " + PID
                    + " or start with --ha-token-file)");
        }
        try {
            String t = Files.readString(Path.of(file), StandardCharsets.UTF_8).trim();
            if (t.isEmpty()) {
                throw new ConfigurationException("token file " + file + " is empty");
            }
            return t;
        } catch (IOException e) {
            throw new ConfigurationException("cannot read token file " + file + ": " + e.getClass().getSimpleName());
        }
    }

    private String property(String name) {
        String v = context.getProperty(name);
        return v == null ? null : v.trim();
    }

    private Duration defaultTimeout() {
        return Duration.ofSeconds(Math.max(1, config.command_timeout_seconds()));
    }

    /** A configuration problem; the connection retries, since the file may appear. */
    private static final class ConfigurationException extends Exception {
        private static final long serialVersionUID = 1L;

        ConfigurationException(String message) {
            super(message);
        }
    }

    /** The registered service: delegates to the current session. */
    private final class Facade implements HomeAssistantConnection {
        @Override
        public CompletableFuture<Object> send(String type, Map<String, ?> fields, Duration timeout) {
            HaSession s = current;
            if (s == null) {
                return CompletableFuture.failedFuture(new HomeAssistantException(HomeAssistantException.NOT_CONNECTED,
                        "not connected to Home Assistant"));
            }
            return s.send(type, fields, timeout == null ? defaultTimeout() : timeout);
        }

        @Override
        public CompletableFuture<Subscription> subscribe(String type, Map<String, ?> fields,
                Consumer<Map<String, Object>> onEvent, Duration timeout) {
            HaSession s = current;
            if (s == null) {
                return CompletableFuture.failedFuture(new HomeAssistantException(HomeAssistantException.NOT_CONNECTED,
                        "not connected to Home Assistant"));
            }
            Duration t = timeout == null ? defaultTimeout() : timeout;
            LiveSubscription sub = new LiveSubscription(type, fields, onEvent, t);
            liveSubscriptions.add(sub); // before sending: a reconnect meanwhile renews it
            return sub.sendOn(s, true).handle((v, e) -> {
                if (e != null) {
                    sub.close();
                    throw e instanceof java.util.concurrent.CompletionException ? (java.util.concurrent.CompletionException) e
                            : new java.util.concurrent.CompletionException(e);
                }
                return (Subscription) sub;
            });
        }

        @Override
        public Subscription onEventsDropped(Runnable listener) {
            dropListeners.add(listener);
            return () -> dropListeners.remove(listener);
        }

        @Override
        public CompletableFuture<Object> rest(String method, String path, Object body, Duration timeout) {
            Endpoint e = currentEndpoint;
            if (current == null || e == null) {
                return CompletableFuture.failedFuture(new HomeAssistantException(HomeAssistantException.NOT_CONNECTED,
                        "not connected to Home Assistant"));
            }
            if (path == null || !path.startsWith("/api/")) {
                return CompletableFuture.failedFuture(new IllegalArgumentException("REST path must start with /api/: " + path));
            }
            Duration t = timeout == null ? defaultTimeout() : timeout;
            java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(java.net.URI.create(e.restBase() + path))
                    .timeout(t).header("Authorization", "Bearer " + token).header("Accept", "application/json");
            if ("POST".equalsIgnoreCase(method)) {
                b.header("Content-Type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body == null ? new byte[0] : Json.write(body)));
            } else if ("GET".equalsIgnoreCase(method)) {
                b.GET();
            } else {
                return CompletableFuture.failedFuture(new IllegalArgumentException("REST method must be GET or POST: " + method));
            }
            return http.sendAsync(b.build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray()).handle((r, err) -> {
                if (err != null) {
                    Throwable cause = err instanceof java.util.concurrent.CompletionException && err.getCause() != null ? err.getCause() : err;
                    String code = cause instanceof java.net.http.HttpTimeoutException ? HomeAssistantException.CLIENT_TIMEOUT
                            : HomeAssistantException.CONNECTION_LOST;
                    throw new java.util.concurrent.CompletionException(new HomeAssistantException(code,
                            method + " " + path + " failed: " + cause.getClass().getSimpleName()));
                }
                if (r.statusCode() / 100 != 2) {
                    String text = new String(r.body(), java.nio.charset.StandardCharsets.UTF_8);
                    throw new java.util.concurrent.CompletionException(new HomeAssistantException("http_" + r.statusCode(),
                            method + " " + path + ": HTTP " + r.statusCode() + (text.isBlank() ? "" : " " + text.strip())));
                }
                try {
                    return r.body().length == 0 ? null : Json.parse(r.body(), 0, r.body().length);
                } catch (java.io.IOException bad) {
                    throw new java.util.concurrent.CompletionException(new HomeAssistantException(HomeAssistantException.BAD_RESPONSE,
                            method + " " + path + ": not JSON (" + bad.getMessage() + ")"));
                }
            });
        }

        @Override
        public Subscription onEvent(String eventType, HaEventListener listener) {
            return listeners.add(eventType, listener);
        }

        @Override
        public long generation() {
            HaSession s = current;
            return s == null ? 0 : s.generation();
        }

        @Override
        public String haVersion() {
            HaSession s = current;
            return s == null ? "unknown" : s.haVersion();
        }

        @Override
        public long eventsReceived() {
            return eventsReceived.get();
        }

        @Override
        public long eventsDropped() {
            return dispatcher.dropped();
        }

        @Override
        public String toString() {
            return "HomeAssistantConnection[generation " + generation() + "]"; // never the token
        }
    }

    /** SLF4J with the token masked in every message. */
    private final class MaskingLog implements ClientLog {
        @Override
        public void debug(String message) {
            if (LOG.isDebugEnabled()) {
                LOG.debug(mask(message));
            }
        }

        @Override
        public void info(String message) {
            LOG.info(mask(message));
        }

        @Override
        public void warn(String message) {
            LOG.warn(mask(message));
        }

        private String mask(String message) {
            String t = token;
            return t.isEmpty() || message == null ? message : message.replace(t, "****");
        }
    }
}
