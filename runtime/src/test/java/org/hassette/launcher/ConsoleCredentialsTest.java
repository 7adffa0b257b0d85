package org.hassette.launcher;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsoleCredentialsTest {
    @TempDir
    Path data;

    @Test
    void generatedOnceStoredAsAHashOwnerOnlyAndShownOnlyOnTheStartThatMadeThem() throws Exception {
        ConsoleCredentials first = ConsoleCredentials.resolve(data, Map.of());
        assertEquals("admin", first.username);
        assertNotNull(first.generatedPassword);
        assertTrue(first.generatedPassword.length() >= 20);
        assertNotEquals("admin", first.generatedPassword);
        Path file = data.resolve(ConsoleCredentials.FILE);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        String stored = Files.readString(file);
        assertFalse(stored.contains(first.generatedPassword), "the clear password is never stored");
        assertTrue(stored.contains("{sha-256}"));

        ConsoleCredentials second = ConsoleCredentials.resolve(data, Map.of());
        assertNull(second.generatedPassword, "shown once only");
        assertEquals(first.passwordHash, second.passwordHash);
    }

    @Test
    void environmentWinsAndNothingIsWritten() throws Exception {
        ConsoleCredentials c = ConsoleCredentials.resolve(data, Map.of("HASSETTE_CONSOLE_USER", "operator", "HASSETTE_CONSOLE_PASSWORD", "long-enough-1"));
        assertEquals("operator", c.username);
        assertEquals(ConsoleCredentials.hash("long-enough-1"), c.passwordHash);
        assertFalse(Files.exists(data.resolve(ConsoleCredentials.FILE)));
    }

    @Test
    void passwordFileIsRead() throws Exception {
        Path secret = data.resolve("console.pw");
        Files.writeString(secret, "from-a-file-123\n");
        ConsoleCredentials c = ConsoleCredentials.resolve(data, Map.of("HASSETTE_CONSOLE_PASSWORD_FILE", secret.toString()));
        assertEquals(ConsoleCredentials.hash("from-a-file-123"), c.passwordHash, "trailing newline stripped");
        IOException missing = assertThrows(IOException.class,
                () -> ConsoleCredentials.resolve(data, Map.of("HASSETTE_CONSOLE_PASSWORD_FILE", data.resolve("nope").toString())));
        assertTrue(missing.getMessage().contains("nope"), missing.getMessage());
    }

    @Test
    void adminAdminAndOtherWeakPasswordsAreRefused() {
        for (Map<String, String> env : new Map[] {
                Map.of("HASSETTE_CONSOLE_PASSWORD", "admin"),
                Map.of("HASSETTE_CONSOLE_USER", "admin", "HASSETTE_CONSOLE_PASSWORD", "admin"),
                Map.of("HASSETTE_CONSOLE_PASSWORD", "Password"),
                Map.of("HASSETTE_CONSOLE_USER", "operator1", "HASSETTE_CONSOLE_PASSWORD", "operator1"),
                Map.of("HASSETTE_CONSOLE_PASSWORD", "short")}) {
            IOException e = assertThrows(IOException.class, () -> ConsoleCredentials.resolve(data, env), env.toString());
            assertTrue(e.getMessage().startsWith("HASSETTE_CONSOLE_PASSWORD is"), e.getMessage());
            assertFalse(e.getMessage().contains(env.get("HASSETTE_CONSOLE_PASSWORD") + "'"), "the password is not echoed");
        }
    }

    @Test
    void aMalformedStoredFileIsNamedWithWhatToDo() throws Exception {
        Files.writeString(data.resolve(ConsoleCredentials.FILE), "username=admin\npassword=admin\n");
        IOException e = assertThrows(IOException.class, () -> ConsoleCredentials.resolve(data, Map.of()));
        assertTrue(e.getMessage().contains(ConsoleCredentials.FILE) && e.getMessage().contains("delete it"), e.getMessage());
    }

    @Test
    void theReadOnlyCheckCreatesNothingAndRefusesAWeakPasswordWithoutADataFolder() throws Exception {
        Path missing = data.resolve("home/data");
        assertNull(ConsoleCredentials.existing(missing, Map.of()), "none given, none stored: to be generated");
        IOException e = assertThrows(IOException.class,
                () -> ConsoleCredentials.existing(missing, Map.of("HASSETTE_CONSOLE_PASSWORD", "password")));
        assertTrue(e.getMessage().startsWith("HASSETTE_CONSOLE_PASSWORD is"), e.getMessage());
        assertFalse(Files.exists(data.resolve("home")), "nothing created");
    }
}
