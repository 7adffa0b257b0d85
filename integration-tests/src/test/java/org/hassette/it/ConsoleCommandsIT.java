package org.hassette.it;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.hassette.itest.probes.ResourceControl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/** hassette:status and hassette:why through the real Gogo command processor. */
class ConsoleCommandsIT {
    @InjectBundleContext
    BundleContext context;
    @InjectService
    ConfigurationAdmin configAdmin;
    @InjectService
    ServiceComponentRuntime scr;
    @InjectService(timeout = 10_000)
    CommandProcessor processor;
    @InjectService(filter = "(probe.resource=probe.alpha)")
    ResourceControl alpha;

    ByteArrayOutputStream output = new ByteArrayOutputStream();
    CommandSession session;

    @BeforeEach
    void openSession() throws Exception {
        Readiness.configure(context, configAdmin, scr, 300, "probe.alpha", "probe.beta");
        PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);
        session = processor.createSession(InputStream.nullInputStream(), out, out);
    }

    @AfterEach
    void close() {
        session.close();
        alpha.notReady("test over");
    }

    @Test
    void statusListsEveryResourceInAlignedColumns() throws Exception {
        alpha.failed("migrations failed", new IllegalStateException("schema 7 is newer than 5"));
        Await.until("alpha failed in the table", Readiness.WAIT, () -> run("hassette:status").contains("failed"));
        List<String> lines = run("hassette:status").lines().toList();
        String header = lines.get(0);
        assertTrue(header.matches("RESOURCE +ROLE +STATUS +READY +RESTARTS +REASON"), header);
        String alphaRow = row(lines, "probe.alpha");
        String betaRow = row(lines, "probe.beta");
        for (String column : List.of("ROLE", "STATUS", "READY", "RESTARTS", "REASON")) {
            int at = header.indexOf(column);
            assertNotEquals(' ', alphaRow.charAt(at), column + " is aligned in:\n" + String.join("\n", lines));
            assertEquals(' ', alphaRow.charAt(at - 1), column + " is aligned in:\n" + String.join("\n", lines));
        }
        assertTrue(alphaRow.matches("probe\\.alpha +core +failed +no +0 +migrations failed"), alphaRow);
        assertTrue(betaRow.matches("probe\\.beta +core +not_started +no +0 +waiting for AlphaService \\(unsatisfied reference 'alpha'\\)"), betaRow);
        assertEquals("core: NOT ready (see hassette:why)", lines.get(lines.size() - 1));
    }

    @Test
    void whyExplainsOneResourceAsAnIndentedChain() throws Exception {
        alpha.failed("migrations failed", new IllegalStateException("schema 7 is newer than 5"));
        Await.until("beta's chain", Readiness.WAIT, () -> run("hassette:why probe.beta").lines().count() == 2);
        assertEquals(List.of("probe.beta: waiting for AlphaService (unsatisfied reference 'alpha')",
                "  → probe.alpha: FAILED, migrations failed: IllegalStateException: schema 7 is newer than 5"),
                run("hassette:why probe.beta").lines().toList());
        assertTrue(run("hassette:why").contains("probe.beta: waiting for AlphaService"), "all not-ready resources");
    }

    @Test
    void whySaysAllCoreResourcesAreReadyWhenTheyAre() throws Exception {
        alpha.ready("up");
        Await.until("core ready", Readiness.WAIT, () -> Readiness.conditionRegistered(context));
        String why = run("hassette:why");
        assertTrue(why.startsWith("all core resources are ready"), why);
        assertEquals("probe.beta is ready: alpha bound", run("hassette:why probe.beta"));
        assertTrue(run("hassette:status").endsWith("core: ready"));
    }

    @Test
    void unknownResourceIsOneClearLineAndNoStackTrace() {
        Exception e = assertThrows(Exception.class, () -> session.execute("hassette:why no.such.thing"));
        assertTrue(e.getMessage().startsWith("unknown resource 'no.such.thing'; known: "), e.getMessage());
        assertTrue(e.getMessage().contains("probe.alpha"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void appCommandsStayWhileTheDatabaseIsDownAndSayWhyTheyCannotAct() throws Exception {
        java.time.Duration wait = java.time.Duration.ofSeconds(30);
        Platform.awaitCoreReady(context, wait);
        Await.until("the app handler is up", wait, () -> context.getServiceReference(org.hassette.api.app.AppRegistry.class) != null);
        String expected = "the app handler is not available: waiting for the Hassette core's database (see hassette:why database)";
        Components.disable(scr, Components.DATABASE);
        try {
            Await.until("the app handler gone with the database", wait,
                    () -> context.getServiceReference(org.hassette.api.app.AppRegistry.class) == null);
            // SCR reports the unsatisfied reference once the handler is deactivated: await the full reason
            Readiness.awaitEquals("hassette:apps says why", expected, () -> failure("hassette:apps"));
            assertEquals(expected, failure("hassette:app show some.app"));
            assertEquals("usage: hassette:app start|stop|reload|enable|disable|show <app id>", run("hassette:app show"));
        } finally {
            Platform.restoreDefaults(context, scr, configAdmin, wait);
        }
        Await.until("the app table is back", wait, () -> {
            try {
                String table = session.execute("hassette:apps").toString();
                return table.startsWith("APP") || table.equals("no apps");
            } catch (Exception e) {
                return false;
            }
        });
    }

    /** The one-line error a command fails with, or "no error: <its output>". */
    private String failure(String command) {
        try {
            return "no error: " + session.execute(command);
        } catch (Exception e) {
            return e.getMessage();
        }
    }

    @Test
    void everyCommandAndParameterHasHelp() throws Exception {
        Object result = session.execute("help hassette:why");
        String help = output.toString(StandardCharsets.UTF_8) + result;
        assertTrue(help.contains("explains why one resource is not ready"), help);
        assertTrue(help.contains("resource name, as listed by hassette:status"), help);
        assertTrue(help.contains("explains why resources are not ready"), help);
    }

    private String run(String command) {
        try {
            return session.execute(command).toString();
        } catch (Exception e) {
            throw new AssertionError(command + " failed: " + e, e);
        }
    }

    private static String row(List<String> lines, String resource) {
        return lines.stream().filter(l -> l.startsWith(resource + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("no row for " + resource + " in:\n" + String.join("\n", lines)));
    }
}
