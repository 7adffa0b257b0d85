package org.hassette.launcher;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Options of {@code ./hassette run}, from the command line with environment fallbacks.
 *
 * <p>Every option has an environment variable so a service manager can configure the platform
 * without editing the unit's command line; the command line wins.
 */
final class LaunchOptions {
    static final int DEFAULT_HTTP_PORT = 8126;
    static final String DEFAULT_HTTP_HOST = "127.0.0.1";

    Path home;
    int httpPort = DEFAULT_HTTP_PORT;
    String httpHost = DEFAULT_HTTP_HOST;
    String haUrl;
    Path haTokenFile;
    /** Set by the launcher when etc/org.hassette.websocket.{cfg,config} names the HA (no --ha-url). */
    boolean haFromEtc;
    int startupTimeoutSeconds = 60;

    static final String USAGE = String.join("\n",
            "usage: hassette run [options]",
            "  --home DIR             home folder (etc/, deploy/, data/, logs/)   env HASSETTE_HOME, default ./hassette-home",
            "  --http-port N          HTTP port for console, health and API        env HASSETTE_HTTP_PORT, default " + DEFAULT_HTTP_PORT,
            "  --http-host ADDR       address to bind HTTP to                      env HASSETTE_HTTP_HOST, default " + DEFAULT_HTTP_HOST,
            "  --ha-url URL           Home Assistant URL, e.g. http://ha.local:8123 env HASSETTE_HA_URL (none: demo home on the embedded simulator)",
            "  --ha-token-file FILE   file holding the HA long-lived access token   env HASSETTE_HA_TOKEN_FILE",
            "  --startup-timeout S    seconds to wait for core readiness before explaining what blocks it  env HASSETTE_STARTUP_TIMEOUT, default 60",
            "  -h, --help             show this help");

    /** Thrown for bad options; the message says which option and what is expected. */
    static final class BadOption extends Exception {
        private static final long serialVersionUID = 1L;

        BadOption(String message) {
            super(message);
        }
    }

    static LaunchOptions parse(List<String> args, Map<String, String> env) throws BadOption {
        LaunchOptions o = new LaunchOptions();
        String home = env.get("HASSETTE_HOME");
        String port = env.get("HASSETTE_HTTP_PORT");
        String host = env.get("HASSETTE_HTTP_HOST");
        String haUrl = env.get("HASSETTE_HA_URL");
        String tokenFile = env.get("HASSETTE_HA_TOKEN_FILE");
        String timeout = env.get("HASSETTE_STARTUP_TIMEOUT");
        List<String> rest = new ArrayList<>(args);
        for (int i = 0; i < rest.size(); i++) {
            String arg = rest.get(i);
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            switch (name) {
                case "-h", "--help" -> throw new BadOption(null);
                case "--home" -> home = value != null ? value : next(rest, ++i, name);
                case "--http-port" -> port = value != null ? value : next(rest, ++i, name);
                case "--http-host" -> host = value != null ? value : next(rest, ++i, name);
                case "--ha-url" -> haUrl = value != null ? value : next(rest, ++i, name);
                case "--ha-token-file" -> tokenFile = value != null ? value : next(rest, ++i, name);
                case "--startup-timeout" -> timeout = value != null ? value : next(rest, ++i, name);
                default -> throw new BadOption("unknown option '" + arg + "'");
            }
        }
        o.home = Paths.get(home == null || home.isBlank() ? "hassette-home" : home).toAbsolutePath().normalize();
        if (port != null) {
            o.httpPort = intInRange(port, "--http-port (HASSETTE_HTTP_PORT)", 1, 65535);
        }
        if (host != null) {
            if (host.isBlank()) {
                throw new BadOption("--http-host (HASSETTE_HTTP_HOST) is empty; give an address such as 127.0.0.1");
            }
            o.httpHost = host.trim();
        }
        if (haUrl != null && !haUrl.isBlank()) {
            String u = haUrl.trim();
            if (!(u.startsWith("http://") || u.startsWith("https://") || u.startsWith("ws://") || u.startsWith("wss://"))) {
                throw new BadOption("--ha-url (HASSETTE_HA_URL) '" + u + "' must start with http://, https://, ws:// or wss://");
            }
            o.haUrl = u;
        }
        if (tokenFile != null && !tokenFile.isBlank()) {
            o.haTokenFile = Paths.get(tokenFile).toAbsolutePath().normalize();
        }
        if ((o.haUrl == null) != (o.haTokenFile == null)) {
            throw new BadOption("--ha-url and --ha-token-file go together: give both to use a real Home Assistant, or neither for the demo home");
        }
        if (timeout != null) {
            o.startupTimeoutSeconds = intInRange(timeout, "--startup-timeout (HASSETTE_STARTUP_TIMEOUT)", 1, 3600);
        }
        return o;
    }

    private static String next(List<String> args, int i, String option) throws BadOption {
        if (i >= args.size() || args.get(i).startsWith("--")) {
            throw new BadOption("option " + option + " needs a value");
        }
        return args.get(i);
    }

    private static int intInRange(String text, String what, int min, int max) throws BadOption {
        try {
            int v = Integer.parseInt(text.trim());
            if (v < min || v > max) {
                throw new BadOption(what + " must be between " + min + " and " + max + ", got " + v);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new BadOption(what + " must be a number, got '" + text + "'");
        }
    }
}
