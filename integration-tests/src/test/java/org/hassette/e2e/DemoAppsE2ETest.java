package org.hassette.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo home as a user sees it: {@code ./hassette} without Home Assistant puts the example apps
 * and their configurations into {@code deploy/}, FileInstall starts them, and the demo's script
 * (garage motion 12 s after the simulator started, every minute) makes the garage light go on, as
 * the app's log line and the state say.
 */
class DemoAppsE2ETest {
    private static final Duration START = Duration.ofSeconds(90);

    @TempDir
    Path tmp;

    @Test
    void demoModeDeploysTheExampleAppsAndTheyReactToTheDemoHome() throws Exception {
        Path home = tmp.resolve("home");
        try (PlatformProcess p = PlatformProcess.start(home, PlatformProcess.freePort(), Map.of())) {
            p.awaitOutput("Demo home: example apps put into " + home.resolve("deploy"), START);
            try (Stream<Path> s = Files.list(home.resolve("deploy"))) {
                assertEquals(List.of("org.hassette.example.dooralert-doors.config", "org.hassette.example.dooralert.jar",
                        "org.hassette.example.motionlights-garage.config", "org.hassette.example.motionlights-hall.config",
                        "org.hassette.example.motionlights.jar", "org.hassette.example.thermostat-living_room.config",
                        "org.hassette.example.thermostat.jar"),
                        s.map(f -> f.getFileName().toString()).sorted().toList());
            }
            p.awaitSystemReady(START);
            p.await("all four demo app instances running", START, () -> {
                String apps = exec(home, "hassette:apps");
                return Stream.of("dooralert~doors", "motionlights~garage", "motionlights~hall", "thermostat~living_room")
                        .allMatch(id -> apps.lines().anyMatch(l -> l.startsWith("app:org.hassette.example." + id) && l.contains("running")));
            });

            // the demo script moves in the garage; the motion lights app switches the light (log and state)
            p.awaitOutput("motion on binary_sensor.garage_motion: light.garage on", Duration.ofSeconds(90));
            p.await("light.garage on in the state cache", Duration.ofSeconds(15),
                    () -> exec(home, "hassette:state light.garage").startsWith("light.garage = on"));
            p.awaitOutput("no motion on binary_sensor.garage_motion for 15 s: light.garage off", Duration.ofSeconds(60));
            assertTrue(p.output().contains("watching binary_sensor.front_door, binary_sensor.back_door"), p.output());
            // a demo home working as designed has nothing for an operator to look into: a false alarm is a bug too
            // (e.g. the connection warning that no HA is configured before the demo's simulator is there)
            List<String> alarms = p.output().lines().filter(l -> l.matches("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} (WARN|ERROR) .*")).toList();
            assertEquals(List.of(), alarms, "WARN or ERROR lines in a healthy demo home");

            assertEquals(0, p.terminate(Duration.ofSeconds(30)), p.output());
        }
    }

    private static String exec(Path home, String command) {
        try {
            return PlatformProcess.exec(home, command).out();
        } catch (Exception e) {
            return "";
        }
    }
}
