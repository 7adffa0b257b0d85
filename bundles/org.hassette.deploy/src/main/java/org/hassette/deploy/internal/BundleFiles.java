package org.hassette.deploy.internal;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/** The file a bundle was installed from, as FileInstall and the launcher write locations. */
final class BundleFiles {
    private BundleFiles() {
    }

    /**
     * The normalised path of a {@code file:} URI or absolute path location; empty for any other
     * location (e.g. {@code inputstream:}, an http URL, the system bundle's).
     */
    static Optional<Path> file(String location) {
        if (location == null) {
            return Optional.empty();
        }
        try {
            Path p = location.startsWith("file:") ? Path.of(URI.create(location)) : Path.of(location);
            return p.isAbsolute() ? Optional.of(p.normalize()) : Optional.empty();
        } catch (RuntimeException notAFile) {
            return Optional.empty();
        }
    }
}
