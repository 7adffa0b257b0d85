package org.hassette.apps.internal;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.hassette.api.app.AppInfo;
import org.hassette.api.app.AppRegistry;
import org.hassette.api.lifecycle.ResourceStatus;
import org.junit.jupiter.api.Test;

/** {@code hassette:app} throws its failures (so the shell says "error: ..." and exec exits 1) and keeps usage for missing arguments. */
class AppCommandsTest {
    private static final AppInfo PORCH = new AppInfo("app:porch", "org.example.porch", "1.0.0", ResourceStatus.RUNNING, "running",
            true, false, 1, 0, 0, 2, 1, Instant.EPOCH, List.of());

    private final AppCommands commands = new AppCommands(new AppRegistry() {
        public List<AppInfo> apps() {
            return List.of(PORCH);
        }

        public Optional<AppInfo> app(String appId) {
            return appId.equals(PORCH.appId()) ? Optional.of(PORCH) : Optional.empty();
        }

        public AppInfo start(String appId) {
            return known(appId);
        }

        public AppInfo stop(String appId) {
            return known(appId);
        }

        public AppInfo reload(String appId) {
            return known(appId);
        }

        public AppInfo enable(String appId) {
            return known(appId);
        }

        public AppInfo disable(String appId) {
            throw new IllegalStateException(appId + " went away");
        }

        private AppInfo known(String appId) {
            return app(appId).orElseThrow(() -> new IllegalArgumentException("no app '" + appId + "'; known apps: app:porch"));
        }
    }, null);

    @Test
    void failuresAreThrownWithOneLine() {
        assertEquals("no app 'app:nope'; known apps: app:porch",
                assertThrows(IllegalArgumentException.class, () -> commands.app("show", "nope")).getMessage());
        assertEquals("no app 'app:nope'; known apps: app:porch",
                assertThrows(IllegalArgumentException.class, () -> commands.app("stop", "nope")).getMessage());
        assertEquals("unknown action 'frobnicate'; " + AppCommands.USAGE,
                assertThrows(IllegalArgumentException.class, () -> commands.app("frobnicate", "porch")).getMessage());
        assertEquals("app:porch went away", assertThrows(IllegalStateException.class, () -> commands.app("disable", "porch")).getMessage());
    }

    @Test
    void withoutTheAppHandlerTheCommandsStayAndSayItIsNotAvailable() {
        AppCommands without = new AppCommands(null, null);
        assertEquals("the app handler is not available", assertThrows(IllegalStateException.class, without::apps).getMessage());
        assertEquals("the app handler is not available",
                assertThrows(IllegalStateException.class, () -> without.app("show", "porch")).getMessage());
        assertEquals(AppCommands.USAGE, without.app("show"), "usage needs no handler");
    }

    @Test
    void successPrintsTheAppAndMissingArgumentsPrintUsage() {
        assertTrue(commands.app("show", "porch").startsWith("APP"), commands.app("show", "porch"));
        assertTrue(commands.app("start", "app:porch").contains("app:porch"));
        assertEquals(AppCommands.USAGE, commands.app());
        assertEquals(AppCommands.USAGE, commands.app("show"));
    }
}
