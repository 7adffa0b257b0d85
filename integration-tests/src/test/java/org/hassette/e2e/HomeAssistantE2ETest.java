package org.hassette.e2e;

import static org.junit.jupiter.api.Assertions.*;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The platform against a Home Assistant it does not host: {@code ./hassette simulator} in one process,
 * {@code ./hassette run --ha-url … --ha-token-file …} in another, as an operator would run them.
 */
class HomeAssistantE2ETest {
    private static final String GOOD_TOKEN = "e2e-long-lived-token-3f9a";
    private static final String BAD_TOKEN = "e2e-wrong-token-77c1";

    @TempDir
    Path tmp;

    @Test
    void rejectedTokenIsANotReadyStateWithItsReasonAndTheRightTokenMakesTheCoreReady() throws Exception {
        int haPort = PlatformProcess.freePort();
        Path simOut = tmp.resolve("sim.out");
        Process sim = new ProcessBuilder(PlatformProcess.ROOT.resolve("hassette").toString(), "simulator", "--port",
                Integer.toString(haPort), "--token", GOOD_TOKEN, "--entities", "200")
                .directory(PlatformProcess.ROOT.toFile()).redirectErrorStream(true).redirectOutput(simOut.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!Files.readString(simOut).contains("listening on")) {
                assertTrue(sim.isAlive(), "simulator exited: " + Files.readString(simOut));
                assertTrue(System.nanoTime() < deadline, "simulator did not start: " + Files.readString(simOut));
                Thread.sleep(50);
            }
            Path badToken = Files.writeString(tmp.resolve("bad-token"), BAD_TOKEN + "\n");
            Path home = tmp.resolve("home");
            String url = "http://127.0.0.1:" + haPort;
            try (PlatformProcess p = PlatformProcess.start(home, PlatformProcess.freePort(), Map.of(), "--ha-url", url,
                    "--ha-token-file", badToken.toString(), "--startup-timeout", "3")) {
                p.await("websocket not ready because the token was refused", Duration.ofSeconds(60), () -> {
                    try {
                        PlatformProcess.Result why = PlatformProcess.exec(home, "hassette:why websocket");
                        return why.out().contains("auth_invalid");
                    } catch (Exception e) {
                        return false;
                    }
                });
                // the health servlet comes with Felix HC core at start level 25, after every check; the shell answers
                // earlier (level 15), so the endpoint may still be 404 here: wait for it, then it must say 503
                p.await("the health servlet is registered", Duration.ofSeconds(60), () -> {
                    try {
                        return p.get("/system/health/systemready.json", null, null).statusCode() != 404;
                    } catch (Exception e) {
                        return false;
                    }
                });
                assertEquals(503, p.get("/system/health/systemready.json", null, null).statusCode(), "not ready without HA");
                PlatformProcess.Result states = PlatformProcess.exec(home, "hassette:why states");
                assertTrue(states.out().contains("HomeAssistantConnection") && states.out().contains("auth_invalid"),
                        "the state cache's chain leads to the refused token:\n" + states.out());
                assertEquals(0, p.terminate(Duration.ofSeconds(30)), "an HA outage never crashes the platform");
                assertNoToken(p.output(), home, BAD_TOKEN);
            }

            Path goodToken = Files.writeString(tmp.resolve("good-token"), GOOD_TOKEN + "\n");
            try (PlatformProcess p = PlatformProcess.start(home, PlatformProcess.freePort(), Map.of(), "--ha-url", url,
                    "--ha-token-file", goodToken.toString())) {
                p.awaitSystemReady(Duration.ofSeconds(90));
                PlatformProcess.Result why = PlatformProcess.exec(home, "hassette:why");
                assertEquals("all core resources are ready", why.out().strip(), why.err() + "\n" + p.output());
                PlatformProcess.Result status = PlatformProcess.exec(home, "hassette:status");
                assertTrue(status.out().matches("(?s).*\\nstates +core +running +yes +0 +synced 2\\d\\d entities.*"), status.out());
                assertFalse(status.out().contains("demo"), "no demo home when an HA is given:\n" + status.out());
                assertEquals(0, p.terminate(Duration.ofSeconds(30)));
                assertNoToken(p.output(), home, GOOD_TOKEN);
            }
        } finally {
            sim.destroy();
            assertTrue(sim.waitFor(30, TimeUnit.SECONDS), "simulator did not stop on SIGTERM");
            assertEquals(0, sim.exitValue(), Files.readString(simOut));
        }
    }

    /**
     * A Home Assistant configured only in {@code etc/org.hassette.websocket.cfg} (no {@code --ha-url}) on a
     * new home: no demo home, no demo apps in deploy/ (they would act on that HA), and the platform
     * mirrors the configured HA.
     */
    @Test
    void homeAssistantConfiguredOnlyInEtcIsUsedAndNoDemoIsSeeded() throws Exception {
        try (org.hassette.simulator.HaSimulator sim = org.hassette.simulator.HaSimulator.builder().token(GOOD_TOKEN)
                .entities(123).build().start()) {
            Path home = tmp.resolve("etc-home");
            Files.createDirectories(home.resolve("etc"));
            Path token = Files.writeString(tmp.resolve("etc-token"), GOOD_TOKEN + "\n");
            Files.writeString(home.resolve("etc").resolve("org.hassette.websocket.cfg"),
                    "url = " + sim.url() + "\ntoken.file = " + token + "\n");
            try (PlatformProcess p = PlatformProcess.start(home, PlatformProcess.freePort(), Map.of())) {
                p.awaitSystemReady(Duration.ofSeconds(90));
                PlatformProcess.Result status = PlatformProcess.exec(home, "hassette:status");
                int expected = sim.states().size();
                assertTrue(status.out().matches("(?s).*\\nstates +core +running +yes +0 +synced " + expected + " entities.*"),
                        "the cache mirrors the configured HA (" + expected + " entities):\n" + status.out());
                assertFalse(p.output().contains("Demo home"), "no demo apps announced:\n" + p.output());
                assertTrue(p.output().contains("Home Assistant configured in " + home.resolve("etc").resolve("org.hassette.websocket.cfg")
                        + ": no demo home"), "the launcher says why there is no demo home:\n" + p.output());
                try (java.util.stream.Stream<Path> deployed = Files.list(home.resolve("deploy"))) {
                    assertEquals(List.of(), deployed.map(f -> f.getFileName().toString()).toList(), "nothing seeded into deploy/");
                }
                assertFalse(Files.exists(home.resolve("data").resolve("demo-apps-deployed")), "no demo marker");
                assertTrue(sim.recorder().commands("get_states").size() >= 1, "the configured HA was asked for its states");
                assertEquals(0, p.terminate(Duration.ofSeconds(30)));
                assertNoToken(p.output(), home, GOOD_TOKEN);
            }
        }
    }

    private static void assertNoToken(String output, Path home, String token) throws Exception {
        assertFalse(output.contains(token), "token printed on the console");
        for (Path log : Files.list(home.resolve("logs")).toList()) {
            assertFalse(Files.readString(log, StandardCharsets.UTF_8).contains(token), log + " contains the token");
        }
        List<String> files = List.of("data/console-credentials.properties");
        for (String f : files) {
            assertFalse(Files.readString(home.resolve(f)).contains(token), f + " contains the token");
        }
    }
}
