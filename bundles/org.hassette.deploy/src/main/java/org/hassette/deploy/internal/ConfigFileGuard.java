package org.hassette.deploy.internal;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.felix.fileinstall.ArtifactInstaller;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says what is wrong with a configuration file that Config Admin cannot read, with the folder, the
 * line and what to do. FileInstall alone logs only "Failed to install artifact" and a parser
 * exception.
 *
 * <p>FileInstall offers every file of every folder it watches to every {@code ArtifactInstaller}
 * service, so this one guards the configuration files of both {@code etc/} (the launcher's watcher)
 * and {@code deploy/} (the watcher of {@code etc/org.apache.felix.fileinstall-deploy.cfg}); each
 * message names the folder. It never claims a file ({@link #canHandle} is always false):
 * FileInstall's own configuration installer still handles every file, so a mistake in this check can
 * cost a log line, never a configuration. The high ranking makes FileInstall ask this listener first,
 * when the file is new or changed. FileInstall reads both folders long before this bundle starts, so
 * at activation each is checked once as a whole.
 */
@Component(service = ArtifactInstaller.class, immediate = true, property = "service.ranking:Integer=1000")
public class ConfigFileGuard implements ArtifactInstaller {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigFileGuard.class);

    /** Last version reported per file (modified time and size), so a poll does not repeat it. */
    private final Map<Path, String> reported = new ConcurrentHashMap<>();

    @Activate
    void activate(BundleContext context) {
        String home = context.getProperty("hassette.home");
        for (String dir : new String[] { context.getProperty("felix.fileinstall.dir"), home == null ? null : home + "/deploy" }) {
            if (dir == null || !Files.isDirectory(Path.of(dir))) {
                continue;
            }
            try (Stream<Path> files = Files.list(Path.of(dir))) {
                files.sorted().forEach(f -> check(f.toFile()));
            } catch (IOException e) {
                LOG.warn("Cannot list {} to check its configuration files: {}", dir, e.getMessage());
            }
        }
    }

    @Override
    public boolean canHandle(File artifact) {
        check(artifact);
        return false;
    }

    // never called: canHandle is always false
    @Override
    public void install(File artifact) {
    }

    @Override
    public void update(File artifact) {
    }

    @Override
    public void uninstall(File artifact) {
    }

    private void check(File artifact) {
        Path file = artifact.toPath();
        if (!artifact.isFile() || !ConfigFileInspector.isConfigFile(file)) {
            return;
        }
        String version = artifact.lastModified() + "/" + artifact.length();
        if (version.equals(reported.get(file))) {
            return; // this version was parsed and reported already (FileInstall asks again on its retries)
        }
        String problem = ConfigFileInspector.problem(file);
        String folder = folder(file);
        if (problem == null) {
            if (reported.remove(file) != null) {
                LOG.info("{} configuration file {} reads correctly again", folder, file);
            }
        } else {
            reported.put(file, version);
            LOG.error("Cannot apply {} configuration file {}: {}. Fix the file; it is read again when saved. Until then its previous "
                    + "values (if any) stay in effect and the platform keeps running.", folder, file, problem);
        }
    }

    /** "etc/" or "deploy/": which watched folder the file is in, as the operator knows it. */
    static String folder(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        return parent == null || parent.getFileName() == null ? "" : parent.getFileName() + "/";
    }
}
