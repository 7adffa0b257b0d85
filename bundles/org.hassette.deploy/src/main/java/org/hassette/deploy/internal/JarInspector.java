package org.hassette.deploy.internal;

import java.io.File;
import java.io.IOException;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/** Tells why a file in deploy/ cannot be installed as a bundle, in words an operator can act on. */
final class JarInspector {
    private JarInspector() {
    }

    /** The problem with {@code file}, or {@code null} when it looks like an installable bundle. */
    static String problem(File file) {
        if (file.length() == 0) {
            return "the file is empty (still being copied? it is checked again when it changes)";
        }
        try (JarFile jar = new JarFile(file)) {
            Manifest mf = jar.getManifest();
            if (mf == null) {
                return "it is a jar without META-INF/MANIFEST.MF, not an OSGi bundle; build it with bnd (see README, 'Write your first app')";
            }
            String bsn = mf.getMainAttributes().getValue("Bundle-SymbolicName");
            if (bsn == null || bsn.isBlank()) {
                return "its manifest has no Bundle-SymbolicName: it is a plain jar, not an OSGi bundle; build it with bnd (see README, 'Write your first app')";
            }
            return null;
        } catch (IOException | SecurityException e) {
            return "it is not a readable jar/zip file (" + e.getMessage() + "); a half-copied file is checked again when it changes";
        }
    }
}
