package org.hassette.simulator.internal;

import java.time.Clock;
import java.time.Duration;

/** Everything a simulator instance is configured with; filled by {@code HaSimulator.Builder}. */
public final class SimSettings {
    public String host = "127.0.0.1";
    public int port = 0;
    public String token = "sim-token";
    public int entities = 0;
    public Scenario scenario;
    public String haVersion;
    public Clock clock = Clock.systemUTC();
    /** core's MAX_PENDING_MSG. */
    public int maxPending = 4096;
    /** core's PENDING_MSG_PEAK. */
    public int peakPending = 1024;
    /** core's PENDING_MSG_PEAK_TIME. */
    public Duration peakTime = Duration.ofSeconds(10);
    /** Messages per coalesced frame (core forces the writer ready at PENDING_MSG_MAX_FORCE_READY = 256). */
    public int maxCoalesce = 256;
    public Duration authTimeout = Duration.ofSeconds(10);
    /** aiohttp's {@code heartbeat=55}: a ping after that much silence, closed if no pong within half of it. */
    public Duration heartbeat = Duration.ofSeconds(55);
    /** aiohttp's default {@code max_msg_size}. */
    public int maxIncomingMessage = 4 * 1024 * 1024;
    /** SO_SNDBUF of accepted sockets; 0 keeps the OS default. */
    public int sendBufferSize = 0;
    /** Random changes per second of generated sensors ({@code --activity}); 0 = a still home. */
    public double activity = 0;
    public int recorderCapacity = 100_000;
}
