package org.hassette.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoAppsSeedingTest {
    @TempDir
    Path tmp;

    @Test
    void demoAppsArePutIntoDeployOnceAndRemovedOnesStayRemoved() throws Exception {
        Path dist = Files.createDirectories(tmp.resolve("dist/demo/deploy"));
        Files.writeString(dist.resolve("app.jar"), "jar v1");
        Files.writeString(dist.resolve("app-one.config"), "a=\"1\"");
        Files.writeString(dist.resolve("app-two.config"), "a=\"2\"");
        HomeFolder home = new HomeFolder(tmp.resolve("home"));
        home.prepare();

        assertEquals(List.of("app-one.config", "app-two.config", "app.jar"), home.seedDemoApps(dist));
        assertEquals("jar v1", Files.readString(home.deploy().resolve("app.jar")));

        // the user edits one configuration and removes another: a later start leaves both alone
        Files.writeString(home.deploy().resolve("app-one.config"), "a=\"mine\"");
        Files.delete(home.deploy().resolve("app-two.config"));
        assertEquals(List.of(), home.seedDemoApps(dist));
        assertEquals("a=\"mine\"", Files.readString(home.deploy().resolve("app-one.config")));
        assertFalse(Files.exists(home.deploy().resolve("app-two.config")));

        // a rebuilt demo jar replaces the deployed one; a removed jar is not put back
        Files.writeString(dist.resolve("app.jar"), "jar v2");
        assertEquals(List.of("app.jar"), home.seedDemoApps(dist));
        assertEquals("jar v2", Files.readString(home.deploy().resolve("app.jar")));
        Files.delete(home.deploy().resolve("app.jar"));
        Files.writeString(dist.resolve("app.jar"), "jar v3");
        assertEquals(List.of(), home.seedDemoApps(dist));
        assertFalse(Files.exists(home.deploy().resolve("app.jar")));
        try (var s = Files.list(home.deploy())) {
            assertTrue(s.noneMatch(f -> f.getFileName().toString().endsWith(".part")), "no partial copies left");
        }
    }

    @Test
    void withoutDemoAppsInTheDistributionNothingHappens() throws Exception {
        HomeFolder home = new HomeFolder(tmp.resolve("home"));
        home.prepare();
        assertEquals(List.of(), home.seedDemoApps(tmp.resolve("nowhere")));
        assertFalse(Files.exists(home.data().resolve(HomeFolder.DEMO_MARKER)));
    }
}
