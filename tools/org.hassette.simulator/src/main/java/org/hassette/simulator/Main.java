package org.hassette.simulator;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the simulator in the foreground:
 * {@code java -cp 'target/org.hassette.simulator-0.1.0-SNAPSHOT.jar:target/lib/*' org.hassette.simulator.Main
 * --port 8123 --token T|--token-file FILE [--entities N] [--scenario FILE] [--host H] [--activity R] [--ha-version V]}.
 * Prints one {@code listening on ...} line when ready, exits 0 on SIGTERM/SIGINT and 2 on bad options.
 */
public final class Main {

    private static final String USAGE = "usage: Main --port P (--token T | --token-file FILE) [--entities N] [--scenario FILE] [--host H]"
            + " [--activity CHANGES_PER_SECOND] [--ha-version V]";

    private static final java.util.Set<String> OPTIONS = java.util.Set.of("--port", "--token", "--token-file", "--entities",
            "--scenario", "--host", "--activity", "--ha-version");

    private Main() {
    }

    public static void main(String[] args) {
        HaSimulator.Builder b = HaSimulator.builder();
        Integer port = null;
        String token = null;
        String host = "127.0.0.1";
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("--help") || a.equals("-h")) {
                    System.out.println(USAGE);
                    System.exit(0);
                }
                if (!OPTIONS.contains(a)) {
                    fail("unknown option " + a); // before the value check: a trailing --bogus is unknown, not valueless
                }
                if (i + 1 >= args.length) {
                    fail("option " + a + " needs a value");
                }
                String v = args[++i];
                switch (a) {
                    case "--port":
                        port = intValue(a, v, 0, 65535);
                        b.port(port);
                        break;
                    case "--token":
                        if (v.isEmpty()) {
                            fail("--token must not be empty");
                        }
                        token = v;
                        b.token(v);
                        break;
                    case "--token-file": {
                        // the same file the platform's --ha-token-file reads; keeps the token off the command line (ps)
                        Path p = Path.of(v);
                        String t;
                        try {
                            t = Files.readString(p).trim();
                        } catch (java.io.IOException e) {
                            fail("--token-file " + v + ": cannot read it (" + e.getClass().getSimpleName() + ")");
                            return;
                        }
                        if (t.isEmpty()) {
                            fail("--token-file " + v + " is empty");
                        }
                        token = t;
                        b.token(t);
                        break;
                    }
                    case "--entities":
                        b.entities(intValue(a, v, 0, 1_000_000));
                        break;
                    case "--scenario": {
                        Path p = Path.of(v);
                        if (!Files.isRegularFile(p)) {
                            fail("--scenario " + v + ": no such file");
                        }
                        b.scenario(p);
                        break;
                    }
                    case "--host":
                        host = v;
                        b.host(v);
                        break;
                    case "--activity":
                        try {
                            double r = Double.parseDouble(v);
                            if (r < 0 || Double.isNaN(r)) {
                                fail("--activity must be >= 0");
                            }
                            b.activity(r);
                        } catch (NumberFormatException e) {
                            fail("--activity must be a number, got '" + v + "'");
                        }
                        break;
                    case "--ha-version":
                        b.haVersion(v);
                        break;
                    default:
                        fail("unknown option " + a);
                }
            }
            if (port == null) {
                fail("--port is required (0 picks a free port)");
            }
            if (token == null) {
                fail("--token or --token-file is required");
            }
        } catch (IllegalArgumentException e) {
            fail(e.getMessage());
        }
        HaSimulator sim = b.build();
        try {
            sim.start();
        } catch (UncheckedIOException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(1);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sim.stop();
            stopped.countDown();
            // a JVM ended by SIGTERM exits 143; the simulator stopped cleanly, so report success
            Runtime.getRuntime().halt(0);
        }, "ha-sim-shutdown"));
        String h = host.contains(":") ? "[" + host + "]" : host;
        PrintStream out = System.out;
        out.println("listening on ws://" + h + ":" + sim.port() + "/api/websocket (REST http://" + h + ":" + sim.port()
                + "/api/)");
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int intValue(String option, String v, int min, int max) {
        try {
            int n = Integer.parseInt(v);
            if (n < min || n > max) {
                fail(option + " must be between " + min + " and " + max + ", got " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            fail(option + " must be a number, got '" + v + "'");
            return 0;
        }
    }

    private static void fail(String message) {
        System.err.println("error: " + message);
        System.err.println(USAGE);
        System.exit(2);
    }
}
