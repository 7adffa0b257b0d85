package org.hassette.deploy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BundleFilesTest {

    @Test
    void fileUrisAndAbsolutePathsNameTheSameNormalisedFile() {
        Path jar = Path.of("/srv/hassette/deploy/app.jar");
        assertEquals(Optional.of(jar), BundleFiles.file("file:/srv/hassette/deploy/app.jar"));
        assertEquals(Optional.of(jar), BundleFiles.file("file:///srv/hassette/deploy/../deploy/app.jar"));
        assertEquals(Optional.of(jar), BundleFiles.file("/srv/hassette/deploy/./app.jar"));
        assertEquals(Optional.of(Path.of("/srv/my home/app.jar")), BundleFiles.file("file:/srv/my%20home/app.jar"));
    }

    @Test
    void otherLocationsAreNoFile() {
        assertEquals(Optional.empty(), BundleFiles.file("System Bundle"));
        assertEquals(Optional.empty(), BundleFiles.file("inputstream:app.jar"));
        assertEquals(Optional.empty(), BundleFiles.file("http://example.org/app.jar"));
        assertEquals(Optional.empty(), BundleFiles.file("file:relative%"));
        assertEquals(Optional.empty(), BundleFiles.file(null));
    }
}
