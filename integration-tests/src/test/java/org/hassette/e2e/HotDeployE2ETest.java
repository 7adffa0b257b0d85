package org.hassette.e2e;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hassette.simulator.HaSimulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deploy/ folder as an operator uses it, against a running platform: drop an app jar in and its
 * listeners go live (the time is printed), replace it and only that bundle is updated, remove it and
 * the app is gone; a jar with a missing import and a half-copied jar are reported by file name and
 * picked up once fixed; what is in deploy/ at start is what runs.
 */
class HotDeployE2ETest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String APP = "app:org.hassette.example.motionlights~hall";
    private static final Pattern LOG_TIME = Pattern.compile("^(\\d\\d:\\d\\d:\\d\\d\\.\\d\\d\\d) ");

    @TempDir
    Path tmp;

    @Test
    void dropReplaceRemoveAndBrokenJars() throws Exception {
        String token = "e2e-" + UUID.randomUUID();
        Path tokenFile = Files.writeString(tmp.resolve("token"), token + "\n");
        Path home = tmp.resolve("home");
        Path deploy = Files.createDirectories(home.resolve("deploy"));
        Path jar = exampleJar();
        try (HaSimulator sim = HaSimulator.builder().token(token).entities(0).build().start()) {
            sim.setState("binary_sensor.e2e_motion", "off", Map.of());
            sim.setState("light.e2e_hall", "off", Map.of());
            try (PlatformProcess p = PlatformProcess.start(home, PlatformProcess.freePort(), Map.of(), "--ha-url", sim.url(),
                    "--ha-token-file", tokenFile.toString())) {
                p.awaitSystemReady(WAIT);
                Files.writeString(deploy.resolve("org.hassette.example.motionlights-hall.cfg"),
                        "sensor = binary_sensor.e2e_motion\nlights = light.e2e_hall\noff.after.seconds = 600\n");

                // drop: copied under another name, then renamed into place (what a careful operator does)
                LocalTime dropped = LocalTime.now();
                place(jar, deploy.resolve("motionlights.jar"));
                p.awaitOutput(APP + " started", WAIT);
                long ms = dropped.until(logTime(p.output(), APP + " started"), ChronoUnit.MILLIS);
                System.out.println("hot deploy: jar in deploy/ -> listeners live in " + ms + " ms");
                sim.setState("binary_sensor.e2e_motion", "on", Map.of());
                p.await("light.e2e_hall on", WAIT, () -> "on".equals(sim.state("light.e2e_hall").map(s -> s.state()).orElse(null)));
                String before = bundleLine(home, "org.hassette.example.motionlights");

                // replace: same symbolic name, new version -> the same bundle updated in place, core untouched
                place(withVersion(jar, "0.1.1.e2e"), deploy.resolve("motionlights.jar"));
                p.await(APP + " running 0.1.1.e2e", WAIT, () -> show(home).contains("0.1.1.e2e") && show(home).contains("running"));
                String after = bundleLine(home, "org.hassette.example.motionlights");
                assertEquals(id(before), id(after), "updated in place, same bundle id:\n" + before + "\n" + after);
                assertEquals(1, count(p.output(), "Connected to Home Assistant"), "the core was not refreshed:\n" + p.output());

                // remove: the app and everything it registered are gone
                Files.delete(deploy.resolve("motionlights.jar"));
                p.awaitOutput(APP + " removed", WAIT);
                p.await("no app listed", WAIT, () -> exec(home, "hassette:apps").contains("no apps"));
                assertTrue(exec(home, "lb -s org.hassette.example.motionlights").lines()
                        .noneMatch(l -> l.contains("org.hassette.example.motionlights")), "uninstalled");

                // a bundle whose import nobody exports: named with the missing package; nothing else moves
                place(bundleImporting("e2e.needs.missing", "org.example.nowhere"), deploy.resolve("needs-missing.jar"));
                p.awaitOutput("Cannot start " + deploy.resolve("needs-missing.jar").toUri().toString().replace("file:///", "file:/")
                        + " (e2e.needs.missing 1.0.0): it imports package org.example.nowhere, which no installed bundle exports", WAIT);
                assertTrue(exec(home, "hassette:status").contains("ready"), "core still ready");
                String table = exec(home, "hassette:deploy");
                assertTrue(table.lines().anyMatch(l -> l.startsWith("needs-missing.jar") && l.contains("e2e.needs.missing 1.0.0")
                        && l.contains("installed") && l.contains("not resolved: it imports package org.example.nowhere")), table);
                assertTrue(table.lines().anyMatch(l -> l.startsWith("org.hassette.example.motionlights-hall.cfg") && l.contains("configuration")), table);

                // a configuration file Config Admin cannot read: logged as deploy/'s, and rejected in the table with line and reason
                Path badConfig = deploy.resolve("org.hassette.example.motionlights-porch.config");
                Files.writeString(badConfig, "sensor=\"binary_sensor.e2e_motion\"\noff.after.seconds=I\"soon\"\n");
                p.awaitOutput("o.h.deploy.internal.ConfigFileGuard - Cannot apply deploy/ configuration file " + badConfig
                        + ": line 2 (off.after.seconds=I\"soon\"): not a number: \"soon\"", WAIT);
                String withBad = exec(home, "hassette:deploy");
                assertTrue(withBad.lines().anyMatch(l -> l.startsWith("org.hassette.example.motionlights-porch.config")
                        && l.matches(".* rejected +line 2 \\(off\\.after\\.seconds=I\"soon\"\\): not a number: \"soon\"")), withBad);
                Files.delete(badConfig);

                // half copied: the truncated jar is reported, the completed one is deployed
                byte[] bytes = Files.readAllBytes(jar);
                Path slow = deploy.resolve("slow-copy.jar");
                Files.write(slow, java.util.Arrays.copyOf(bytes, bytes.length / 2));
                p.awaitOutput("Cannot deploy " + slow, WAIT);
                Files.write(slow, bytes);
                p.await(APP + " started again from the completed copy", WAIT, () -> count(p.output(), APP + " started") >= 3);
                assertEquals(0, p.terminate(WAIT));
            }

            // at start, deploy/ decides: the jar removed while the platform was down is not installed
            Files.delete(deploy.resolve("slow-copy.jar"));
            try (PlatformProcess p = PlatformProcess.start(home, PlatformProcess.freePort(), Map.of(), "--ha-url", sim.url(),
                    "--ha-token-file", tokenFile.toString())) {
                p.awaitSystemReady(WAIT);
                p.awaitOutput("needs-missing.jar", WAIT);
                assertEquals("no apps", exec(home, "hassette:apps").strip());
                assertEquals(0, p.terminate(WAIT));
            }
        }
    }

    private static Path exampleJar() throws IOException {
        Path dir = PlatformProcess.ROOT.resolve("apps/org.hassette.example.motionlights/target");
        try (var s = Files.list(dir)) {
            List<Path> jars = s.filter(f -> f.getFileName().toString().matches("org\\.hassette\\.example\\.motionlights-[^-]+(-SNAPSHOT)?\\.jar")).toList();
            assertEquals(1, jars.size(), "example app jar in " + dir + ": " + jars);
            return jars.get(0);
        }
    }

    /** Copies next to the target under a name FileInstall ignores, then renames it into place. */
    private void place(Path source, Path target) throws IOException {
        Path part = target.resolveSibling(target.getFileName() + ".part");
        Files.copy(source, part, StandardCopyOption.REPLACE_EXISTING);
        Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private Path withVersion(Path jar, String version) throws IOException {
        Path out = tmp.resolve("motionlights-" + version + ".jar");
        try (JarInputStream in = new JarInputStream(Files.newInputStream(jar))) {
            Manifest m = new Manifest(in.getManifest());
            m.getMainAttributes().putValue("Bundle-Version", version);
            try (JarOutputStream o = new JarOutputStream(Files.newOutputStream(out), m)) {
                for (JarEntry e; (e = in.getNextJarEntry()) != null;) {
                    o.putNextEntry(new JarEntry(e.getName()));
                    in.transferTo(o);
                    o.closeEntry();
                }
            }
        }
        return out;
    }

    private Path bundleImporting(String bsn, String pkg) throws IOException {
        Manifest m = new Manifest();
        Attributes a = m.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", bsn);
        a.putValue("Bundle-Version", "1.0.0");
        a.putValue("Import-Package", pkg);
        Path out = tmp.resolve(bsn + ".jar");
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (JarOutputStream o = new JarOutputStream(buf, m)) {
            o.putNextEntry(new JarEntry("README.txt"));
            o.write("test bundle with an import nobody exports".getBytes());
            o.closeEntry();
        }
        return Files.write(out, buf.toByteArray());
    }

    private static String exec(Path home, String command) {
        try {
            PlatformProcess.Result r = PlatformProcess.exec(home, command);
            return r.out() + r.err();
        } catch (IOException | InterruptedException e) {
            return "";
        }
    }

    private static String show(Path home) {
        return exec(home, "hassette:app show " + APP);
    }

    private static String bundleLine(Path home, String bsn) {
        return exec(home, "lb -s " + bsn).lines().filter(l -> l.contains(bsn)).findFirst().orElse("<none>");
    }

    private static String id(String lbLine) {
        return lbLine.strip().split("\\|")[0].strip();
    }

    private static int count(String text, String needle) {
        return text.split(Pattern.quote(needle), -1).length - 1;
    }

    private static LocalTime logTime(String output, String needle) {
        for (String line : (Iterable<String>) output.lines()::iterator) {
            if (line.contains(needle)) {
                Matcher m = LOG_TIME.matcher(line);
                if (m.find()) {
                    return LocalTime.parse(m.group(1));
                }
            }
        }
        throw new AssertionError("no timestamped line with '" + needle + "'");
    }

}
