package org.hassette.e2e;

import static org.junit.jupiter.api.Assertions.*;

import java.net.ServerSocket;
import java.net.InetAddress;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The platform as a user meets it: ./hassette run, health, console, ./hassette exec, SIGTERM. */
class PlatformE2ETest {
    private static final Duration START = Duration.ofSeconds(90);

    @TempDir
    Path tmp;

    @Test
    void startsServesHealthRunsExecAndStopsCleanlyOnSigterm() throws Exception {
        Path home = tmp.resolve("home");
        try (PlatformProcess p = PlatformProcess.start(home, PlatformProcess.freePort(), Map.of())) {
            p.awaitSystemReady(START);
            p.awaitOutput("Hassette is up:", Duration.ofSeconds(10));
            String out = p.output();
            assertTrue(out.contains("/system/console") && out.contains(home.toString()), out);
            assertQuietStart(out);

            PlatformProcess.Result lb = PlatformProcess.exec(home, "lb");
            assertEquals(0, lb.code(), lb.err());
            assertTrue(lb.out().contains("Hassette local shell"), lb.out());
            assertTrue(lb.out().contains("Apache Felix Declarative Services"), lb.out());

            PlatformProcess.Result status = PlatformProcess.exec(home, "hassette:status");
            assertEquals(0, status.code(), status.err());
            assertTrue(status.out().matches("(?s)RESOURCE +ROLE +STATUS +READY +RESTARTS +REASON\nbus +core +running +yes .*\ndatabase +core +running +yes .*"
                    + "\nsession +core +running +yes .*\nwatcher +core +running +yes .*core: ready\\s*"), status.out());
            assertEquals("all core resources are ready", PlatformProcess.exec(home, "hassette:why").out().strip());
            PlatformProcess.Result sessions = PlatformProcess.exec(home, "hassette:sessions");
            assertEquals(0, sessions.code(), sessions.err());
            assertTrue(sessions.out().matches("(?s)ID +STATUS +STARTED .*\n1 \\* +running .*"), sessions.out());
            PlatformProcess.Result watcher = PlatformProcess.exec(home, "hassette:watcher");
            assertEquals(0, watcher.code(), watcher.err());
            assertTrue(watcher.out().startsWith("RESOURCE"), watcher.out());
            PlatformProcess.Result restartUnknown = PlatformProcess.exec(home, "hassette:restart nope");
            assertEquals(1, restartUnknown.code());
            assertTrue(restartUnknown.err().startsWith("error: no core resource named 'nope'"), restartUnknown.err());

            // the demo home from the shell: states, one state, a service call that changes it, an event, jobs
            PlatformProcess.Result lights = PlatformProcess.exec(home, "hassette:states 'light.*'");
            assertEquals(0, lights.code(), lights.err());
            // a generated light: the demo apps in deploy/ switch light.garage, light.hall and light.stairs themselves
            Matcher light = Pattern.compile("\\n(light\\.kitchen_[a-z0-9_]+) +(on|off) ").matcher(lights.out());
            assertTrue(light.find(), lights.out());
            String lightId = light.group(1);
            PlatformProcess.Result call = PlatformProcess.exec(home, "hassette:call light.turn_off entity_id=" + lightId);
            assertEquals(0, call.code(), call.err());
            assertTrue(call.out().startsWith("called light.turn_off (context "), call.out());
            // each look is a new ./hassette exec JVM, which can take seconds on a busy machine
            p.await(lightId + " off in the state cache", Duration.ofSeconds(60), () -> {
                try {
                    return PlatformProcess.exec(home, "hassette:state " + lightId).out().startsWith(lightId + " = off");
                } catch (Exception e) {
                    return false;
                }
            });
            PlatformProcess.Result fire = PlatformProcess.exec(home, "hassette:fire e2e_doorbell door=front count=2");
            assertEquals(0, fire.code(), fire.err());
            PlatformProcess.Result unknown = PlatformProcess.exec(home, "hassette:state light.nowhere");
            assertEquals(1, unknown.code());
            assertTrue(unknown.err().startsWith("error: unknown entity 'light.nowhere'"), unknown.err());
            assertEquals(0, PlatformProcess.exec(home, "hassette:jobs").code());
            PlatformProcess.Result noJob = PlatformProcess.exec(home, "hassette:run nope");
            assertEquals(1, noJob.code());
            assertTrue(noJob.err().startsWith("error: no job named 'nope'"), noJob.err());

            PlatformProcess.Result bad = PlatformProcess.exec(home, "no-such-command");
            assertEquals(1, bad.code());
            assertTrue(bad.err().contains("unknown command"), bad.err());

            // health is readable without login, the console is not
            assertEquals(200, p.get("/system/health/systemalive.json", null, null).statusCode());
            assertEquals(401, p.get("/system/console/bundles", null, null).statusCode());
            assertEquals(401, p.get("/system/console/bundles", "admin", "admin").statusCode(), "admin/admin must not work");
            Matcher m = Pattern.compile("user '([^']+)' password '([^']+)'").matcher(out);
            assertTrue(m.find(), "generated console password is shown once on first start:\n" + out);
            p.awaitConsole("/system/console/bundles.json", m.group(1), m.group(2), Duration.ofSeconds(20));
            HttpResponse<String> console = p.get("/system/console/bundles.json", m.group(1), m.group(2));
            assertTrue(console.body().contains("org.hassette.shell"), console.body());
            Path secret = home.resolve("data/console-credentials.properties");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secret)));
            assertFalse(Files.readString(secret).contains(m.group(2)), "only the hash is stored");

            assertEquals(0, p.terminate(Duration.ofSeconds(30)), p.output());
            assertFalse(Files.exists(home.resolve("run/shell.sock")), "socket removed on stop");
            assertTrue(p.output().strip().endsWith("Hassette stopped."), p.output());
            // the stop is as quiet, on the console and in the log; what an operator needs is still there
            String log = Files.readString(home.resolve("logs/hassette.log"));
            for (String text : new String[] { p.output(), log }) {
                for (String noise : NOISE) {
                    assertFalse(text.contains(noise), "'" + noise + "' printed:\n" + text);
                }
                assertTrue(text.contains("Hassette core ready in "), text);
                assertTrue(text.contains("org.apache.felix.fileinstall - Installing bundle org.hassette.example."), text);
                assertTrue(text.contains("org.apache.felix.fileinstall - Creating configuration {org.hassette.lifecycle.readiness}"), text);
            }
        }
        // second start: the password is not shown again, the platform comes up with the stored hash
        try (PlatformProcess p = PlatformProcess.start(home, PlatformProcess.freePort(), Map.of())) {
            p.awaitSystemReady(START);
            p.awaitOutput("Hassette is up:", Duration.ofSeconds(10));
            assertFalse(p.output().contains("password '"), p.output());
            assertEquals(0, p.terminate(Duration.ofSeconds(30)));
        }
    }

    /**
     * Third-party start and stop chatter that buried "Hassette is up" at line ~90 (Pax Logging's API
     * lines, one Health Check line per servlet path, optional features Web Console and Health Check
     * cannot enable).
     */
    private static final String[] NOISE = { "Enabling Java Util Logging API support", "Disabling SLF4J API support",
            "[org.ops4j.pax.logging.internal.Activator] INFO", "Initializing Logback", "Health Check Servlet Configuration",
            "Registering HC Servlet", "Unregistering HC Servlet", "Quartz is NOT available", "HC Thread Pool",
            "HealthCheckExecutor active", "PreferencesConfigurationPrinter", "Servlet 3 bridge enabled" };

    /**
     * A first start in a new demo home printed 32 lines before "Hassette is up" (91 before the chatter
     * was silenced): the launcher's demo line, FileInstall's lines for the default etc/ files and the
     * demo apps, SCR's two, and Hassette's own. The bound leaves room for a slower machine's ordering.
     */
    private static final int START_LINES_BOUND = 45;

    private static void assertQuietStart(String out) {
        String start = out.substring(0, out.indexOf("Hassette is up:"));
        for (String noise : NOISE) {
            assertFalse(start.contains(noise), "'" + noise + "' printed before Hassette is up:\n" + start);
        }
        long lines = start.lines().count();
        assertTrue(lines <= START_LINES_BOUND, lines + " lines before 'Hassette is up' (at most " + START_LINES_BOUND + "):\n" + start);
    }

    @Test
    void consolePasswordFromEnvironmentIsUsedAndNeverPrinted() throws Exception {
        Path home = tmp.resolve("envhome");
        try (PlatformProcess p = PlatformProcess.start(home, PlatformProcess.freePort(),
                Map.of("HASSETTE_CONSOLE_USER", "operator", "HASSETTE_CONSOLE_PASSWORD", "s3cret-Passw0rd"))) {
            p.awaitSystemReady(START);
            p.awaitConsole("/system/console/bundles.json", "operator", "s3cret-Passw0rd", Duration.ofSeconds(20));
            assertEquals(401, p.get("/system/console/bundles.json", "operator", "wrong").statusCode());
            p.terminate(Duration.ofSeconds(30));
            assertFalse(p.output().contains("s3cret-Passw0rd"), "password must never be logged");
            for (Path log : Files.list(home.resolve("logs")).toList()) {
                assertFalse(Files.readString(log).contains("s3cret-Passw0rd"), log + " contains the password");
            }
        }
    }

    @Test
    void unknownOptionIsRefusedWithUsage() throws Exception {
        PlatformProcess.Result r = PlatformProcess.runExpectingExit(tmp.resolve("h"), PlatformProcess.freePort(), "--colour", "blue");
        assertEquals(2, r.code());
        assertTrue(r.out().contains("unknown option '--colour'"), r.out());
        assertTrue(r.out().contains("usage: hassette run"), r.out());
    }

    @Test
    void portInUseIsRefusedAndCreatesNoHomeFolder() throws Exception {
        Path home = tmp.resolve("h");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            PlatformProcess.Result r = PlatformProcess.runExpectingExit(home, taken.getLocalPort());
            assertEquals(2, r.code(), r.out());
            assertTrue(r.out().contains("HTTP port " + taken.getLocalPort() + " on 127.0.0.1 is already in use"), r.out());
            assertFalse(Files.exists(home), "a refused start created " + home);
        }
    }

    @Test
    void unreadableHaTokenFileIsRefusedAndCreatesNoHomeFolder() throws Exception {
        Path home = tmp.resolve("h");
        Path token = tmp.resolve("no-such-token");
        PlatformProcess.Result r = PlatformProcess.runExpectingExit(home, PlatformProcess.freePort(),
                "--ha-url", "http://127.0.0.1:1", "--ha-token-file", token.toString());
        assertEquals(2, r.code(), r.out());
        assertTrue(r.out().contains("HA token file " + token + " does not exist or is not readable"), r.out());
        assertFalse(Files.exists(home), "a refused start created " + home);
    }

    @Test
    void unusableHomeFolderIsRefused() throws Exception {
        Path file = tmp.resolve("a-file");
        Files.writeString(file, "not a folder");
        PlatformProcess.Result r = PlatformProcess.runExpectingExit(file.resolve("home"), PlatformProcess.freePort());
        assertEquals(2, r.code(), r.out());
        assertTrue(r.out().contains("cannot create " + file.resolve("home")), r.out());
    }

    @Test
    void whileStartingTheHealthPathsSay503NeverA404() throws Exception {
        Path home = tmp.resolve("starting");
        try (PlatformProcess p = PlatformProcess.start(home, PlatformProcess.freePort(), Map.of())) {
            // every answer from launch to systemready OK, in order (repeats collapsed)
            java.util.List<String> seen = new java.util.ArrayList<>();
            boolean placeholder = false;
            long deadline = System.nanoTime() + START.toNanos();
            while (true) {
                assertTrue(System.nanoTime() < deadline, "no systemready OK; answers seen: " + seen + "\n" + p.output());
                assertTrue(p.process.isAlive(), "the platform exited; answers seen: " + seen + "\n" + p.output());
                String answer;
                try {
                    HttpResponse<String> r = p.get("/system/health/systemready.json", null, null);
                    answer = Integer.toString(r.statusCode());
                    if (r.statusCode() == 503 && r.body().contains("its health checks are not registered yet")) {
                        placeholder = true;
                        answer = "503 starting";
                        assertTrue(r.body().contains("\"overallResult\":\"TEMPORARILY_UNAVAILABLE\""), r.body());
                        assertEquals("1", r.headers().firstValue("Retry-After").orElse(null));
                    }
                    if (r.statusCode() == 200 && r.body().contains("\"overallResult\":\"OK\"")) {
                        seen.add(answer);
                        break;
                    }
                } catch (java.io.IOException notListeningYet) {
                    answer = "refused";
                }
                if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(answer)) {
                    seen.add(answer);
                }
                Thread.sleep(10);
            }
            assertTrue(placeholder, "the starting answer was never seen: " + seen);
            // HTTP opens with the web bundle (same start level): a 404 can only come before its first answer
            int first = seen.indexOf("503 starting");
            assertFalse(seen.subList(first, seen.size()).contains("404"), "a 404 while starting: " + seen);
            HttpResponse<String> alias = p.get("/health/ready", null, null);
            assertFalse(alias.body().contains("not registered yet"), "Health Check took /health/ready over: " + alias.body());
            assertTrue(alias.body().contains("\"overallResult\""), alias.body());
            assertEquals(0, p.terminate(Duration.ofSeconds(30)));
        }
    }

    @Test
    void homeFolderThatExistsButCannotBeWrittenIsRefused() throws Exception {
        Path home = tmp.resolve("readonly");
        // the launcher proves the folder writable by creating a probe file; a folder in its place makes
        // that write fail even for root, as a read-only mount or a foreign owner would
        Files.createDirectories(home.resolve(".write-probe").resolve("occupied"));
        PlatformProcess.Result r = PlatformProcess.runExpectingExit(home, PlatformProcess.freePort());
        assertEquals(2, r.code(), r.out());
        assertTrue(r.out().contains("home folder " + home + " is not writable"), r.out());
        assertTrue(r.out().contains("choose another with --home"), r.out());
    }

    @Test
    void weakConsolePasswordsAreRefusedBeforeAnythingStarts() throws Exception {
        Path weak = tmp.resolve("weak");
        Path passwordFile = Files.writeString(tmp.resolve("console.pw"), "password\n");
        for (Map<String, String> env : java.util.List.of(
                Map.of("HASSETTE_CONSOLE_USER", "admin", "HASSETTE_CONSOLE_PASSWORD", "admin"),
                Map.of("HASSETTE_CONSOLE_PASSWORD", "1234"),
                Map.of("HASSETTE_CONSOLE_PASSWORD", "password"),
                Map.of("HASSETTE_CONSOLE_PASSWORD_FILE", passwordFile.toString()))) {
            PlatformProcess.Result r = PlatformProcess.runExpectingExit(weak, PlatformProcess.freePort(), env);
            assertEquals(2, r.code(), r.out());
            assertTrue(r.out().startsWith("hassette: HASSETTE_CONSOLE_PASSWORD is")
                    || r.out().startsWith("hassette: the password in " + passwordFile + " is"), r.out());
            assertFalse(r.out().contains("Hassette is up"), r.out());
            assertFalse(Files.exists(weak), "a refused start created " + weak);
        }
    }

    @Test
    void execWithoutARunningPlatformSaysSoAndFails() throws Exception {
        Path home = tmp.resolve("nobody-home");
        Files.createDirectories(home);
        PlatformProcess.Result r = PlatformProcess.exec(home, "lb");
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("no running platform for home folder " + home), r.err());
    }

    @Test
    void onATerminalItGivesTheGogoPromptBindsToLoopbackAndCtrlCStopsItCleanly() throws Exception {
        Path home = tmp.resolve("tty");
        int port = PlatformProcess.freePort();
        Path out = tmp.resolve("tty.out");
        // script(1) gives the launcher a pseudo terminal, as an operator's shell would. It runs the command
        // through $SHELL -c: "exec" makes the launcher that shell's process, as from an interactive shell.
        // Without it a dash that stays the parent dies of the terminal's SIGINT itself (exit 130).
        ProcessBuilder pb = new ProcessBuilder("script", "-qefc", "exec " + PlatformProcess.ROOT.resolve("hassette") + " run", "/dev/null")
                .directory(PlatformProcess.ROOT.toFile()).redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().putAll(Map.of("HASSETTE_HOME", home.toString(), "HASSETTE_HTTP_PORT", Integer.toString(port),
                "HASSETTE_SKIP_BUILD", "1", "HASSETTE_CONSOLE_PASSWORD", "terminal-Passw0rd",
                "SHELL", "/bin/sh")); // the same shell here and under CI, which may have no SHELL set
        Process script = pb.start();
        try {
            java.util.function.Supplier<String> output = () -> {
                try {
                    return Files.readString(out);
                } catch (java.io.IOException e) {
                    return "";
                }
            };
            long deadline = System.nanoTime() + START.toNanos();
            while (!output.get().contains("g! ")) {
                assertTrue(script.isAlive(), "the launcher exited before its prompt:\n" + output.get());
                assertTrue(System.nanoTime() < deadline, "no Gogo prompt on the terminal:\n" + output.get());
                Thread.sleep(50);
            }
            assertEquals(java.util.List.of("127.0.0.1"), listeners(port), "HTTP listens on loopback only by default");

            script.getOutputStream().write(3); // Ctrl-C typed on the terminal
            script.getOutputStream().flush();
            assertTrue(script.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "Ctrl-C did not stop the platform:\n" + tail(output.get()));
            assertEquals(0, script.exitValue(), "exit code after Ctrl-C; the output ends:\n" + tail(output.get()));
            assertTrue(output.get().strip().endsWith("Hassette stopped."), tail(output.get()));
            // Ctrl-C came at the prompt, while apps may still be starting: a stop is not a failure
            java.util.List<String> errors = output.get().lines().filter(l -> l.matches("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} ERROR .*")).toList();
            assertEquals(java.util.List.of(), errors, "ERROR lines for a stop during start");
            assertTrue(listeners(port).isEmpty(), "nothing listens after the stop");
        } finally {
            script.descendants().forEach(ProcessHandle::destroyForcibly);
            script.destroyForcibly();
        }
    }

    /** The last lines of a long output: where a stop went wrong, and short enough for a report to keep. */
    private static String tail(String text) {
        java.util.List<String> lines = text.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    /** Local addresses with a TCP socket listening on {@code port}, read from the kernel's socket tables. */
    private static java.util.List<String> listeners(int port) throws Exception {
        java.util.List<String> found = new java.util.ArrayList<>();
        String hexPort = String.format(":%04X", port);
        for (String table : java.util.List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            for (String line : Files.readAllLines(Path.of(table))) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 3 && f[1].endsWith(hexPort) && f[3].equals("0A")) { // 0A = LISTEN
                    String addr = f[1].substring(0, f[1].indexOf(':'));
                    if (addr.length() == 8) {
                        found.add(ipv4(addr));
                    } else if (addr.startsWith("0000000000000000FFFF0000")) { // IPv4-mapped IPv6
                        found.add(ipv4(addr.substring(24)));
                    } else {
                        found.add("ipv6:" + addr);
                    }
                }
            }
        }
        return found;
    }

    private static String ipv4(String littleEndianHex) {
        long v = Long.parseLong(littleEndianHex, 16);
        return (v & 0xff) + "." + ((v >> 8) & 0xff) + "." + ((v >> 16) & 0xff) + "." + ((v >> 24) & 0xff);
    }

    @Test
    void secondInstanceOnSameHomeIsRefused() throws Exception {
        Path home = tmp.resolve("shared");
        try (PlatformProcess first = PlatformProcess.start(home, PlatformProcess.freePort(), Map.of())) {
            first.awaitSystemReady(START);
            PlatformProcess.Result r = PlatformProcess.runExpectingExit(home, PlatformProcess.freePort());
            assertEquals(2, r.code(), r.out());
            assertTrue(r.out().contains("another Hassette is already running with home folder"), r.out());
            assertEquals(0, first.terminate(Duration.ofSeconds(30)));
        }
    }

    @Test
    void badFilesInEtcAndDeployAreReportedAndThePlatformKeepsRunning() throws Exception {
        Path home = tmp.resolve("badfiles");
        Files.createDirectories(home.resolve("etc"));
        Files.createDirectories(home.resolve("deploy"));
        Files.writeString(home.resolve("etc/org.hassette.example.config"), "retries=I\"three\"\n");
        Path broken = home.resolve("deploy/my-app.jar");
        Files.write(broken, "this is not a zip file".getBytes());
        try (PlatformProcess p = PlatformProcess.start(home, PlatformProcess.freePort(), Map.of())) {
            p.awaitSystemReady(START);
            p.awaitOutput("Cannot deploy " + broken + ": it is not a readable jar/zip file", Duration.ofSeconds(20));
            p.awaitOutput("Failed to install artifact: " + home.resolve("etc/org.hassette.example.config"), Duration.ofSeconds(20));
            p.awaitOutput("o.h.deploy.internal.ConfigFileGuard - Cannot apply etc/ configuration file " + home.resolve("etc/org.hassette.example.config")
                    + ": line 1 (retries=I\"three\"): not a number: \"three\". Fix the file; it is read again when saved.", Duration.ofSeconds(20));
            assertEquals(0, PlatformProcess.exec(home, "lb").code(), "platform still serves commands");

            // once fixed, the same file is picked up as a bundle
            Path fixed = tmp.resolve("fixed.jar");
            java.util.jar.Manifest mf = new java.util.jar.Manifest();
            mf.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
            mf.getMainAttributes().putValue("Bundle-ManifestVersion", "2");
            mf.getMainAttributes().putValue("Bundle-SymbolicName", "e2e.fixed.app");
            mf.getMainAttributes().putValue("Bundle-Version", "1.0.0");
            try (java.util.jar.JarOutputStream j = new java.util.jar.JarOutputStream(Files.newOutputStream(fixed), mf)) {
                j.flush();
            }
            Files.move(fixed, broken, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            p.await("e2e.fixed.app installed and active", Duration.ofSeconds(20), () -> {
                try {
                    PlatformProcess.Result lb = PlatformProcess.exec(home, "lb -s e2e.fixed.app");
                    return lb.code() == 0 && lb.out().contains("Active");
                } catch (Exception e) {
                    return false;
                }
            });
            assertEquals(0, p.terminate(Duration.ofSeconds(30)));
        }
    }
}
