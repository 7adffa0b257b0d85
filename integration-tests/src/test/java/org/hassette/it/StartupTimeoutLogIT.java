package org.hassette.it;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.hassette.itest.probes.ResourceControl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/**
 * Audit finding 3: when core readiness is not reached in time, one ERROR block says what blocks it
 * and why, resource by resource. Log lines are read through the LogReaderService of Pax Logging.
 */
class StartupTimeoutLogIT {
    static final String BLOCK = "Hassette core is not ready after 1 s. Blocked resources:";

    @InjectBundleContext
    BundleContext context;
    @InjectService
    ConfigurationAdmin configAdmin;
    @InjectService
    ServiceComponentRuntime scr;
    @InjectService
    LogReaderService logReader;
    @InjectService(filter = "(probe.resource=probe.alpha)")
    ResourceControl alpha;

    final List<LogEntry> entries = new CopyOnWriteArrayList<>();
    final LogListener listener = entry -> {
        if (entry.getLoggerName() != null && entry.getLoggerName().startsWith("org.hassette.lifecycle")) {
            entries.add(entry);
        }
    };

    @AfterEach
    void reset() throws Exception {
        logReader.removeLogListener(listener);
        alpha.notReady("test over");
        Readiness.configure(context, configAdmin, scr, 300, "probe.alpha", "probe.beta");
    }

    @Test
    void blockedResourcesAreLoggedOnceWithTheirReasonsWhenTheStartupTimeoutPasses() throws Exception {
        ComponentDescriptionDTO coreReadiness = Readiness.component(context, scr, "org.hassette.lifecycle", Readiness.CORE_READINESS);
        scr.disableComponent(coreReadiness).getValue();
        Readiness.configure(context, configAdmin, scr, 1, "probe.alpha", "probe.beta");
        alpha.failed("migrations failed", new IllegalStateException("schema 7 is newer than 5"));
        logReader.addLogListener(listener);
        scr.enableComponent(coreReadiness).getValue(); // a fresh start: the timeout counts from activation

        Await.until("the startup timeout block", Readiness.WAIT, () -> !errors().isEmpty());
        String block = errors().get(0).getMessage();
        assertEquals(List.of(BLOCK,
                "  - probe.alpha: FAILED, migrations failed: IllegalStateException: schema 7 is newer than 5",
                "  - probe.beta: waiting for AlphaService (unsatisfied reference 'alpha') → probe.alpha: FAILED, migrations failed: IllegalStateException: schema 7 is newer than 5"),
                block.lines().toList());

        alpha.ready("schema migrated");
        Await.until("the ready line", Readiness.WAIT, () -> messages(LogLevel.INFO).stream().anyMatch(m -> m.startsWith("Hassette core ready in ")));
        alpha.notReady("disk full");
        Await.until("the lost-readiness warning", Readiness.WAIT, () -> messages(LogLevel.WARN).stream()
                .anyMatch(m -> m.startsWith("Hassette core is no longer ready") && m.contains("probe.alpha: RUNNING (not ready), disk full")));
        assertEquals(1, errors().size(), "the startup block is logged once: " + messages(LogLevel.ERROR));
    }

    @Test
    void everyReturnOfTheCoreIsLoggedWithTheLengthOfTheOutage() throws Exception {
        // a fresh instance: an outage an earlier test left (its reset makes alpha not ready) would otherwise be
        // logged as "ready again" on this test's first readiness, at a moment the listener may or may not see
        ComponentDescriptionDTO coreReadiness = Readiness.component(context, scr, "org.hassette.lifecycle", Readiness.CORE_READINESS);
        scr.disableComponent(coreReadiness).getValue();
        Readiness.configure(context, configAdmin, scr, 300, "probe.alpha", "probe.beta");
        alpha.ready("schema migrated");
        scr.enableComponent(coreReadiness).getValue();
        Await.until("core ready", Readiness.WAIT, () -> Readiness.conditionRegistered(context));
        logReader.addLogListener(listener);
        for (int outage = 1; outage <= 2; outage++) {
            long downNanos = System.nanoTime();
            alpha.notReady("disk full");
            Await.until("core not ready", Readiness.WAIT, () -> !Readiness.conditionRegistered(context));
            // an outage of a known least length, so the logged one can be checked against it
            Thread.sleep(300);
            alpha.ready("disk cleared");
            Await.until("core ready again", Readiness.WAIT, () -> Readiness.conditionRegistered(context));
            int expected = outage;
            Await.until("ready-again line " + outage, Readiness.WAIT, () -> readyAgain().size() == expected);
            // taken once the line is out: the outage ends when registerService returns (gated components
            // activate inside it), after the condition is already visible here
            long upperMs = java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - downNanos);
            String line = readyAgain().get(outage - 1);
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("Hassette core ready again after (\\d+) ms \\(probe\\.alpha, probe\\.beta\\)|"
                    + "Hassette core ready again after (\\d+\\.\\d) s \\(probe\\.alpha, probe\\.beta\\)").matcher(line);
            assertTrue(m.matches(), line);
            double loggedMs = m.group(1) != null ? Double.parseDouble(m.group(1)) : Double.parseDouble(m.group(2)) * 1000;
            assertTrue(loggedMs >= 300 && loggedMs <= upperMs + 100, "outage of at least 300 ms and at most " + upperMs + " ms: " + line);
        }
        List<String> warnings = messages(LogLevel.WARN).stream().filter(m -> m.startsWith("Hassette core is no longer ready")).toList();
        assertEquals(2, warnings.size(), "each loss warned once: " + warnings);
    }

    private List<String> readyAgain() {
        return messages(LogLevel.INFO).stream().filter(m -> m.startsWith("Hassette core ready again after ")).toList();
    }

    private List<LogEntry> errors() {
        return entries.stream().filter(e -> e.getLogLevel() == LogLevel.ERROR).toList();
    }

    private List<String> messages(LogLevel level) {
        return entries.stream().filter(e -> e.getLogLevel() == level).map(LogEntry::getMessage).toList();
    }
}
