package org.hassette.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher finds a Home Assistant configured only in etc/ before it decides on the demo home. */
class EtcHomeAssistantUrlTest {
    @TempDir
    Path tmp;

    private HomeFolder home() throws Exception {
        HomeFolder home = new HomeFolder(tmp.resolve("home"));
        Files.createDirectories(home.etc());
        return home;
    }

    @Test
    void noFileOrNoUrlIsNoHomeAssistant() throws Exception {
        HomeFolder home = home();
        assertNull(home.configuredHomeAssistant());
        Files.writeString(home.etc().resolve("org.hassette.websocket.cfg"), "# only tuning\nmax.message.mb = 32\nurl =   \n");
        assertNull(home.configuredHomeAssistant());
    }

    @Test
    void cfgFileUrlIsRead() throws Exception {
        HomeFolder home = home();
        Files.writeString(home.etc().resolve("org.hassette.websocket.cfg"),
                "token.file = /etc/ha-token\nurl = http\\://ha.local\\:8123\n");
        assertEquals("http://ha.local:8123", home.configuredHomeAssistant().url());
        assertEquals(home.etc().resolve("org.hassette.websocket.cfg"), home.configuredHomeAssistant().file());
    }

    @Test
    void configFileUrlIsReadWithAndWithoutTypePrefix() throws Exception {
        HomeFolder home = home();
        Path f = home.etc().resolve("org.hassette.websocket.config");
        Files.writeString(f, "# comment\nurl=\"ws://10.0.0.2:8123/api/websocket\"\ntoken.file=\"/x\"\n");
        assertEquals("ws://10.0.0.2:8123/api/websocket", home.configuredHomeAssistant().url());
        Files.writeString(f, "urlx=\"no\"\nurl = S\"https://ha.example\"\n");
        assertEquals("https://ha.example", home.configuredHomeAssistant().url());
    }
}
