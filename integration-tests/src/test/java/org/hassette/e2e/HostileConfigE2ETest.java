package org.hassette.e2e;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.hassette.simulator.HaSimulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hostile input corpus for files an operator edits, against the launched platform: a value that
 * is not a number in a core component's {@code etc/*.cfg}, an app configuration with such a value
 * next to a good one, and jars that cannot be bundles in ways the other deploy tests do not cover
 * (empty file, a manifest with an invalid version). Each is reported naming the file, property and
 * value; the platform keeps running, the good app works, and fixing the file in place recovers
 * without a restart. (Malformed .config syntax, not-a-zip, half-copied jars and missing imports are
 * covered by PlatformE2ETest and HotDeployE2ETest.)
 */
class HostileConfigE2ETest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String GOOD = "app:org.hassette.example.motionlights~good";
    private static final String BAD = "app:org.hassette.example.motionlights~bad";

    @TempDir
    Path tmp;

    @Test
    void badValuesAndBadJarsAreNamedAndThePlatformRecoversWhenTheyAreFixed() throws Exception {
        String token = "e2e-" + UUID.randomUUID();
        Path tokenFile = Files.writeString(tmp.resolve("token"), token + "\n");
        Path home = tmp.resolve("home");
        Path etc = Files.createDirectories(home.resolve("etc"));
        Path deploy = Files.createDirectories(home.resolve("deploy"));
        Path dbConfig = etc.resolve("org.hassette.database.internal.SqliteDatabase.cfg");
        Files.writeString(dbConfig, "write.queue.capacity = lots\n");
        Files.writeString(deploy.resolve("org.hassette.example.motionlights-good.cfg"),
                "sensor = binary_sensor.e2e_motion\nlights = light.e2e_hall\noff.after.seconds = 600\n");
        Files.writeString(deploy.resolve("org.hassette.example.motionlights-bad.cfg"),
                "sensor = binary_sensor.e2e_motion\nlights = light.e2e_other\noff.after.seconds = soon\n");
        Files.copy(exampleJar(), deploy.resolve("motionlights.jar"));
        Path empty = Files.write(deploy.resolve("empty.jar"), new byte[0]);
        Path badVersion = deploy.resolve("bad-version.jar");
        Files.write(badVersion, bundle("e2e.bad.version", "1.x.y"));

        try (HaSimulator sim = HaSimulator.builder().token(token).entities(0).build().start()) {
            sim.setState("binary_sensor.e2e_motion", "off", Map.of());
            sim.setState("light.e2e_hall", "off", Map.of());
            sim.setState("light.e2e_other", "off", Map.of());
            try (PlatformProcess p = PlatformProcess.start(home, PlatformProcess.freePort(), Map.of(), "--ha-url", sim.url(),
                    "--ha-token-file", tokenFile.toString(), "--startup-timeout", "5")) {
                // the database cannot start: said with file, property and value; the platform runs on
                String named = "configuration org.hassette.database.internal.SqliteDatabase (" + dbConfig
                        + "): write.queue.capacity = 'lots' is not a number";
                p.awaitOutput(named, WAIT);
                p.await("hassette:why names the bad value", WAIT, () -> exec(home, "hassette:why").contains("database: activation failed: " + named));
                p.await("systemready answering 503 (not ready without a database)", WAIT, () -> status(p, "/system/health/systemready.json") == 503);
                p.awaitOutput("Cannot deploy " + empty, WAIT);
                // FileInstall itself refuses it, with the file and the bad header value
                p.awaitOutput("Failed to install artifact: " + badVersion, WAIT);
                p.awaitOutput("invalid version \"1.x.y\"", WAIT);

                // fixed in place: everything comes up without a restart
                Files.writeString(dbConfig, "write.queue.capacity = 20000\n");
                p.awaitSystemReady(WAIT);
                p.await(GOOD + " running", WAIT, () -> exec(home, "hassette:apps").lines()
                        .anyMatch(l -> l.startsWith(GOOD) && l.contains("running")));
                p.await(BAD + " failed naming its value", WAIT, () -> exec(home, "hassette:app show " + BAD)
                        .contains("off.after.seconds = 'soon' is not a number"));
                sim.setState("binary_sensor.e2e_motion", "on", Map.of());
                p.await("the good app turned its light on", WAIT,
                        () -> "on".equals(sim.state("light.e2e_hall").map(s -> s.state()).orElse(null)));
                assertEquals("off", sim.state("light.e2e_other").orElseThrow().state(), "the bad instance does nothing");
                assertEquals(0, p.terminate(WAIT), p.output());
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

    private static byte[] bundle(String bsn, String version) throws IOException {
        Manifest m = new Manifest();
        Attributes a = m.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", bsn);
        a.putValue("Bundle-Version", version);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (JarOutputStream o = new JarOutputStream(buf, m)) {
            o.putNextEntry(new JarEntry("README.txt"));
            o.write("a bundle with an invalid version".getBytes());
            o.closeEntry();
        }
        return buf.toByteArray();
    }

    private static int status(PlatformProcess p, String path) {
        try {
            return p.get(path, null, null).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static String exec(Path home, String command) {
        try {
            PlatformProcess.Result r = PlatformProcess.exec(home, command);
            return r.out() + r.err();
        } catch (IOException | InterruptedException e) {
            return "";
        }
    }
}
