package org.hassette.launcher;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LaunchOptionsTest {

    private static LaunchOptions parse(Map<String, String> env, String... args) throws LaunchOptions.BadOption {
        return LaunchOptions.parse(List.of(args), env);
    }

    private static String refused(Map<String, String> env, String... args) {
        return assertThrows(LaunchOptions.BadOption.class, () -> parse(env, args)).getMessage();
    }

    @Test
    void defaultsBindToLoopbackOnTheDocumentedPort() throws Exception {
        LaunchOptions o = parse(Map.of());
        assertEquals("127.0.0.1", o.httpHost);
        assertEquals(8126, o.httpPort);
        assertEquals(Path.of("hassette-home").toAbsolutePath().normalize(), o.home);
        assertNull(o.haUrl, "no HA configured means the demo home");
        assertEquals(60, o.startupTimeoutSeconds);
    }

    @Test
    void everyOptionHasAnEnvironmentVariableAndTheCommandLineWins() throws Exception {
        Map<String, String> env = Map.of("HASSETTE_HOME", "/srv/h", "HASSETTE_HTTP_PORT", "9000", "HASSETTE_HTTP_HOST", "0.0.0.0",
                "HASSETTE_HA_URL", "http://ha.local:8123", "HASSETTE_HA_TOKEN_FILE", "/srv/token", "HASSETTE_STARTUP_TIMEOUT", "30");
        LaunchOptions fromEnv = parse(env);
        assertEquals(Path.of("/srv/h"), fromEnv.home);
        assertEquals(9000, fromEnv.httpPort);
        assertEquals("0.0.0.0", fromEnv.httpHost);
        assertEquals("http://ha.local:8123", fromEnv.haUrl);
        assertEquals(Path.of("/srv/token"), fromEnv.haTokenFile);
        assertEquals(30, fromEnv.startupTimeoutSeconds);

        LaunchOptions cli = parse(env, "--home", "/tmp/other", "--http-port=9100", "--http-host", "127.0.0.2", "--startup-timeout", "5");
        assertEquals(Path.of("/tmp/other"), cli.home);
        assertEquals(9100, cli.httpPort);
        assertEquals("127.0.0.2", cli.httpHost);
        assertEquals(5, cli.startupTimeoutSeconds);
    }

    @Test
    void badValuesAreRefusedNamingTheOptionAndWhatIsExpected() {
        assertEquals("--http-port (HASSETTE_HTTP_PORT) must be a number, got 'abc'", refused(Map.of(), "--http-port", "abc"));
        assertEquals("--http-port (HASSETTE_HTTP_PORT) must be between 1 and 65535, got 70000", refused(Map.of(), "--http-port", "70000"));
        assertEquals("--http-port (HASSETTE_HTTP_PORT) must be a number, got 'x'", refused(Map.of("HASSETTE_HTTP_PORT", "x")));
        assertEquals("option --home needs a value", refused(Map.of(), "--home"));
        assertEquals("option --http-port needs a value", refused(Map.of(), "--http-port", "--home", "/x"));
        assertEquals("unknown option '--frobnicate'", refused(Map.of(), "--frobnicate"));
        assertTrue(refused(Map.of(), "--http-host", " ").contains("is empty"));
        assertTrue(refused(Map.of(), "--ha-url", "ha.local", "--ha-token-file", "/t").contains("must start with http://"));
        assertTrue(refused(Map.of(), "--ha-url", "http://ha.local:8123").contains("go together"));
        assertTrue(refused(Map.of(), "--startup-timeout", "0").contains("between 1 and 3600"));
    }

    @Test
    void helpIsNotAnError() {
        LaunchOptions.BadOption help = assertThrows(LaunchOptions.BadOption.class, () -> parse(Map.of(), "--help"));
        assertNull(help.getMessage(), "help has no error message: the launcher prints the usage and exits 0");
    }
}
