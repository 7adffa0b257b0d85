package org.hassette.e2e;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** The platform started the way a user starts it: {@code ./hassette run} in a home folder of its own. */
final class PlatformProcess implements AutoCloseable {
    static final Path ROOT = Paths.get(System.getProperty("hassette.root", "..")).toAbsolutePath().normalize();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final Path home;
    final int port;
    final Path output;
    final Process process;

    private PlatformProcess(Path home, int port, Path output, Process process) {
        this.home = home;
        this.port = port;
        this.output = output;
        this.process = process;
    }

    static PlatformProcess start(Path home, int port, Map<String, String> extraEnv, String... args) throws IOException {
        Path output = Files.createTempFile("hassette-e2e-", ".out");
        List<String> command = new ArrayList<>(List.of(ROOT.resolve("hassette").toString(), "run"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(ROOT.toFile())
                .redirectErrorStream(true).redirectOutput(output.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Map<String, String> env = pb.environment();
        env.put("HASSETTE_HOME", home.toString());
        env.put("HASSETTE_HTTP_PORT", Integer.toString(port));
        env.put("HASSETTE_SKIP_BUILD", "1");
        env.remove("HASSETTE_CONSOLE_PASSWORD");
        env.putAll(extraEnv);
        return new PlatformProcess(home, port, output, pb.start());
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    String output() {
        try {
            return Files.readString(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "<no output: " + e.getMessage() + ">";
        }
    }

    HttpResponse<String> get(String path, String user, String password) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10));
        if (user != null) {
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Waits until /system/health/systemready.json answers 200 with an overall OK. */
    void awaitSystemReady(Duration timeout) {
        await("systemready OK on port " + port, timeout, () -> {
            try {
                HttpResponse<String> r = get("/system/health/systemready.json", null, null);
                return r.statusCode() == 200 && r.body().contains("\"overallResult\":\"OK\"");
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
    }

    /** Waits until the Web Console serves {@code path} to this user (its plugins register after HTTP is up). */
    void awaitConsole(String path, String user, String password, Duration timeout) {
        await("console " + path + " answering 200", timeout, () -> {
            try {
                return get(path, user, password).statusCode() == 200;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
    }

    void awaitOutput(String text, Duration timeout) {
        await("'" + text + "' in the platform output", timeout, () -> output().contains(text));
    }

    void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (!process.isAlive()) {
                throw new AssertionError("platform exited with " + process.exitValue() + " while waiting for " + what
                        + "; output:\n" + output());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + "; output:\n" + output());
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted");
            }
        }
    }

    /** Runs {@code ./hassette exec} for this home folder. */
    static Result exec(Path home, String... command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(ROOT.resolve("hassette").toString(), "exec"));
        cmd.addAll(List.of(command));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile());
        pb.environment().put("HASSETTE_HOME", home.toString());
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("./hassette exec did not finish in 30 s");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    /** Runs {@code ./hassette run ...} expecting it to refuse to start; returns exit code and output. */
    static Result runExpectingExit(Path home, int port, String... args) throws IOException, InterruptedException {
        return runExpectingExit(home, port, Map.of(), args);
    }

    /** As {@link #runExpectingExit(Path, int, String...)} with extra environment variables. */
    static Result runExpectingExit(Path home, int port, Map<String, String> env, String... args) throws IOException, InterruptedException {
        try (PlatformProcess p = start(home, port, env, args)) {
            if (!p.process.waitFor(60, TimeUnit.SECONDS)) {
                throw new AssertionError("expected the platform to refuse to start, but it kept running:\n" + p.output());
            }
            return new Result(p.process.exitValue(), p.output(), "");
        }
    }

    /** SIGTERM, then the exit code (fails if it does not stop within the timeout). */
    int terminate(Duration timeout) throws InterruptedException {
        List<ProcessHandle> family = new ArrayList<>(process.descendants().toList());
        family.add(process.toHandle());
        process.destroy(); // SIGTERM
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("platform did not stop within " + timeout + " after SIGTERM; output:\n" + output());
        }
        for (ProcessHandle h : family) {
            if (h.isAlive()) {
                throw new AssertionError("process " + h.pid() + " " + h.info().commandLine().orElse("") + " outlived the platform");
            }
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }

    record Result(int code, String out, String err) {
    }
}
