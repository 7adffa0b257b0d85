package org.hassette.it;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.hassette.api.bus.BusMessage;
import org.hassette.api.bus.EventBus;
import org.hassette.api.bus.PlatformTopics;
import org.hassette.api.bus.Subscription;
import org.hassette.api.lifecycle.ResourceLifecycle;
import org.hassette.api.lifecycle.ResourceRole;
import org.hassette.api.lifecycle.ResourceStatus;
import org.hassette.api.lifecycle.StatusRecord;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/** The platform's own events reach bus listeners: status changes and the HA connection going up and down. */
class PlatformEventsIT {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 10_000)
    EventBus bus;

    @Test
    void statusChangesOfAResourceArriveInOrderOnTheServiceStatusTopic() throws Exception {
        List<StatusRecord> seen = new CopyOnWriteArrayList<>();
        Subscription sub = bus.onTopic(PlatformTopics.SERVICE_STATUS).subscribe("it.platform-events.status", (BusMessage m) -> {
            StatusRecord r = (StatusRecord) m.payload();
            if (r.resource().equals("it.events.probe")) {
                seen.add(r);
            }
        });
        try (ResourceLifecycle probe = ResourceLifecycle.open(context, "it.events.probe", ResourceRole.CORE, null)) {
            probe.starting("warming up");
            probe.ready("warm");
            probe.failed("went cold", new IllegalStateException("cold"));
            // wait for the last change made here, not for a count: a change may come as more than one event
            // (running, then running and ready), and the watcher may act on the failure afterwards
            Await.until("the probe's FAILED status", WAIT, () -> seen.stream().anyMatch(r -> r.status() == ResourceStatus.FAILED));
            List<StatusRecord> got = List.copyOf(seen);
            List<ResourceStatus> statuses = got.stream().map(StatusRecord::status).toList();
            assertEquals(List.of(ResourceStatus.NOT_STARTED, ResourceStatus.STARTING), statuses.subList(0, 2), got.toString());
            int warm = -1;
            for (int i = 0; i < got.size() && warm < 0; i++) {
                StatusRecord r = got.get(i);
                warm = r.status() == ResourceStatus.RUNNING && r.ready() && r.reason().equals("warm") ? i : -1;
            }
            int failed = statuses.indexOf(ResourceStatus.FAILED);
            assertTrue(warm > 1 && warm < failed, "in order: not started, starting, running and ready, failed: " + got);
            assertEquals("IllegalStateException: cold", got.get(failed).exception());
        } finally {
            sub.cancel();
        }
    }

    @Test
    void connectionTopicFollowsTheWebsocketResourcesReadiness() throws Exception {
        List<PlatformTopics.ConnectionChange> changes = new CopyOnWriteArrayList<>();
        Subscription sub = bus.onTopic(PlatformTopics.CONNECTION).subscribe("it.platform-events.connection",
                (BusMessage m) -> changes.add((PlatformTopics.ConnectionChange) m.payload()));
        // a stand-in status publisher under the connection's resource name (the real one is not configured here)
        try (ResourceLifecycle ws = ResourceLifecycle.open(context, "websocket", ResourceRole.CORE, null)) {
            ws.starting("connecting");
            ws.ready("connected to the test");
            Await.until("connection up", WAIT, () -> changes.stream().anyMatch(PlatformTopics.ConnectionChange::connected));
            ws.notReady("connection refused (attempt 1, next in 1 s)");
            Await.until("connection down with its reason", WAIT, () -> !changes.isEmpty() && !changes.get(changes.size() - 1).connected());
            assertEquals("connection refused (attempt 1, next in 1 s)", changes.get(changes.size() - 1).reason());
            ws.reason("connection refused (attempt 2, next in 2 s)");
            int before = changes.size();
            ws.ready("connected again");
            Await.until("connection up again", WAIT, () -> changes.size() > before && changes.get(changes.size() - 1).connected());
            assertEquals(before + 1, changes.size(), "a reason update alone is no connection change: " + changes);
        } finally {
            sub.cancel();
        }
    }
}
