package org.hassette.bus.internal;

import static org.junit.jupiter.api.Assertions.*;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.hassette.api.bus.IfExists;
import org.hassette.api.bus.Subscription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class BundleEventBusTest {
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final BusCore core = new BusCore(new ManualTime(), pool, () -> null, 100, 100, r -> { }, e -> { },
            LoggerFactory.getLogger(BundleEventBusTest.class));

    @AfterEach
    void tearDown() {
        core.close();
        pool.shutdownNow();
    }

    @Test
    void releasingTheViewCancelsOnlyItsOwnListeners() {
        BundleEventBus app = new BundleEventBus(core);
        BundleEventBus other = new BundleEventBus(core);
        Subscription a = app.onTopic("t").subscribe("app-topic", m -> { });
        Subscription b = app.onStateChange("light.a").immediate().subscribe("app-state", c -> { });
        Subscription c = other.onEvent("x").subscribe("other", e -> { });
        assertEquals(2, app.active());
        assertEquals(3, core.listeners().size());
        app.close();
        assertTrue(a.isCancelled());
        assertTrue(b.isCancelled());
        assertFalse(c.isCancelled());
        assertEquals(1, core.listeners().size());
    }

    @Test
    void aSkippedRegistrationIsNotOwnedByTheSecondView() {
        BundleEventBus first = new BundleEventBus(core);
        BundleEventBus second = new BundleEventBus(core);
        Subscription s = first.onTopic("t").subscribe("shared", m -> { });
        assertSame(s, second.onTopic("t").ifExists(IfExists.SKIP).subscribe("shared", m -> { }));
        second.close();
        assertFalse(s.isCancelled(), "the listener belongs to the view that created it");
        first.close();
        assertTrue(s.isCancelled());
    }
}
