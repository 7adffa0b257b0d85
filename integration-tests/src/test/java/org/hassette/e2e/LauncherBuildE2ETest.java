package org.hassette.e2e;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./hassette} builds the project when the runtime is missing or older than any source, and
 * only then. The launcher script runs in a scratch copy of the checkout's layout, with a recording
 * {@code mvn} first on the PATH: a real Maven build inside this build would take minutes and write
 * into the checkout under test.
 */
class LauncherBuildE2ETest {
    @TempDir
    Path root;

    private Path mvnLog;
    private Path jar;
    private Path source;

    @BeforeEach
    void layout() throws IOException {
        Files.copy(PlatformProcess.ROOT.resolve("hassette"), root.resolve("hassette"));
        Files.setPosixFilePermissions(root.resolve("hassette"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(root.resolve("pom.xml"), "<project/>\n");
        Files.writeString(root.resolve("bnd.bnd"), "\n");
        source = root.resolve("bundles/org.example/src/main/java/Example.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, "class Example {}\n");
        Files.createDirectories(root.resolve("runtime"));
        Files.createDirectories(root.resolve("tools"));
        Files.createDirectories(root.resolve("apps"));
        jar = root.resolve("runtime/target/hassette/hassette.jar");
        mvnLog = root.resolve("mvn-calls.txt");
        Path bin = root.resolve("fakebin");
        Files.createDirectories(bin);
        // records its arguments; "builds" the runtime jar unless told to fail
        Files.writeString(bin.resolve("mvn"), String.join("\n", "#!/usr/bin/env bash",
                "echo \"$*\" >> \"" + mvnLog + "\"",
                "if [ -n \"${FAKE_MVN_FAIL:-}\" ]; then echo 'COMPILATION ERROR: Example.java:[1,1]'; exit 1; fi",
                "mkdir -p \"" + jar.getParent() + "\" && : > \"" + jar + "\"", ""));
        Files.setPosixFilePermissions(bin.resolve("mvn"), PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void buildsWhenNothingIsBuiltThenNotAgainUntilASourceChanges() throws Exception {
        Result first = run();
        assertTrue(first.out.contains("hassette: building (no runtime built yet)"), first.out);
        assertEquals(List.of("-B -q package -DskipTests"), calls(), "a quiet package build without tests, never install");

        for (Path f : List.of(source, root.resolve("pom.xml"), root.resolve("bnd.bnd"))) {
            Files.setLastModifiedTime(f, FileTime.from(Instant.now().minusSeconds(60)));
        }
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().minusSeconds(30)));
        Result upToDate = run();
        assertFalse(upToDate.out.contains("building"), upToDate.out);
        assertEquals(1, calls().size(), "up to date: no build");

        Files.setLastModifiedTime(source, FileTime.from(Instant.now()));
        Result changed = run();
        assertTrue(changed.out.contains("hassette: building (sources changed (bundles/org.example/src/main/java/Example.java))"), changed.out);
        assertEquals(2, calls().size());
    }

    @Test
    void aFailedBuildShowsItsOutputAndStops() throws Exception {
        Result r = run("FAKE_MVN_FAIL", "1");
        assertEquals(2, r.code, r.out);
        assertTrue(r.out.contains("COMPILATION ERROR: Example.java:[1,1]"), "the end of the build log is shown: " + r.out);
        assertTrue(r.out.contains("hassette: build failed; full log in " + root.resolve("target/hassette-build.log")), r.out);
    }

    private List<String> calls() throws IOException {
        return Files.exists(mvnLog) ? Files.readAllLines(mvnLog) : List.of();
    }

    private record Result(int code, String out) {
    }

    /** {@code ./hassette run --help}: after the build check the (empty) runtime jar cannot start, which is fine here. */
    private Result run(String... env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(root.resolve("hassette").toString(), "run", "--help").directory(root.toFile())
                .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("PATH", root.resolve("fakebin") + ":" + System.getenv("PATH"));
        pb.environment().remove("HASSETTE_SKIP_BUILD");
        pb.environment().put("HASSETTE_HOME", root.resolve("home").toString());
        for (int i = 0; i < env.length; i += 2) {
            pb.environment().put(env[i], env[i + 1]);
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the launcher did not finish");
        return new Result(p.exitValue(), out);
    }
}
