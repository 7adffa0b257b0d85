package org.hassette.launcher;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Starts the Hassette platform: an embedded Felix framework with the resolved bundles found in
 * {@code bundles/} next to this jar, configured for one home folder.
 *
 * <p>Own launcher rather than bnd's exported one so that options are validated before anything
 * starts, a port in use or a second instance is refused with a clear message, SIGTERM ends with exit
 * code 0 after a clean framework stop, and a fatal platform shutdown ends with a non-zero code and its
 * reason as the last line.
 */
public final class Main {
    /** Exit code for bad options or a refused start. */
    static final int EXIT_USAGE = 2;
    /** System property a platform bundle sets before stopping the framework on a fatal error. */
    static final String EXIT_CODE_PROPERTY = "hassette.exit.code";
    static final String EXIT_REASON_PROPERTY = "hassette.exit.reason";

    private Main() {
    }

    public static void main(String[] args) {
        List<String> list = Arrays.asList(args);
        String command = list.isEmpty() || list.get(0).startsWith("-") ? "run" : list.get(0);
        List<String> rest = list.isEmpty() || list.get(0).startsWith("-") ? list : list.subList(1, list.size());
        int code;
        switch (command) {
            case "run" -> code = run(rest);
            case "exec" -> code = ExecClient.main(rest, System.getenv());
            default -> {
                System.err.println("hassette: unknown command '" + command + "' (expected run or exec)");
                code = EXIT_USAGE;
            }
        }
        System.exit(code);
    }

    static int run(List<String> args) {
        LaunchOptions options;
        try {
            options = LaunchOptions.parse(args, System.getenv());
        } catch (LaunchOptions.BadOption e) {
            if (e.getMessage() == null) {
                System.out.println(LaunchOptions.USAGE);
                return 0;
            }
            System.err.println("hassette: " + e.getMessage());
            System.err.println(LaunchOptions.USAGE);
            return EXIT_USAGE;
        }
        HomeFolder home = new HomeFolder(options.home);
        ConsoleCredentials credentials;
        try {
            // every check that can refuse the start comes first: a refused start creates nothing in the home folder
            home.lockIfUsedBefore();
            credentials = ConsoleCredentials.existing(home.data(), System.getenv());
            checkPortFree(options.httpHost, options.httpPort);
            if (options.haTokenFile != null && !Files.isReadable(options.haTokenFile)) {
                throw new IllegalStateException("HA token file " + options.haTokenFile + " does not exist or is not readable");
            }
            home.prepare();
            home.seedDefaults();
            if (credentials == null) {
                credentials = ConsoleCredentials.generate(home.data(), System.getenv());
            }
            HomeFolder.EtcHomeAssistant etcHa = options.haUrl == null ? home.configuredHomeAssistant() : null;
            if (etcHa != null) {
                // a real HA from etc/: no demo home and no demo apps (they would act on that HA)
                options.haFromEtc = true;
                System.out.println("Home Assistant configured in " + etcHa.file() + ": no demo home");
            }
            if (options.haUrl == null && etcHa == null) {
                List<String> demoApps = home.seedDemoApps(installDir().resolve("demo").resolve("deploy"));
                if (!demoApps.isEmpty()) {
                    System.out.println("Demo home: example apps put into " + home.deploy() + ": " + String.join(", ", demoApps));
                }
            }
        } catch (IllegalStateException | IOException e) {
            System.err.println("hassette: " + e.getMessage());
            return EXIT_USAGE;
        }
        try {
            return new Main().launch(options, home, credentials);
        } catch (BundleException | IOException | RuntimeException e) {
            System.err.println("hassette: could not start the platform: " + e);
            return 1;
        }
    }

    static void checkPortFree(String host, int port) {
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("--http-host '" + host + "' is not a known address");
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(address, port));
        } catch (IOException e) {
            throw new IllegalStateException("HTTP port " + port + " on " + host + " is already in use ("
                    + e.getMessage() + "); stop what uses it or choose another with --http-port");
        }
    }

    private int launch(LaunchOptions options, HomeFolder home, ConsoleCredentials credentials)
            throws BundleException, IOException {
        Path bundlesDir = installDir().resolve("bundles");
        if (!Files.isDirectory(bundlesDir)) {
            throw new IOException("bundle folder " + bundlesDir + " is missing; build with './hassette' or 'mvn -B package -DskipTests'");
        }
        boolean interactive = System.console() != null;
        System.setProperty("hassette.home", home.root.toString());
        Map<String, String> props = frameworkProperties(options, home, credentials, interactive);
        // Pax Logging reads these before the framework is fully up; system properties make sure it sees them.
        for (String key : List.of("org.ops4j.pax.logging.StaticLogbackFile", "org.ops4j.pax.logging.DefaultServiceLog.level")) {
            System.setProperty(key, props.get(key));
        }
        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class).iterator().next();
        Framework framework = factory.newFramework(props);
        framework.init();

        AtomicBoolean stopping = new AtomicBoolean();
        Thread hook = new Thread(() -> {
            stopping.set(true);
            stopQuietly(framework);
            Runtime.getRuntime().halt(exitCode());
        }, "hassette-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);

        BundleContext ctx = framework.getBundleContext();
        List<Bundle> installed = installBundles(ctx, bundlesDir);
        for (Bundle b : installed) {
            if (b.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                b.start(); // only marks it: it starts when the start level reaches the bundle's level
            }
        }
        framework.start();
        announceWhenHttpIsUp(ctx, options, home, credentials, stopping);

        try {
            FrameworkEvent event = framework.waitForStop(0);
            if (event.getType() == FrameworkEvent.ERROR) {
                System.err.println("hassette: framework stopped with an error: " + event.getThrowable());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        int code = exitCode();
        String reason = System.getProperty(EXIT_REASON_PROPERTY);
        if (code != 0) {
            System.out.println("Hassette stopped: " + (reason == null ? "fatal error" : reason) + " (exit " + code + ")");
        } else if (!stopping.get()) {
            System.out.println("Hassette stopped.");
        }
        return code;
    }

    private static void stopQuietly(Framework framework) {
        try {
            boolean initiated = (framework.getState() & (Bundle.STARTING | Bundle.ACTIVE)) != 0;
            if (initiated) {
                System.out.println("Hassette stopping...");
                framework.stop();
            }
            FrameworkEvent e = framework.waitForStop(TimeUnit.SECONDS.toMillis(30));
            if (e.getType() == FrameworkEvent.WAIT_TIMEDOUT) {
                System.err.println("hassette: framework did not stop within 30 s; exiting anyway");
            } else if (initiated && exitCode() == 0) {
                System.out.println("Hassette stopped."); // a stop from inside was already reported by the main thread
            }
        } catch (BundleException | InterruptedException | RuntimeException e) {
            System.err.println("hassette: error while stopping: " + e);
        }
    }

    static int exitCode() {
        String code = System.getProperty(EXIT_CODE_PROPERTY);
        if (code == null) {
            return 0;
        }
        try {
            return Integer.parseInt(code.trim());
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    private static Map<String, String> frameworkProperties(LaunchOptions o, HomeFolder home, ConsoleCredentials cred,
            boolean interactive) {
        Map<String, String> p = new HashMap<>();
        p.put(Constants.FRAMEWORK_STORAGE, home.data().resolve("felix-cache").toString());
        p.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        p.put(Constants.FRAMEWORK_BEGINNING_STARTLEVEL, "30");
        p.put("felix.startlevel.bundle", "20");
        p.put("hassette.home", home.root.toString());
        p.put("hassette.http.host", o.httpHost);
        p.put("hassette.http.port", Integer.toString(o.httpPort));
        p.put("hassette.startup.timeout.seconds", Integer.toString(o.startupTimeoutSeconds));
        if (o.haUrl != null) {
            p.put("hassette.ha.url", o.haUrl);
            p.put("hassette.ha.token.file", o.haTokenFile.toString());
        }
        if (o.haFromEtc) {
            p.put("hassette.demo", "false"); // etc/org.hassette.websocket names the HA; the connection reads it from ConfigAdmin
        }
        // HTTP (Felix Jetty 12)
        p.put("org.osgi.service.http.port", Integer.toString(o.httpPort));
        p.put("org.apache.felix.http.host", o.httpHost);
        p.put("org.apache.felix.http.jetty.sendServerHeader", "false");
        // Web Console: operator credentials, never the built-in admin/admin
        p.put("felix.webconsole.username", cred.username);
        p.put("felix.webconsole.password", cred.passwordHash);
        p.put("felix.webconsole.realm", "Hassette");
        // FileInstall watches etc/ for configuration; etc/org.apache.felix.fileinstall-deploy.cfg adds deploy/
        p.put("felix.fileinstall.dir", home.etc().toString());
        p.put("felix.fileinstall.filter", ".*\\.(cfg|config)");
        p.put("felix.fileinstall.poll", "1000");
        p.put("felix.fileinstall.noInitialDelay", "true");
        p.put("felix.fileinstall.enableConfigSave", "false"); // write-back empties .cfg files at start
        p.put("felix.fileinstall.log.level", "3");
        // Logging (Pax Logging with logback)
        p.put("org.ops4j.pax.logging.StaticLogbackFile", home.etc().resolve("logback.xml").toString());
        // Pax Logging's own lines before logback is configured: WARN drops its "Enabling/Disabling ... API
        // support" and "Initializing Logback" chatter and keeps its warnings (a broken etc/logback.xml)
        p.put("org.ops4j.pax.logging.DefaultServiceLog.level", "WARN");
        // SCR: publish DTO changes quickly so the watcher reacts in well under a second
        p.put("ds.service.changecount.timeout", "100");
        // Gogo: interactive prompt only on a terminal; headless must not stop on end of input
        p.put("gosh.args", interactive ? "" : "--nointeractive");
        p.put("gosh.home", home.root.toString());
        return p;
    }

    private static List<Bundle> installBundles(BundleContext ctx, Path dir) throws IOException, BundleException {
        List<Path> jars;
        try (Stream<Path> s = Files.list(dir)) {
            jars = s.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted(Comparator.naturalOrder()).toList();
        }
        List<Bundle> bundles = new java.util.ArrayList<>();
        for (Path jar : jars) {
            Bundle b = ctx.installBundle(jar.toUri().toString());
            b.adapt(BundleStartLevel.class).setStartLevel(startLevel(b.getSymbolicName()));
            bundles.add(b);
        }
        return bundles;
    }

    /**
     * Logging first, configuration next, then the platform, health endpoints after it; apps from
     * deploy/ last (30). Within the platform, SCR and Jetty (10) and Hassette's own bundles (12, 15)
     * start before Web Console, Gogo and the rest (20): Felix starts one bundle at a time, so the HA connection
     * and the database, whose work runs on their own threads (connect, get_states, SQLite), start
     * first and overlap with the rest of the start instead of waiting behind it.
     */
    static int startLevel(String bsn) {
        if (bsn == null) {
            return 20;
        }
        if (bsn.startsWith("org.ops4j.pax.logging")) {
            return 1;
        }
        if (bsn.equals("org.apache.felix.configadmin")) {
            return 2;
        }
        if (bsn.equals("org.apache.felix.fileinstall")) {
            return 3;
        }
        if (bsn.equals("org.apache.felix.scr") || bsn.equals("org.apache.felix.http.jetty12") || bsn.equals("org.hassette.web")) {
            // HTTP first, as before: it answers before the shell and the core do; the web bundle with it,
            // so the health paths say 503 (not 404) until Health Check's own servlets take them over
            return 10;
        }
        if (bsn.equals("org.hassette.demo")) {
            // its simulator's endpoint is there before the connection first looks for a Home Assistant:
            // no "no Home Assistant URL configured" warning in demo mode
            return 11;
        }
        if (bsn.equals("org.hassette.websocket") || bsn.equals("org.hassette.database")) {
            return 12;
        }
        if (bsn.startsWith("org.hassette.")) {
            return 15;
        }
        if (bsn.equals("org.apache.felix.healthcheck.core")) {
            // its servlets answer OK while no check is registered yet: start them after every check's bundle
            return 25;
        }
        return 20;
    }

    private void announceWhenHttpIsUp(BundleContext ctx, LaunchOptions o, HomeFolder home, ConsoleCredentials cred,
            AtomicBoolean stopping) {
        Thread t = new Thread(() -> {
            ServiceTracker<Object, Object> tracker;
            try {
                tracker = new ServiceTracker<>(ctx,
                        ctx.createFilter("(objectClass=org.osgi.service.servlet.runtime.HttpServiceRuntime)"), null);
            } catch (org.osgi.framework.InvalidSyntaxException e) {
                throw new IllegalStateException(e);
            }
            tracker.open(true);
            try {
                Object runtime = tracker.waitForService(TimeUnit.SECONDS.toMillis(60));
                String base = "http://" + (o.httpHost.contains(":") ? "[" + o.httpHost + "]" : o.httpHost) + ":" + o.httpPort;
                if (stopping.get() || (ctx.getBundle(0).getState() & (Bundle.STARTING | Bundle.ACTIVE)) == 0) {
                    return; // stopped (Ctrl-C, SIGTERM) before HTTP came up: "up" would be a lie
                }
                if (runtime == null) {
                    System.out.println("Hassette: HTTP did not come up within 60 s; see " + home.logs().resolve("hassette.log"));
                    return;
                }
                System.out.println("Hassette is up: dashboard " + base + "/hassette/dashboard/  console " + base
                        + "/system/console  health " + base + "/system/health/systemready.json  home " + home.root);
                if (cred.generatedPassword != null) {
                    System.out.println("Web Console login (shown once, stored hashed in " + home.data().resolve(ConsoleCredentials.FILE)
                            + "): user '" + cred.username + "' password '" + cred.generatedPassword + "'");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IllegalStateException e) {
                // framework stopped while waiting
            } finally {
                try {
                    tracker.close();
                } catch (IllegalStateException ignored) {
                    // context already invalid
                }
            }
        }, "hassette-announce");
        t.setDaemon(true);
        t.start();
    }

    /** The folder this jar lives in (the assembled runtime). */
    static Path installDir() {
        try {
            Path jar = Paths.get(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Files.isDirectory(jar) ? jar : jar.getParent();
        } catch (URISyntaxException e) {
            return new File(".").toPath();
        }
    }
}
