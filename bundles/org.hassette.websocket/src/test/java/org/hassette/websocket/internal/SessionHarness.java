package org.hassette.websocket.internal;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import org.hassette.api.ha.HaEvent;
import org.hassette.api.ha.HaEventListener;
import org.hassette.api.ha.Subscription;

/** A session with its dispatcher, timer and reader thread, outside OSGi. */
final class SessionHarness implements AutoCloseable {
    final RecordingLog log = new RecordingLog();
    final Dispatcher dispatcher;
    final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    final EventListeners listeners = new EventListeners(log);
    final AtomicLong received = new AtomicLong();
    final HaSession session;
    private Thread reader;
    volatile String endReason;

    SessionHarness(String url, int queueEvents) {
        dispatcher = new Dispatcher("test-dispatch", queueEvents, log);
        session = new HaSession(new HaSession.Settings(Endpoint.parse(url), 5000, 64 * 1024 * 1024), dispatcher, timer, log,
                (List<HaEvent> batch) -> dispatcher.offerEvents(batch.size(), () -> listeners.dispatch(batch)), received);
    }

    SessionHarness open(String token) throws Exception {
        session.open(token, Duration.ofSeconds(10));
        reader = new Thread(() -> endReason = session.readLoop(), "test-reader");
        reader.setDaemon(true);
        reader.start();
        return this;
    }

    Subscription on(String type, HaEventListener l) {
        return listeners.add(type, l);
    }

    @Override
    public void close() throws Exception {
        session.abort("test done");
        if (reader != null) {
            reader.join(5000);
        }
        timer.shutdownNow();
        dispatcher.close();
    }
}
