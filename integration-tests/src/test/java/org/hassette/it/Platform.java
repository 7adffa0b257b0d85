package org.hassette.it;

import java.io.IOException;
import java.nio.file.Paths;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collection;
import org.hassette.api.database.Database;
import org.hassette.api.lifecycle.ResourceProperties;
import org.hassette.api.lifecycle.ResourceStatusService;
import org.hassette.api.lifecycle.StatusRecord;
import org.hassette.api.session.SessionTracker;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;

/** Looks up the platform's core services as they are now (they come and go with readiness). */
final class Platform {
    private Platform() {
    }

    static Database database(BundleContext context) {
        return current(context, Database.class);
    }

    static SessionTracker sessionTracker(BundleContext context) {
        return current(context, SessionTracker.class);
    }

    /** The status of a resource, or {@code null} when its component is not active. */
    static StatusRecord status(BundleContext context, String resource) {
        try {
            Collection<ServiceReference<ResourceStatusService>> refs = context.getServiceReferences(ResourceStatusService.class,
                    "(" + ResourceProperties.RESOURCE + "=" + resource + ")");
            if (refs.isEmpty()) {
                return null;
            }
            ServiceReference<ResourceStatusService> ref = refs.iterator().next();
            ResourceStatusService s = context.getService(ref);
            try {
                return s == null ? null : s.status();
            } finally {
                context.ungetService(ref);
            }
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static boolean isReady(BundleContext context, String resource) {
        StatusRecord s = status(context, resource);
        return s != null && s.ready();
    }

    static void awaitCoreReady(BundleContext context, Duration timeout) {
        Await.until("database ready", timeout, () -> isReady(context, "database") && database(context) != null);
        Await.until("session tracker ready", timeout, () -> isReady(context, "session") && sessionTracker(context) != null);
    }

    /** Back to the shipped state: no configuration, both components enabled and ready. */
    static void restoreDefaults(BundleContext context, ServiceComponentRuntime scr, ConfigurationAdmin configAdmin, Duration timeout)
            throws IOException, InvalidSyntaxException {
        // a test that ran into a fatal shutdown (the framework stays up here: hassette.fatal.stop.framework=false)
        // leaves a coordinator that is shutting down, and the watcher then restarts nothing for every later test
        if (shuttingDown(context)) {
            Components.disable(scr, Components.COORDINATOR);
            Components.enable(scr, Components.COORDINATOR);
            Await.until("a fresh coordinator", timeout, () -> !shuttingDown(context)
                    && context.getServiceReference(org.hassette.api.platform.PlatformShutdown.class) != null);
        }
        Components.enable(scr, Components.DATABASE);
        Components.enable(scr, Components.SESSION_TRACKER);
        for (String pid : new String[] {Components.DATABASE, Components.SESSION_TRACKER}) {
            Configuration[] configs = configAdmin.listConfigurations("(service.pid=" + pid + ")");
            if (configs != null) {
                for (Configuration c : configs) {
                    c.delete();
                }
                Await.until(pid + " running without configuration", timeout, () -> Components.configurationPid(scr, pid) == null);
            }
        }
        awaitCoreReady(context, timeout);
        // a test that finalized the current session leaves a tracker with nothing to track: start a new one
        long id = sessionTracker(context).currentSessionId();
        if (!"running".equals(sessionStatus(context, id))) {
            Components.disable(scr, Components.SESSION_TRACKER);
            Components.enable(scr, Components.SESSION_TRACKER);
            awaitCoreReady(context, timeout);
        }
    }

    private static boolean shuttingDown(BundleContext context) {
        ServiceReference<org.hassette.api.platform.PlatformShutdown> ref = context.getServiceReference(org.hassette.api.platform.PlatformShutdown.class);
        if (ref == null) {
            return false;
        }
        org.hassette.api.platform.PlatformShutdown s = context.getService(ref);
        try {
            return s != null && s.isShuttingDown();
        } finally {
            context.ungetService(ref);
        }
    }

    private static String sessionStatus(BundleContext context, long id) {
        try {
            return SqliteFiles.text(Paths.get(context.getProperty("hassette.home"), "data", "hassette.db"),
                    "SELECT status FROM sessions WHERE id = ?", id);
        } catch (SQLException e) {
            throw new AssertionError("cannot read session " + id, e);
        }
    }

    private static <S> S current(BundleContext context, Class<S> type) {
        ServiceReference<S> ref = context.getServiceReference(type);
        if (ref == null) {
            return null;
        }
        S service = context.getService(ref);
        context.ungetService(ref); // a plain registration: the object stays usable
        return service;
    }
}
