package org.hassette.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Write your first app" as a user does it: {@code ./hassette new-app} creates a project,
 * {@code mvn -B package} builds and tests it standalone (against this checkout's API jar and test
 * kit, nothing installed), and the jar and its configuration dropped into {@code deploy/} of a
 * running platform start an app that reacts to Home Assistant (the demo home).
 */
class NewAppE2ETest {
    private static final Duration START = Duration.ofSeconds(90);

    @TempDir
    Path tmp;

    @Test
    void generatedProjectBuildsAndItsJarRunsFromDeploy() throws Exception {
        Path project = tmp.resolve("apps/porch-light");
        Result created = run(PlatformProcess.ROOT, Duration.ofMinutes(5), PlatformProcess.ROOT.resolve("hassette").toString(),
                "new-app", "porch-light", "--dir", project.toString());
        assertEquals(0, created.code, created.out);
        assertTrue(created.out.contains("Created app project " + project), created.out);
        Path config = project.resolve("deploy/org.example.porchlight-example.config");
        assertTrue(Files.isRegularFile(project.resolve("src/main/java/org/example/porchlight/PorchLight.java")));
        assertTrue(Files.isRegularFile(config));
        Result again = run(PlatformProcess.ROOT, Duration.ofSeconds(30), PlatformProcess.ROOT.resolve("hassette").toString(),
                "new-app", "porch-light", "--dir", project.toString());
        assertEquals(2, again.code, again.out);
        assertTrue(again.out.contains("already exists"), again.out);

        List<String> mvn = new ArrayList<>(List.of(maven(), "-B", "package"));
        String repo = System.getProperty("hassette.maven.repo.local");
        if (repo != null && !repo.isBlank()) {
            mvn.add("-Dmaven.repo.local=" + repo);
        }
        Result build = run(project, Duration.ofMinutes(5), mvn.toArray(String[]::new));
        assertEquals(0, build.code, build.out);
        assertTrue(build.out.contains("Tests run: 1, Failures: 0, Errors: 0"), build.out);
        Path jar = project.resolve("target/org.example.porchlight-1.0.0-SNAPSHOT.jar");
        assertTrue(Files.isRegularFile(jar), build.out);
        // the qualifier is the build time to the second: two rebuilds within a minute differ in lb and hassette:apps
        try (java.util.jar.JarFile j = new java.util.jar.JarFile(jar.toFile())) {
            String version = j.getManifest().getMainAttributes().getValue("Bundle-Version");
            assertTrue(version.matches("1\\.0\\.0\\.\\d{14}"), version);
        }

        Path home = tmp.resolve("home");
        try (PlatformProcess p = PlatformProcess.start(home, PlatformProcess.freePort(), Map.of())) {
            p.awaitSystemReady(START);
            // the app: when the trigger turns on, turn the target on (a generated input_boolean and plug of the demo home)
            Files.writeString(home.resolve("deploy/org.example.porchlight-example.config"),
                    "trigger=\"input_boolean.kitchen_guest_mode\"\ntarget=\"switch.kitchen_plug\"\n", StandardCharsets.UTF_8);
            Files.copy(jar, home.resolve("deploy/.porch.part"));
            Files.move(home.resolve("deploy/.porch.part"), home.resolve("deploy/org.example.porchlight.jar"));
            p.await("app:org.example.porchlight~example running", START, () -> exec(home, "hassette:apps").lines()
                    .anyMatch(l -> l.startsWith("app:org.example.porchlight~example") && l.contains("running")));

            exec(home, "hassette:call switch.turn_off entity_id=switch.kitchen_plug");
            exec(home, "hassette:call input_boolean.turn_off entity_id=input_boolean.kitchen_guest_mode");
            // each look is a new ./hassette exec JVM, which can take seconds on a busy machine
            p.await("switch.kitchen_plug off", Duration.ofSeconds(60),
                    () -> exec(home, "hassette:state switch.kitchen_plug").startsWith("switch.kitchen_plug = off"));
            exec(home, "hassette:call input_boolean.turn_on entity_id=input_boolean.kitchen_guest_mode");
            p.awaitOutput("input_boolean.kitchen_guest_mode is on: turned switch.kitchen_plug on", Duration.ofSeconds(60));
            p.await("switch.kitchen_plug on", Duration.ofSeconds(60),
                    () -> exec(home, "hassette:state switch.kitchen_plug").startsWith("switch.kitchen_plug = on"));
            assertEquals(0, p.terminate(Duration.ofSeconds(30)), p.output());
        }
    }

    @Test
    void namesThatWouldNotCompileAreRefusedUpFront() throws Exception {
        String hassette = PlatformProcess.ROOT.resolve("hassette").toString();
        String[][] cases = {
            { "class", "name 'class' gives the Java package org.example.class, which does not compile: 'class' is a Java keyword" },
            { "int", "'int' is a Java keyword" },
            { "app", "name 'app' gives the class App, a name the generated code already uses" },
            { "Porch", "name 'Porch' must be lower case words with dashes" },
            { "porch_light", "name 'porch_light' must be lower case words with dashes" },
            { "2-porch", "name '2-porch' must be lower case words with dashes" },
        };
        for (String[] c : cases) {
            Path dir = tmp.resolve("refused-" + c[0]);
            Result r = run(PlatformProcess.ROOT, Duration.ofSeconds(30), hassette, "new-app", c[0], "--dir", dir.toString());
            assertEquals(2, r.code, c[0] + ": " + r.out);
            assertTrue(r.out.contains("hassette: new-app: ") && r.out.contains(c[1]), c[0] + ": " + r.out);
            assertFalse(Files.exists(dir), c[0] + ": created " + dir);
        }
        Result pkg = run(PlatformProcess.ROOT, Duration.ofSeconds(30), hassette, "new-app", "porch", "--package", "org.example.new",
                "--dir", tmp.resolve("refused-package").toString());
        assertEquals(2, pkg.code, pkg.out);
        assertTrue(pkg.out.contains("package 'org.example.new' does not compile: 'new' is a Java keyword"), pkg.out);
        assertFalse(Files.exists(tmp.resolve("refused-package")));
    }

    private static String maven() {
        String home = System.getProperty("maven.home");
        if (home != null && Files.isExecutable(Paths.get(home, "bin", "mvn"))) {
            return Paths.get(home, "bin", "mvn").toString();
        }
        return "mvn";
    }

    private static String exec(Path home, String command) {
        try {
            return PlatformProcess.exec(home, command).out();
        } catch (Exception e) {
            return "";
        }
    }

    private record Result(int code, String out) {
    }

    private static Result run(Path dir, Duration timeout, String... command) throws IOException, InterruptedException {
        Path out = Files.createTempFile("hassette-new-app-", ".out");
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout + ":\n" + Files.readString(out));
        }
        return new Result(process.exitValue(), Files.readString(out));
    }
}
