package org.hassette.deploy.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * {@code hassette:deploy}: every file in deploy/ and what became of it: the bundle it is (id,
 * symbolic name, version, state), or why it is not one or cannot start. Registered with the Gogo
 * command properties only.
 */
@Component(service = DeployCommands.class, property = { "osgi.command.scope=hassette", "osgi.command.function=deploy" })
public class DeployCommands {
    private final BundleContext context;

    @Activate
    public DeployCommands(BundleContext context) {
        this.context = context;
    }

    /** The deploy/ table. */
    public String deploy() {
        String home = context.getProperty("hassette.home");
        if (home == null) {
            return "hassette:deploy: no hassette.home set";
        }
        Path dir = Path.of(home, "deploy").toAbsolutePath().normalize();
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            return "hassette:deploy: cannot list " + dir + ": " + e.getMessage();
        }
        if (files.isEmpty()) {
            return "deploy/ (" + dir + ") is empty";
        }
        List<String[]> rows = new ArrayList<>();
        for (Path f : files) {
            rows.add(row(f));
        }
        return table(new String[] { "FILE", "BUNDLE", "STATE", "DETAIL" }, rows);
    }

    private String[] row(Path f) {
        String name = f.getFileName().toString();
        if (ConfigFileInspector.isConfigFile(f)) {
            // FileInstall would only say "Failed to install artifact": name the line and the reason, as for jars
            String problem = ConfigFileInspector.problem(f);
            return problem == null ? new String[] { name, "", "configuration", "" } : new String[] { name, "", "rejected", problem };
        }
        if (!name.endsWith(".jar")) {
            return new String[] { name, "", "ignored", "only .jar, .cfg and .config files are deployed" };
        }
        Bundle b = bundleAt(f);
        if (b == null) {
            String problem = JarInspector.problem(f.toFile());
            return new String[] { name, "", problem == null ? "pending" : "rejected",
                    problem == null ? "not installed yet (FileInstall polls every 250 ms)" : problem };
        }
        String bundle = "[" + b.getBundleId() + "] " + b.getSymbolicName() + " " + b.getVersion();
        String state = switch (b.getState()) {
            case Bundle.ACTIVE -> "active";
            case Bundle.RESOLVED -> "resolved";
            case Bundle.STARTING -> "starting";
            case Bundle.STOPPING -> "stopping";
            case Bundle.INSTALLED -> "installed";
            default -> "uninstalled";
        };
        String detail = "";
        if (b.getState() == Bundle.INSTALLED) {
            List<String> missing = UnresolvedBundleReporter.missing(context, b);
            detail = missing.isEmpty() ? "not resolved" : "not resolved: " + String.join("; ", missing);
        }
        return new String[] { name, bundle, state, detail };
    }

    private Bundle bundleAt(Path f) {
        Path file = f.toAbsolutePath().normalize();
        for (Bundle b : context.getBundles()) {
            if (BundleFiles.file(b.getLocation()).filter(file::equals).isPresent()) {
                return b;
            }
        }
        return null;
    }

    static String table(String[] head, List<String[]> rows) {
        int[] w = new int[head.length];
        for (int i = 0; i < head.length; i++) {
            w[i] = head[i].length();
            for (String[] r : rows) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        StringBuilder sb = new StringBuilder(line(head, w));
        for (String[] r : rows) {
            sb.append('\n').append(line(r, w));
        }
        return sb.toString();
    }

    private static String line(String[] cells, int[] w) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            sb.append(i == cells.length - 1 ? cells[i] : String.format("%-" + w[i] + "s  ", cells[i]));
        }
        return sb.toString().stripTrailing();
    }
}
