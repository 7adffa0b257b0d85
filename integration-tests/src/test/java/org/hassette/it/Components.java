package org.hassette.it;

import java.lang.reflect.InvocationTargetException;
import java.time.Duration;
import java.util.Collection;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/** Enables and disables DS components by name through the real SCR, as an operator or the watcher would. */
final class Components {
    static final String DATABASE = "org.hassette.database.internal.SqliteDatabase";
    static final String SESSION_TRACKER = "org.hassette.session.internal.DatabaseSessionTracker";
    static final String COORDINATOR = "org.hassette.coordinator.internal.FatalShutdown";
    /** No configuration: the component is disabled. */
    static final int DISABLED = -1;

    private Components() {
    }

    static ComponentDescriptionDTO description(ServiceComponentRuntime scr, String name) {
        return scr.getComponentDescriptionDTOs().stream().filter(d -> d.name.equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no DS component named " + name));
    }

    static void disable(ServiceComponentRuntime scr, String name) {
        await(scr.disableComponent(description(scr, name)), "disable " + name);
    }

    static void enable(ServiceComponentRuntime scr, String name) {
        await(scr.enableComponent(description(scr, name)), "enable " + name);
    }

    /** State of the component's (single) configuration, e.g. {@link ComponentConfigurationDTO#ACTIVE}, or {@link #DISABLED}. */
    static int state(ServiceComponentRuntime scr, String name) {
        Collection<ComponentConfigurationDTO> configs = scr.getComponentConfigurationDTOs(description(scr, name));
        return configs.isEmpty() ? DISABLED : configs.iterator().next().state;
    }

    /** The configuration PID SCR applied to the component's configuration, or {@code null} when it runs on defaults. */
    static Object configurationPid(ServiceComponentRuntime scr, String name) {
        Collection<ComponentConfigurationDTO> configs = scr.getComponentConfigurationDTOs(description(scr, name));
        return configs.isEmpty() ? null : configs.iterator().next().properties.get("service.pid");
    }

    static void awaitState(ServiceComponentRuntime scr, String name, int state, Duration timeout) {
        Await.until(name + " in DS state " + state, timeout, () -> state(scr, name) == state);
    }

    private static void await(org.osgi.util.promise.Promise<Void> p, String what) {
        try {
            p.getValue();
        } catch (InvocationTargetException e) {
            throw new AssertionError(what + " failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted: " + what);
        }
    }
}
