package org.hassette.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Runs every scenario of {@link PlatformBench} tiny (a few thousand events, one start, one
 * reconnect) against the built runtime, so the harness cannot rot. Asserts that each scenario
 * produced its figures and that nothing was lost, never a timing.
 */
class PlatformBenchSmokeTest {

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void everyScenarioRunsTinyAndReportsItsFigures() throws Exception {
        Path module = Path.of("").toAbsolutePath();
        Path root = module.getParent().getParent();
        Path work = module.resolve("target/bench-smoke");
        PlatformBench.Options o = PlatformBench.Options.parse(new String[] {"--smoke", "--root", root.toString(),
                "--work", work.toString()});
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        JsonNode r = new PlatformBench(o, new PrintStream(buf, true, StandardCharsets.UTF_8)).run();
        String printed = buf.toString(StandardCharsets.UTF_8);
        System.out.println(printed);

        assertTrue(r.path("cold_start").size() == 1, printed);
        assertTrue(r.path("hot_deploy_ms").asDouble() > 0, printed);
        assertTrue(r.path("reconnect_drop_ms").size() == 1, printed);
        JsonNode ingest = r.path("ingest").path("100").get(0);
        assertTrue(ingest.path("complete").asBoolean(), "every listener got every ingest event: " + ingest);
        assertEquals(0, ingest.path("out_of_order").asLong(), "ingest events in order: " + ingest);
        assertTrue(r.path("latency").path("complete").asBoolean(), "latency run complete: " + r.path("latency"));
        assertEquals(200 * 10, r.path("latency").path("handler_entered_us").path("n").asLong());
        JsonNode burst = r.path("burst");
        assertTrue(burst.path("complete").asBoolean(), "fast listeners got the whole burst: " + burst);
        assertTrue(burst.path("slow_listener").path("entered").asLong() > 0, "slow listener ran: " + burst);
        // a slow listener must not cost the connection: HA sees us keep up (its limit: > 1,024 pending for 10 s)
        assertEquals(burst.path("ws_generation_before").asLong(), burst.path("ws_generation_after").asLong(),
                "same connection throughout the burst: " + burst);
        assertTrue(burst.path("pending_samples").asLong() > 0, "the simulator's pending count was sampled: " + burst);
        assertTrue(burst.path("max_pending_sampled").asLong() <= 1024, "HA's queue for us stayed within 1,024: " + burst);
        assertTrue(r.path("peer").path("100").get(0).path("events").asLong() == 2000, "peer counted the stream: " + r.path("peer"));
        assertTrue(r.path("ratio").has("100_warm"), printed);
        assertTrue(printed.contains("| Ingest"), printed);
        assertTrue(Files.isRegularFile(work.resolve("results.json")));
    }
}
