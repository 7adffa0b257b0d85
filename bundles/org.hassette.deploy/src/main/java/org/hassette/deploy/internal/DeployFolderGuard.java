package org.hassette.deploy.internal;

import java.io.File;
import org.apache.felix.fileinstall.ArtifactInstaller;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claims the {@code .jar} files FileInstall cannot install (not a zip, no manifest, no
 * Bundle-SymbolicName) so they are reported instead of silently ignored. As soon as a claimed file
 * becomes a real bundle, this installer no longer handles it and FileInstall's bundle installer
 * takes over.
 */
@Component(service = ArtifactInstaller.class)
public class DeployFolderGuard implements ArtifactInstaller {
    private static final Logger LOG = LoggerFactory.getLogger(DeployFolderGuard.class);

    @Override
    public boolean canHandle(File artifact) {
        return artifact.getName().endsWith(".jar") && JarInspector.problem(artifact) != null;
    }

    @Override
    public void install(File artifact) {
        report(artifact);
    }

    @Override
    public void update(File artifact) {
        report(artifact);
    }

    @Override
    public void uninstall(File artifact) {
        if (artifact.isFile() && JarInspector.problem(artifact) == null) {
            // Fixed in place: FileInstall drops it from this installer but does not re-offer the same
            // file to its bundle installer until the file changes again, so mark it changed.
            LOG.info("{} is now a bundle; handing it to the bundle installer", artifact);
            artifact.setLastModified(Math.max(System.currentTimeMillis(), artifact.lastModified() + 1000));
        } else {
            LOG.info("Rejected file {} is gone", artifact);
        }
    }

    private static void report(File artifact) {
        String problem = JarInspector.problem(artifact);
        if (problem != null) {
            LOG.error("Cannot deploy {}: {}. Fix or remove the file; the platform keeps running.", artifact, problem);
        }
    }
}
