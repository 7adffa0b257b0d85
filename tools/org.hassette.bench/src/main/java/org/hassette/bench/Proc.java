package org.hassette.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A child process of the harness (simulator, platform, JS client): stdout lines are kept in a queue
 * for {@link #awaitLine} and, with stderr, copied to a log file; {@link #stop} sends SIGTERM and
 * waits, then kills.
 */
final class Proc implements AutoCloseable {
    final String name;
    final Process process;
    final Path log;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private Proc(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    static Proc start(String name, List<String> command, Path dir, Map<String, String> env, Path log) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().putAll(env);
        Files.createDirectories(log.getParent());
        Proc p = new Proc(name, pb.start(), log);
        Thread t = new Thread(p::pump, "bench-" + name + "-out");
        t.setDaemon(true);
        t.start();
        return p;
    }

    private void pump() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
            String line;
            while ((line = in.readLine()) != null) {
                out.println(line);
                lines.add(line);
            }
        } catch (IOException e) {
            // process ended
        }
    }

    /** The next stdout line matching {@code test}, skipping others; fails after {@code timeout} or when the process ends. */
    String awaitLine(Predicate<String> test, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IllegalStateException(name + ": no " + what + " within " + timeout.toSeconds() + " s; see " + log);
            }
            String line = lines.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)), TimeUnit.NANOSECONDS);
            if (line != null && test.test(line)) {
                return line;
            }
            if (line == null && !process.isAlive() && lines.isEmpty()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + " while waiting for " + what
                        + "; see " + log);
            }
        }
    }

    long pid() {
        return process.pid();
    }

    void stop() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }
}
