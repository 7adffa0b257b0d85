package org.hassette.e2e;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.hassette.simulator.HaSimulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;

/**
 * The Home Assistant token, the Web Console password and the HTTP API token, distinctive strings, never show up
 * where an operator or an attacker with read access looks: the platform's output and log files,
 * HTTP answers of health, console and the HTTP API (/config masks), Gogo command output, the database (file bytes and every text
 * column) and any other file of the home folder. The run includes a rejected token (auth_invalid,
 * reconnect) and a failed console login, the moments a careless implementation would log them.
 */
class SecretsE2ETest {
    private static final Duration START = Duration.ofSeconds(90);
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    @Test
    void tokenAndConsolePasswordAppearNowhere() throws Exception {
        String token = "tokSECRET" + UUID.randomUUID().toString().replace("-", "");
        String password = "pwSECRET" + UUID.randomUUID().toString().replace("-", "");
        Path tokenFile = Files.writeString(tmp.resolve("token"), token + "\n");
        Path home = tmp.resolve("home");
        Files.createDirectories(home.resolve("etc"));
        // retry soon after auth_invalid (the default waits a minute, as HA bans fast retries)
        Files.writeString(home.resolve("etc/org.hassette.websocket.cfg"), "auth.retry.ms=300\nreconnect.base.ms=100\n");
        // the HTTP API token: the operator puts it in its own file, so only that file may hold it
        String apiToken = "apiSECRET" + UUID.randomUUID().toString().replace("-", "");
        Files.createDirectories(home.resolve("data"));
        Path apiConfig = Files.writeString(home.resolve("data/api-token"), apiToken + "\n");
        Files.writeString(home.resolve("etc/org.hassette.web.config"), "api.token.file=\"data/api-token\"\n");
        List<String> seen = new ArrayList<>(); // every text the test looked at, with where it came from
        try (HaSimulator sim = HaSimulator.builder().token(token).entities(10).build().start();
                PlatformProcess p = PlatformProcess.start(home, PlatformProcess.freePort(),
                        Map.of("HASSETTE_CONSOLE_USER", "operator", "HASSETTE_CONSOLE_PASSWORD", password),
                        "--ha-url", sim.url(), "--ha-token-file", tokenFile.toString())) {
            p.awaitSystemReady(START);
            p.awaitConsole("/system/console/bundles.json", "operator", password, WAIT);

            // the token refused once, then accepted again
            sim.rejectAuth(true);
            sim.dropAllConnections();
            p.awaitOutput("auth_invalid", WAIT);
            sim.rejectAuth(false);
            p.await("reconnected after auth_invalid", WAIT, () -> sim.recorder().commands("auth").size() >= 3 && ready(p));
            p.awaitSystemReady(WAIT);
            // a wrong console password, and one that is the HA token
            assertEquals(401, p.get("/system/console/bundles.json", "operator", "wrong-" + password).statusCode());
            assertEquals(401, p.get("/system/console/bundles.json", "operator", token).statusCode());

            for (String path : List.of("/system/health/systemready.json", "/system/health/systemalive.json", "/system/health.json",
                    "/system/health/systemready.txt", "/system/health.html")) {
                HttpResponse<String> r = p.get(path, null, null);
                seen.add("GET " + path + " -> " + r.statusCode() + "\n" + r.body());
            }
            for (String path : List.of("/system/console/bundles.json", "/system/console/components", "/system/console/configMgr",
                    "/system/console/services", "/system/console/status-Configurations", "/system/console/config/configuration-status.txt",
                    "/system/console/status-System%20Properties", "/system/console/vmstat", "/system/console/healthcheck",
                    "/system/console/configMgr/org.hassette.websocket")) {
                HttpResponse<String> r = p.get(path, "operator", password);
                seen.add("GET " + path + " (logged in) -> " + r.statusCode() + "\n" + r.body());
            }
            // the HTTP API, with the API token and with the console login, including a wrong token
            String api = "/hassette/api/v1";
            p.await("the API answers the token", WAIT, () -> apiStatus(p, api + "/status", apiToken) == 200);
            assertEquals(401, apiStatus(p, api + "/status", "wrong-" + apiToken));
            for (String path : List.of("/health", "/status", "/services", "/services/websocket", "/apps", "/sessions", "/config",
                    "/config/org.hassette.web", "/config/org.hassette.websocket", "/logs?limit=1000", "/logs/level", "/executions",
                    "/entities", "/listeners", "/jobs")) {
                HttpResponse<String> r = p.get(api + path, "operator", password);
                seen.add("GET " + api + path + " -> " + r.statusCode() + "\n" + r.body());
                assertFalse(r.body().contains(apiToken), "API token in " + api + path);
            }
            assertTrue(seen.stream().anyMatch(x -> x.startsWith("GET " + api + "/config/org.hassette.web -> 200") && x.contains("********")),
                    "the API token is masked in /config");
            for (String command : List.of("hassette:status", "hassette:why", "hassette:watcher", "hassette:sessions", "hassette:apps",
                    "scr:info org.hassette.websocket", "scr:list", "lb", "hc:exec systemready")) {
                PlatformProcess.Result r = PlatformProcess.exec(home, command);
                seen.add("exec " + command + " -> " + r.code() + "\n" + r.out() + r.err());
            }
            assertTrue(seen.stream().anyMatch(s -> s.startsWith("exec hassette:status -> 0") && s.contains("websocket")),
                    "the shell answered: " + seen);
            assertEquals(0, p.terminate(WAIT), p.output());
            seen.add("platform output\n" + p.output());
        }

        // every file of the home folder: logs, configuration, credentials, the database and its WAL
        try (Stream<Path> files = Files.walk(home)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                byte[] bytes = Files.readAllBytes(f);
                assertFalse(contains(bytes, token.getBytes(StandardCharsets.UTF_8)), "HA token in " + f);
                assertFalse(contains(bytes, password.getBytes(StandardCharsets.UTF_8)), "console password in " + f);
                // the operator's file, and Config Admin's copy of it in the framework cache (data/, wiped at each start)
                if (!f.equals(apiConfig)) {
                    assertFalse(contains(bytes, apiToken.getBytes(StandardCharsets.UTF_8)), "API token in " + f);
                }
            }
        }
        Path db = home.resolve("data/hassette.db");
        seen.add("database text columns\n" + allText(db));
        String log = Files.readString(home.resolve("logs/hassette.log"), StandardCharsets.UTF_8);
        assertTrue(log.contains("auth_invalid"), "the log covers the rejected token");
        seen.add("logs/hassette.log\n" + log);
        for (String text : seen) {
            assertFalse(text.contains(apiToken), "API token in " + text.lines().findFirst().orElse("?"));
            assertFalse(text.contains(token), "HA token in " + text.lines().findFirst().orElse("?"));
            assertFalse(text.contains(password), "console password in " + text.lines().findFirst().orElse("?"));
        }
    }

    private static int apiStatus(PlatformProcess p, String path, String bearer) {
        try {
            var r = PlatformProcess.HTTP.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + p.port + path))
                    .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + bearer).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static boolean ready(PlatformProcess p) {
        try {
            HttpResponse<String> r = p.get("/system/health/systemready.json", null, null);
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Every text value of every table, one line per row. */
    private static String allText(Path db) throws SQLException {
        StringBuilder out = new StringBuilder();
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        try (Connection c = config.createConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet r = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'")) {
                while (r.next()) {
                    tables.add(r.getString(1));
                }
            }
            assertTrue(tables.contains("sessions"), tables.toString());
            for (String t : tables) {
                try (ResultSet r = s.executeQuery("SELECT * FROM \"" + t + "\"")) {
                    while (r.next()) {
                        out.append(t).append(':');
                        for (int i = 1; i <= r.getMetaData().getColumnCount(); i++) {
                            out.append(' ').append(r.getString(i));
                        }
                        out.append('\n');
                    }
                }
            }
        }
        return out.toString();
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
