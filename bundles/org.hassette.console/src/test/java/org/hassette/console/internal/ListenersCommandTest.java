package org.hassette.console.internal;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.reflect.Field;
import java.lang.reflect.Proxy;
import java.util.List;
import org.hassette.api.bus.EventBus;
import org.hassette.api.bus.ListenerStats;
import org.hassette.api.bus.Subscription;
import org.junit.jupiter.api.Test;

class ListenersCommandTest {
    private static Subscription sub(String name, ListenerStats stats, boolean cancelled) {
        return new Subscription() {
            @Override public String name() { return name; }
            @Override public void cancel() { }
            @Override public boolean isCancelled() { return cancelled; }
            @Override public ListenerStats stats() { return stats; }
        };
    }

    private static HomeCommands withListeners(List<Subscription> listeners) throws Exception {
        EventBus bus = (EventBus) Proxy.newProxyInstance(EventBus.class.getClassLoader(), new Class<?>[] { EventBus.class },
                (proxy, method, args) -> {
                    if (method.getName().equals("listeners")) {
                        return listeners;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        HomeCommands c = new HomeCommands();
        Field f = HomeCommands.class.getDeclaredField("bus");
        f.setAccessible(true);
        f.set(c, bus);
        return c;
    }

    @Test
    void listsListenersSortedWithTheirCountersAsATable() throws Exception {
        HomeCommands c = withListeners(List.of(sub("app:porch:on", new ListenerStats(10, 4, 4, 1, 0, 0, 0, 2), false),
                sub("app:hall:off", new ListenerStats(3, 3, 3, 0, 1, 0, 0, 0), true)));
        assertEquals("LISTENER      RECEIVED  MATCHED  INVOKED  FAILED  SUPPRESSED  DROPPED  SKIPPED  STATE\n"
                + "app:hall:off  3         3        3        0       1           0        0        cancelled\n"
                + "app:porch:on  10        4        4        1       0           0        2        active\n"
                + "2 listeners", c.listeners());
        assertTrue(c.listeners("app:porch*").startsWith("LISTENER"));
        assertTrue(c.listeners("app:porch*").endsWith("1 listener"));
        assertEquals("no listener matches 'nope*'", c.listeners("nope*"));
    }

    @Test
    void busNotReadyIsOneClearLine() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new HomeCommands().listeners());
        assertEquals("bus is not ready (see hassette:why bus)", e.getMessage());
    }

    @Test
    void globMatchesWholeNamesAndQuotesTheRest() {
        assertTrue(HomeCommands.glob("app:*").matcher("app:porch:on").matches());
        assertFalse(HomeCommands.glob("porch").matcher("app:porch").matches());
        assertTrue(HomeCommands.glob("a.b?").matcher("a.bc").matches());
        assertFalse(HomeCommands.glob("a.b").matcher("axb").matches());
    }
}
