package org.hassette.deploy.internal;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JarInspectorTest {
    @TempDir
    Path dir;

    @Test
    void notAZipIsReported() throws IOException {
        Path f = Files.writeString(dir.resolve("x.jar"), "hello");
        assertTrue(JarInspector.problem(f.toFile()).startsWith("it is not a readable jar/zip file"));
    }

    @Test
    void emptyFileIsReportedAsPossiblyStillCopying() throws IOException {
        Path f = Files.createFile(dir.resolve("x.jar"));
        assertTrue(JarInspector.problem(f.toFile()).contains("still being copied"));
    }

    @Test
    void plainJarIsReported() throws IOException {
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        Path f = jar(mf);
        assertTrue(JarInspector.problem(f.toFile()).contains("no Bundle-SymbolicName"));
    }

    @Test
    void bundleIsAccepted() throws IOException {
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        mf.getMainAttributes().putValue("Bundle-ManifestVersion", "2");
        mf.getMainAttributes().putValue("Bundle-SymbolicName", "demo.app");
        assertNull(JarInspector.problem(jar(mf).toFile()));
    }

    private Path jar(Manifest mf) throws IOException {
        Path f = dir.resolve("b.jar");
        try (OutputStream out = Files.newOutputStream(f); JarOutputStream j = new JarOutputStream(out, mf)) {
            j.flush();
        }
        return f;
    }
}
