package org.hassette.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The home folder of one platform instance: {@code etc/} (configuration), {@code deploy/} (app
 * bundles), {@code data/} (database, framework cache, secrets), {@code logs/} and {@code run/}
 * (local shell socket, instance lock).
 */
final class HomeFolder {
    /** Default configuration seeded into {@code etc/} on first start; existing files are never overwritten. */
    static final List<String> DEFAULT_ETC = List.of(
            "logback.xml",
            "org.apache.felix.fileinstall-deploy.cfg",
            "org.apache.felix.hc.core.impl.servlet.HealthCheckExecutorServlet-default.cfg",
            "org.apache.felix.hc.core.impl.servlet.HealthCheckExecutorServlet-systemready.config",
            "org.apache.felix.hc.core.impl.servlet.HealthCheckExecutorServlet-systemalive.config",
            "org.apache.felix.hc.core.impl.servlet.HealthCheckExecutorServlet-ready.config",
            "org.apache.felix.hc.core.impl.servlet.HealthCheckExecutorServlet-alive.config",
            "org.apache.felix.hc.core.impl.servlet.HealthCheckExecutorServlet-apps.config",
            "org.apache.felix.hc.core.impl.executor.HealthCheckExecutorImpl.config",
            "org.apache.felix.hc.core.impl.monitor.HealthCheckMonitor-systemready.config",
            "org.apache.felix.hc.generalchecks.FrameworkStartCheck.config",
            "org.apache.felix.hc.generalchecks.BundlesStartedCheck-hassette.config",
            "org.apache.felix.hc.generalchecks.ServicesCheck-hassette.config",
            "org.apache.felix.hc.generalchecks.ServicesCheck-apphandler.config",
            "org.hassette.lifecycle.readiness.config");

    final Path root;
    private FileChannel lockChannel;
    private FileLock lock;

    HomeFolder(Path root) {
        this.root = root;
    }

    Path etc() {
        return root.resolve("etc");
    }

    Path deploy() {
        return root.resolve("deploy");
    }

    Path data() {
        return root.resolve("data");
    }

    Path logs() {
        return root.resolve("logs");
    }

    Path run() {
        return root.resolve("run");
    }

    /**
     * Creates the folders, checks they are writable and takes the instance lock (unless
     * {@link #lockIfUsedBefore()} took it). The launcher calls it only after every check that can
     * refuse the start, so a refused start leaves no home folder behind.
     *
     * @throws IllegalStateException with a message naming the folder and what to do
     */
    void prepare() {
        for (Path dir : List.of(root, etc(), deploy(), data(), logs(), run())) {
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new IllegalStateException("cannot create " + dir + " (" + e.getClass().getSimpleName() + ": "
                        + e.getMessage() + "); choose a writable home folder with --home or HASSETTE_HOME");
            }
            Path probe = dir.resolve(".write-probe");
            try {
                Files.writeString(probe, "");
                Files.delete(probe);
            } catch (IOException e) {
                throw new IllegalStateException("home folder " + dir + " is not writable (" + e.getMessage()
                        + "); fix its permissions or choose another with --home");
            }
        }
        if (lock == null) {
            lock();
        }
    }

    /**
     * Takes the instance lock when the home folder was used before ({@code run/} exists and is
     * writable), creating nothing else: a second instance on the same home is told that, not that
     * its HTTP port (usually the same) is in use. An unwritable {@code run/} is left to
     * {@link #prepare()}, which says so.
     */
    void lockIfUsedBefore() {
        if (lock == null && Files.isDirectory(run()) && Files.isWritable(run())) {
            lock();
        }
    }

    private void lock() {
        try {
            lockChannel = FileChannel.open(run().resolve("instance.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            lock = lockChannel.tryLock();
        } catch (IOException | OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            throw new IllegalStateException("another Hassette is already running with home folder " + root
                    + "; stop it first (./hassette exec 'stop 0') or use another --home");
        }
    }

    /** Marks that the demo apps were put into {@code deploy/} once; they are never put back after that. */
    static final String DEMO_MARKER = "demo-apps-deployed";

    /**
     * Demo mode: puts the example app jars and their factory configurations from {@code demoDeploy}
     * into {@code deploy/} on the first start in demo mode. Later starts only refresh demo jars that
     * are still in {@code deploy/} and differ from the distribution's (a rebuild); configurations are
     * never overwritten and removed files never come back. Returns the names copied.
     */
    List<String> seedDemoApps(Path demoDeploy) throws IOException {
        if (!Files.isDirectory(demoDeploy)) {
            return List.of();
        }
        List<Path> files;
        try (java.util.stream.Stream<Path> s = Files.list(demoDeploy)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        boolean first = !Files.exists(data().resolve(DEMO_MARKER));
        List<String> copied = new java.util.ArrayList<>();
        for (Path source : files) {
            String name = source.getFileName().toString();
            Path target = deploy().resolve(name);
            boolean jar = name.endsWith(".jar");
            boolean copy = first ? !Files.exists(target)
                    : jar && Files.exists(target) && Files.mismatch(source, target) != -1;
            if (copy) {
                // copy next to it, then move: FileInstall never sees a half-written jar
                Path partial = deploy().resolve("." + name + ".part");
                Files.copy(source, partial, StandardCopyOption.REPLACE_EXISTING);
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                copied.add(name);
            }
        }
        if (first) {
            Files.writeString(data().resolve(DEMO_MARKER), "The demo apps were put into deploy/ once; delete this file to get them again.\n");
        }
        return copied;
    }

    /** Configuration PID of the Home Assistant connection, whose {@code url} names a real Home Assistant. */
    static final String WEBSOCKET_PID = "org.hassette.websocket";

    /**
     * The Home Assistant URL configured in {@code etc/org.hassette.websocket.cfg} or {@code .config}
     * (property {@code url}), or null. Read before the framework starts, so that a home configured
     * only through {@code etc/} is never treated as a demo home: the demo apps would act on the real HA.
     * A file that cannot be read counts as configured (safe side: no demo).
     */
    EtcHomeAssistant configuredHomeAssistant() {
        for (String ext : List.of(".cfg", ".config")) {
            Path file = etc().resolve(WEBSOCKET_PID + ext);
            if (!Files.isRegularFile(file)) {
                continue;
            }
            String url;
            try {
                url = ext.equals(".cfg") ? cfgValue(Files.readString(file), "url") : configValue(Files.readAllLines(file), "url");
            } catch (IOException | RuntimeException e) {
                return new EtcHomeAssistant(file, "unreadable " + file.getFileName());
            }
            if (url != null && !url.isBlank()) {
                return new EtcHomeAssistant(file, url.trim());
            }
        }
        return null;
    }

    /** The Home Assistant named in {@code etc/}: the file and its {@code url}. */
    record EtcHomeAssistant(Path file, String url) {
    }

    /** A value of a {@code .cfg} file (java.util.Properties syntax, as FileInstall reads it). */
    static String cfgValue(String text, String key) throws IOException {
        java.util.Properties p = new java.util.Properties();
        p.load(new java.io.StringReader(text));
        return p.getProperty(key);
    }

    /** A string value of a {@code .config} file (Felix ConfigAdmin syntax: {@code key="value"}, optionally typed). */
    static String configValue(List<String> lines, String key) {
        for (String raw : lines) {
            String line = raw.strip();
            if (line.startsWith("#") || !line.startsWith(key)) {
                continue;
            }
            String rest = line.substring(key.length()).stripLeading();
            if (!rest.startsWith("=")) {
                continue;
            }
            rest = rest.substring(1).strip();
            if (rest.length() > 0 && Character.isLetter(rest.charAt(0)) && rest.indexOf('"') > 0) {
                rest = rest.substring(rest.indexOf('"')); // type prefix such as S"..."
            }
            if (rest.length() >= 2 && rest.startsWith("\"") && rest.lastIndexOf('"') > 0) {
                return rest.substring(1, rest.lastIndexOf('"')).replace("\\\"", "\"").replace("\\\\", "\\");
            }
            return rest;
        }
        return null;
    }

    /** Copies the default configuration files that are missing from {@code etc/}. */
    void seedDefaults() throws IOException {
        for (String name : DEFAULT_ETC) {
            Path target = etc().resolve(name);
            if (Files.exists(target)) {
                continue;
            }
            try (InputStream in = HomeFolder.class.getResourceAsStream("/defaults/etc/" + name)) {
                if (in == null) {
                    throw new IOException("launcher jar lacks default " + name);
                }
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
