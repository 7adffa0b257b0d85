package org.hassette.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Home Assistant's official client, home-assistant-js-websocket 9.7.0 on Node, against the simulator:
 * an independent peer that must accept everything the simulator sends. The Maven build installs the
 * npm packages into conformance/node_modules; without node or npm this test fails and says so.
 */
class ConformanceTest {

    @Test
    void officialJsClientWorksAgainstTheSimulator() throws Exception {
        Path dir = Path.of(System.getProperty("conformance.dir", "conformance"));
        String node = findOnPath("node");
        if (node == null) {
            fail("node is not on PATH: install Node 20 (e.g. apt-get install nodejs npm) to run the conformance test");
        }
        if (!Files.isDirectory(dir.resolve("node_modules/home-assistant-js-websocket"))) {
            fail("home-assistant-js-websocket is not installed in " + dir.toAbsolutePath()
                    + ": the Maven build runs 'npm install' there (is npm on PATH?)");
        }
        try (HaSimulator sim = HaSimulator.builder().token("conformance-token").entities(40).build().start()) {
            ProcessBuilder pb = new ProcessBuilder(node, "conformance.mjs").directory(dir.toFile())
                    .redirectErrorStream(false);
            pb.environment().put("HA_URL", sim.url());
            pb.environment().put("HA_TOKEN", sim.token());
            pb.environment().put("HA_LIGHT", "light.kitchen_light");
            Path err = Files.createTempFile("conformance", ".err");
            pb.redirectError(err.toFile());
            Process p = pb.start();
            String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "node did not finish");
            String stderr = Files.readString(err);
            Files.deleteIfExists(err);
            assertEquals(0, p.exitValue(), "node failed: " + stdout + stderr);
            JsonNode r = TestWsClient.JSON.readTree(stdout.trim());

            assertEquals("2025.11.1", r.get("haVersion").asText());
            assertEquals(sim.states().size(), r.get("stateCount").asInt());
            assertEquals("light.kitchen_light", r.at("/sampleState/entity_id").asText());
            assertTrue(r.get("hasLightTurnOn").asBoolean());
            assertEquals("RUNNING", r.at("/config/state").asText());
            assertEquals(r.get("stateCount").asInt(), r.get("entityCount").asInt());
            assertEquals("off", r.get("entityBefore").asText());
            assertEquals("on", r.at("/stateChanged/new").asText());
            assertEquals(128, r.at("/stateChanged/brightness").asInt());
            assertEquals(r.get("callContextId").asText(), r.at("/stateChanged/contextId").asText());
            assertTrue(WebSocketProtocolTest.ISO.matcher(r.at("/stateChanged/timeFired").asText()).matches());
            assertEquals("on", r.get("entityAfter").asText());
            assertEquals(128, r.get("entityBrightness").asInt());
            assertTrue(r.get("sawCallServiceEvent").asBoolean());
            assertEquals(5, r.get("forecastDays").asInt());
            assertEquals("not_found", r.get("missingServiceError").asText());
            assertTrue(r.get("pong").asBoolean());
            assertEquals("ERR_INVALID_AUTH", r.get("badTokenError").asText());
            assertEquals("on", sim.state("light.kitchen_light").orElseThrow().state());
            assertTrue(sim.recorder().commands("supported_features").size() >= 1,
                    "the official client enables coalescing");
        }
    }

    private static String findOnPath(String exe) throws IOException {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path p = Path.of(dir, exe);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }
}
