package org.hassette.coordinator.internal;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.hassette.api.platform.PlatformShutdown;
import org.hassette.api.session.SessionTracker;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
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
 * The one way the platform shuts itself down because something is fatal. The first request wins
 * (compare-and-set); it records the crash in the session, finalizes the session once, sets the
 * launcher's exit code and reason, and stops the framework from a thread of its own (never from the
 * caller's, which may be an SCR or watcher thread). Later and concurrent requests only log.
 *
 * <p>A request while the framework is already stopping for another reason (a clean stop: SIGTERM)
 * records the crash in the session — the run ends as {@code failure} — but leaves the exit code
 * alone: the stop the operator asked for completes with exit 0.
 */
@Component(service = PlatformShutdown.class, configurationPid = "org.hassette.coordinator")
@Designate(ocd = FatalShutdown.Config.class)
public class FatalShutdown implements PlatformShutdown {
    private static final Logger LOG = LoggerFactory.getLogger(FatalShutdown.class);

    @ObjectClassDefinition(name = "Hassette coordinator", description = "Fatal shutdown of the platform")
    public @interface Config {
        @AttributeDefinition(description = "Stop the framework on a fatal error (only test harnesses turn this off; "
                + "so does the framework property hassette.fatal.stop.framework=false)")
        boolean stop_framework() default true;
    }

    private final BundleContext context;
    private final boolean stopFramework;
    private final AtomicBoolean shuttingDown = new AtomicBoolean();
    private final AtomicInteger requests = new AtomicInteger();

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    volatile SessionTracker sessions;

    @Activate
    public FatalShutdown(BundleContext context, Config config) {
        this.context = context;
        // a test harness embedding the platform sets the framework property to keep its framework alive
        this.stopFramework = config.stop_framework() && !"false".equals(context.getProperty("hassette.fatal.stop.framework"));
    }

    @Override
    public boolean shutdownFatal(String source, String reason, Throwable error) {
        requests.incrementAndGet();
        String what = source + ": " + reason;
        if (!shuttingDown.compareAndSet(false, true)) {
            LOG.warn("Fatal error while already shutting down (ignored): {}", what);
            return false;
        }
        if (frameworkStopping()) {
            // a clean stop (SIGTERM, ./hassette stop) is already under way and something crashed on its way down:
            // the run is a failure in the session, but the stop the operator asked for ends as asked (exit 0)
            LOG.error("{} crashed while the platform was stopping: {}. Recorded in the session as a failure; the stop goes on (exit 0).",
                    source, reason);
            recordInSession(source, what, error);
            return true;
        }
        LOG.error("FATAL {}. Shutting the platform down.", what);
        System.setProperty("hassette.exit.code", Integer.toString(FATAL_EXIT_CODE));
        System.setProperty("hassette.exit.reason", what);
        Thread t = new Thread(() -> finish(source, what, error), "hassette-fatal-shutdown");
        t.start();
        return true;
    }

    @Override
    public boolean isShuttingDown() {
        return shuttingDown.get();
    }

    /** Number of shutdown requests received, accepted or not (tests read it, by reflection from the OSGi tests). */
    public int requests() {
        return requests.get();
    }

    private boolean frameworkStopping() {
        try {
            return context.getBundle(0).getState() == org.osgi.framework.Bundle.STOPPING;
        } catch (IllegalStateException contextGone) {
            return true;
        }
    }

    private void finish(String source, String what, Throwable error) {
        recordInSession(source, what, error);
        if (stopFramework) {
            try {
                context.getBundle(0).stop();
            } catch (Exception e) {
                LOG.error("Could not stop the framework", e);
            }
        }
    }

    private void recordInSession(String source, String what, Throwable error) {
        SessionTracker tracker = sessions;
        if (tracker != null) {
            try {
                tracker.recordCrash(error == null ? "FatalResourceFailure" : error.getClass().getSimpleName(), what, trace(error));
                tracker.finalizeSession();
            } catch (RuntimeException e) {
                LOG.error("Could not record the crash of {} in the session: {}", source, e.toString());
            }
        } else {
            LOG.warn("No session tracker is running; the crash of {} is only in the log", source);
        }
    }

    private static String trace(Throwable error) {
        if (error == null) {
            return null;
        }
        StringWriter sw = new StringWriter();
        error.printStackTrace(new PrintWriter(sw));
        return sw.toString();
    }
}
