package org.hassette.simulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.hassette.simulator.internal.Event;
import org.hassette.simulator.internal.Home;
import org.hassette.simulator.internal.PyTime;
import org.hassette.simulator.internal.Scenario;
import org.hassette.simulator.internal.SimCore;
import org.hassette.simulator.internal.SimSettings;
import org.hassette.simulator.internal.State;
import org.hassette.simulator.internal.Values;

/**
 * A simulated Home Assistant that speaks HA's WebSocket ({@code /api/websocket}) and REST
 * ({@code /api/...}) protocols, plus a control API under {@code /sim/}. Build one, {@link #start()}
 * it, point a client at {@link #websocketUrl()}, and drive or break it from the test:
 *
 * <pre>{@code
 * try (HaSimulator sim = HaSimulator.builder().token("t").entities(50).build().start()) {
 *     sim.setState("light.kitchen", "on", Map.of("brightness", 200));
 *     sim.stall(true);
 * }
 * }</pre>
 *
 * Instances share nothing: several can run in one JVM or OSGi framework. All threads are daemon
 * threads named {@code ha-sim-*} and end in {@link #stop()}.
 */
public final class HaSimulator implements AutoCloseable {

    private final SimSettings settings;
    private SimCore core;

    private HaSimulator(SimSettings settings) {
        this.settings = settings;
    }

    /** A builder with HA's defaults: 127.0.0.1, ephemeral port, token {@code sim-token}, no generated entities. */
    public static Builder builder() {
        return new Builder();
    }

    /** Configures a simulator. */
    public static final class Builder {
        private final SimSettings s = new SimSettings();

        private Builder() {
        }

        /** Address to bind; default {@code 127.0.0.1}. */
        public Builder host(String host) {
            s.host = Objects.requireNonNull(host);
            return this;
        }

        /** Port to bind; 0 (default) picks a free one, see {@link HaSimulator#port()}. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535, was " + port);
            }
            s.port = port;
            return this;
        }

        /** The long-lived access token clients must present. */
        public Builder token(String token) {
            if (token == null || token.isEmpty()) {
                throw new IllegalArgumentException("token must not be empty");
            }
            s.token = token;
            return this;
        }

        /** Number of generated entities (lights, switches, sensors, ...) besides {@code sun.sun} and {@code zone.home}. */
        public Builder entities(int count) {
            if (count < 0) {
                throw new IllegalArgumentException("entities must be >= 0, was " + count);
            }
            s.entities = count;
            return this;
        }

        /**
         * A scenario file (format in the module README).
         *
         * @throws IllegalArgumentException if it cannot be read or is invalid; the message names the field
         */
        public Builder scenario(Path file) {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(file);
            } catch (IOException e) {
                throw new IllegalArgumentException("Cannot read scenario " + file + ": " + e.getMessage(), e);
            }
            s.scenario = Scenario.parse(bytes, file.toString());
            return this;
        }

        /** A scenario given as JSON text. */
        public Builder scenarioJson(String json) {
            s.scenario = Scenario.parse(json.getBytes(StandardCharsets.UTF_8), "scenario");
            return this;
        }

        /** The {@code ha_version} to announce; default {@code 2025.11.1}. */
        public Builder haVersion(String version) {
            s.haVersion = Objects.requireNonNull(version);
            return this;
        }

        /** The clock for timestamps; default the system UTC clock. */
        public Builder clock(Clock clock) {
            s.clock = Objects.requireNonNull(clock);
            return this;
        }

        /**
         * Flow-control limits; core's are 4096, 1024 and 10 s (older cores: 2048, 512, 5 s).
         *
         * @param maxPending  pending messages at which a client is dropped at once
         * @param peakPending pending messages a client may not stay above for {@code peakTime}
         * @param peakTime    how long above {@code peakPending} is tolerated
         */
        public Builder flowControl(int maxPending, int peakPending, Duration peakTime) {
            if (maxPending <= 0 || peakPending <= 0 || peakTime.isNegative() || peakTime.isZero()) {
                throw new IllegalArgumentException("flow-control limits must be positive");
            }
            s.maxPending = maxPending;
            s.peakPending = peakPending;
            s.peakTime = peakTime;
            return this;
        }

        /** Most messages per coalesced frame; default 256. */
        public Builder maxCoalesce(int messages) {
            if (messages < 1) {
                throw new IllegalArgumentException("maxCoalesce must be >= 1");
            }
            s.maxCoalesce = messages;
            return this;
        }

        /** Time a client has to send {@code auth}; default 10 s. */
        public Builder authTimeout(Duration timeout) {
            s.authTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        /** WebSocket ping interval after silence (pong expected within half of it); default 55 s, zero disables. */
        public Builder heartbeat(Duration interval) {
            s.heartbeat = Objects.requireNonNull(interval);
            return this;
        }

        /** Largest client message accepted (default 4 MiB, aiohttp's); larger ones close with 1009. */
        public Builder maxIncomingMessage(int bytes) {
            s.maxIncomingMessage = bytes;
            return this;
        }

        /** SO_SNDBUF for accepted sockets; small values make slow-consumer tests fast. 0 = OS default. */
        public Builder sendBufferSize(int bytes) {
            s.sendBufferSize = bytes;
            return this;
        }

        /** Random changes per second of generated sensors and binary sensors; default 0 (still). */
        public Builder activity(double changesPerSecond) {
            s.activity = changesPerSecond;
            return this;
        }

        /** How many received commands the recorder keeps; default 100,000. */
        public Builder recorderCapacity(int commands) {
            s.recorderCapacity = commands;
            return this;
        }

        public HaSimulator build() {
            return new HaSimulator(s);
        }
    }

    /**
     * Binds the socket and starts serving; returns this.
     *
     * @throws UncheckedIOException if the address cannot be bound
     * @throws IllegalStateException if already started
     */
    public synchronized HaSimulator start() {
        if (core != null) {
            throw new IllegalStateException("already started");
        }
        SimCore c = new SimCore(settings);
        try {
            c.start();
        } catch (IOException e) {
            c.stop();
            throw new UncheckedIOException("Cannot listen on " + settings.host + ":" + settings.port + ": "
                    + e.getMessage(), e);
        }
        core = c;
        return this;
    }

    /** Closes every connection and the listening socket and ends all threads. Idempotent. */
    public synchronized void stop() {
        if (core != null) {
            core.stop();
        }
    }

    @Override
    public void close() {
        stop();
    }

    private SimCore core() {
        SimCore c = core;
        if (c == null) {
            throw new IllegalStateException("simulator not started");
        }
        return c;
    }

    /** The bound port. */
    public int port() {
        return core().port();
    }

    /** REST base, e.g. {@code http://127.0.0.1:8123} (what HA clients call the hass URL). */
    public String url() {
        return "http://" + hostForUrl() + ":" + port();
    }

    /** {@code ws://HOST:PORT/api/websocket}. */
    public String websocketUrl() {
        return "ws://" + hostForUrl() + ":" + port() + "/api/websocket";
    }

    private String hostForUrl() {
        String h = settings.host;
        return h.contains(":") ? "[" + h + "]" : h;
    }

    /** The token clients must present. */
    public String token() {
        return settings.token;
    }

    /** The id of the user every valid token belongs to (appears as {@code context.user_id}). */
    public String userId() {
        return core().home().ownerUserId();
    }

    // ---- home ---------------------------------------------------------------------------------

    /**
     * Writes a state as an integration would ({@code hass.states.async_set}): replaces the attributes,
     * fires {@code state_changed}, or only moves {@code last_reported} and fires {@code state_reported}
     * when nothing changed.
     *
     * @return the new state
     * @throws IllegalArgumentException for an invalid entity id or a state over 255 characters
     */
    public EntityState setState(String entityId, String state, Map<String, ?> attributes) {
        try {
            Home home = core().home();
            return home.locked(() -> {
                home.setState(entityId, state, attributes == null ? Map.of() : Values.freezeMap(attributes), false, null);
                return snapshot(home.states().get(entityId));
            });
        } catch (org.hassette.simulator.internal.HaError e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** Removes an entity ({@code state_changed} with {@code new_state: null}); false if it did not exist. */
    public boolean removeEntity(String entityId) {
        return core().home().removeState(entityId, null) != null;
    }

    /** The current state of an entity. */
    public Optional<EntityState> state(String entityId) {
        Home home = core().home();
        return Optional.ofNullable(home.locked(() -> snapshot(home.states().get(entityId))));
    }

    /** Every current state, in HA's order (creation order). */
    public List<EntityState> states() {
        Home home = core().home();
        return home.locked(() -> home.states().all().stream().map(HaSimulator::snapshot).toList());
    }

    private static EntityState snapshot(State s) {
        if (s == null) {
            return null;
        }
        return new EntityState(s.entityId(), s.state(), s.attributes(), PyTime.toInstant(s.lastChanged()),
                PyTime.toInstant(s.lastUpdated()), PyTime.toInstant(s.lastReported()), s.context().id(),
                s.context().userId());
    }

    /**
     * Fires an event on the bus (origin LOCAL), as an integration would.
     *
     * @return the event's context id
     */
    public String fireEvent(String eventType, Map<String, ?> data) {
        Event e = core().home().fireEvent(eventType, data == null ? new java.util.LinkedHashMap<>()
                : new java.util.LinkedHashMap<>(Values.freezeMap(data)), "LOCAL", null);
        return e.context().id();
    }

    /** What clients sent. */
    public CommandRecorder recorder() {
        return core().recorder();
    }

    // ---- connections and faults -------------------------------------------------------------

    /** Open WebSocket connections (authenticated or not). */
    public int connectionCount() {
        return core().connectionInfos().size();
    }

    /** Snapshots of the open WebSocket connections, by id. */
    public List<ConnectionInfo> connections() {
        return core().connectionInfos();
    }

    /** Messages queued for a connection but not yet written to its socket; -1 if it is not open. */
    public int pending(long connectionId) {
        for (ConnectionInfo c : core().connectionInfos()) {
            if (c.id() == connectionId) {
                return c.pending();
            }
        }
        return -1;
    }

    /** Drops every WebSocket connection without a close frame (a network failure); returns how many. */
    public int dropAllConnections() {
        return core().dropAllConnections();
    }

    /**
     * The next WebSocket command of {@code commandType} ({@code "*"}: of any type) is answered with
     * HA's error {@code code} ({@code home_assistant_error}, {@code not_found}, {@code unauthorized},
     * {@code timeout}, {@code unknown_error}, ...) instead of being handled, as if its handler had
     * raised it. Several calls queue up and are used in order.
     *
     * @param message the error message; null for core's default for that code ("Unauthorized", "Timeout", ...)
     * @throws IllegalArgumentException for a code core does not have
     * @since 1.1
     */
    public void failNext(String commandType, String code, String message) {
        core().faults().failNext(commandType, code, message);
    }

    /** While on, every {@code auth} is answered with {@code auth_invalid}, even with the right token. */
    public void rejectAuth(boolean on) {
        core().faults().rejectAuth(on);
    }

    /** Delays the handling of every WebSocket command and REST call by {@code delay} (zero to stop). */
    public void delayResponses(Duration delay) {
        core().faults().delayNanos(delay.toNanos());
    }

    /**
     * While on, the server writes nothing and handles no command (like a blocked event loop): no
     * results, events, pongs or heartbeat pings. Flow-control disconnects are suspended meanwhile.
     */
    public void stall(boolean on) {
        core().stall(on);
    }

    /**
     * Writes {@code sensor.sim_oversized} with a padding attribute so that its {@code state_changed}
     * message is at least {@code bytes} long (as a user with huge attributes causes).
     *
     * @return the size of the state_changed message in bytes
     */
    public int sendOversizedFrame(int bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("bytes must be positive");
        }
        return core().sendOversized(bytes);
    }

    /**
     * Fault injection, not something HA does: sends {@code message} as is, as one WebSocket message,
     * to every authenticated connection (malformed JSON, wrong types, unknown message types, an
     * invalid entity id...). With coalescing, a message queued together with others is sent inside
     * their JSON array; wait until {@link #pending(long)} is 0 to have it sent alone.
     *
     * @return how many connections it was queued for
     */
    public int sendRawMessage(String message) {
        return core().sendRaw(message.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** A Home Assistant restart: drops all connections and re-stamps every state as a fresh start does. */
    public void restart() {
        core().restart(0);
    }

    /** Like {@link #restart()}, and refuses new connections for {@code downtime}. */
    public void restart(Duration downtime) {
        core().restart(downtime.toNanos());
    }

    // ---- bench ------------------------------------------------------------------------------

    /**
     * Streams {@code events} pre-serialised ~1 KB {@code state_changed} events to every
     * {@code subscribe_events} subscription that receives state_changed, in coalesced frames, as fast
     * as the sockets take them, or at {@code eventsPerSecond} if positive. The new state's attributes
     * carry {@code bench_seq} (0..events-1), {@code bench_sent_us} (epoch microseconds) and
     * {@code bench_sent_ns} ({@code System.nanoTime()}) stamped when the frame is built. Blocks until
     * every event is written.
     */
    public BenchResult bench(long events, double eventsPerSecond) throws InterruptedException {
        return core().runBench(events, eventsPerSecond, 1000);
    }

    /** {@link #bench(long, double)} on a {@code ha-sim-bench} thread. */
    public CompletableFuture<BenchResult> startBench(long events, double eventsPerSecond) {
        return core().startBenchAsync(events, eventsPerSecond, 1000).future;
    }

    /** Threads of this simulator that are still alive (empty after {@link #stop()}). */
    public List<Thread> liveThreads() {
        SimCore c = core;
        return c == null ? List.of() : c.liveThreads();
    }
}
