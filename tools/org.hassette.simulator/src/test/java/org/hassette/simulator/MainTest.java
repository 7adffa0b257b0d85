package org.hassette.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The standalone launcher, run as a separate JVM the way {@code ./hassette simulator} runs it. */
class MainTest {

    private static Process launch(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).start();
    }

    @Test
    void printsOneReadyLineServesAndExitsZeroOnSigterm() throws Exception {
        // the token from a file, as ./hassette run --ha-token-file reads it (keeps it off the command line)
        Path tokenFile = java.nio.file.Files.createTempFile("sim-token", ".txt");
        java.nio.file.Files.writeString(tokenFile, "main-token\n");
        Process p = launch("--port", "0", "--token-file", tokenFile.toString(), "--entities", "10");
        try {
            List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
            java.util.concurrent.LinkedBlockingQueue<String> first = new java.util.concurrent.LinkedBlockingQueue<>();
            Thread reader = new Thread(() -> {
                try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    String l;
                    while ((l = out.readLine()) != null) {
                        lines.add(l);
                        first.add(l);
                    }
                } catch (java.io.IOException e) {
                    // process ended
                }
            });
            reader.start();
            String line = first.poll(20, TimeUnit.SECONDS);
            Matcher m = Pattern.compile("listening on ws://127\\.0\\.0\\.1:(\\d+)/api/websocket \\(REST http://127\\.0\\.0\\.1:(\\d+)/api/\\)")
                    .matcher(line == null ? "" : line);
            assertTrue(m.matches(), "ready line: " + line);
            int port = Integer.parseInt(m.group(1));
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + port + "/api/states")).header("Authorization", "Bearer main-token").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(10, TimeUnit.SECONDS), "exits on SIGTERM");
            assertEquals(0, p.exitValue());
            reader.join(5000);
            assertEquals(1, lines.size(), "exactly one line on stdout: " + lines);
        } finally {
            p.destroyForcibly();
            java.nio.file.Files.deleteIfExists(tokenFile);
        }
    }

    @Test
    void badOptionsExitTwoWithAClearMessage() throws Exception {
        String[][] cases = {
            {"--token", "t"},
            {"--port", "0"},
            {"--port", "abc", "--token", "t"},
            {"--port", "0", "--token", "t", "--entities", "-3"},
            {"--port", "0", "--token", "t", "--bogus", "1"},
            {"--port", "0", "--token", "t", "--scenario", "/no/such/file.json"},
            {"--port", "0", "--token-file", "/no/such/token-file"},
        };
        for (String[] args : cases) {
            Process p = launch(args);
            assertTrue(p.waitFor(10, TimeUnit.SECONDS));
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(2, p.exitValue(), String.join(" ", args) + " -> " + err);
            assertTrue(err.startsWith("error: "), err);
            assertTrue(err.contains("usage: "), err);
        }
    }

    @Test
    void anUnknownOptionInLastPositionIsReportedAsUnknown() throws Exception {
        for (String[] args : new String[][] {{"--port", "0", "--token", "t", "--bogus"}, {"--bogus"}}) {
            Process p = launch(args);
            assertTrue(p.waitFor(10, TimeUnit.SECONDS));
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(2, p.exitValue(), String.join(" ", args) + " -> " + err);
            assertTrue(err.startsWith("error: unknown option --bogus\n"), err);
        }
        Process valueless = launch("--port", "0", "--token");
        assertTrue(valueless.waitFor(10, TimeUnit.SECONDS));
        String err = new String(valueless.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(2, valueless.exitValue(), err);
        assertTrue(err.startsWith("error: option --token needs a value"), err);
    }
}
