package org.hassette.deploy.internal;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/** The hassette:deploy table for files that never become bundles, read from real files in a real folder. */
class DeployCommandsTest {
    @TempDir
    Path home;

    @Test
    void aMalformedConfigurationFileIsRejectedWithItsLineAndReason() throws Exception {
        Path deploy = Files.createDirectories(home.resolve("deploy"));
        Files.writeString(deploy.resolve("org.example.good.cfg"), "sensor = binary_sensor.hall\n");
        Files.writeString(deploy.resolve("org.example.bad.config"), "name=\"x\"\nretries=I\"three\"\n");
        Files.writeString(deploy.resolve("broken.jar"), "not a zip");
        Files.writeString(deploy.resolve("notes.txt"), "hello");

        List<String> lines = new DeployCommands(context(home)).deploy().lines().toList();

        assertEquals(5, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(0).startsWith("FILE"), lines.get(0));
        assertEquals(List.of("broken.jar", "rejected"), cells(lines.get(1), 2));
        assertEquals(List.of("notes.txt", "ignored"), cells(lines.get(2), 2));
        assertEquals(List.of("org.example.bad.config", "rejected"), cells(lines.get(3), 2));
        assertEquals("line 2 (retries=I\"three\"): not a number: \"three\"", cells(lines.get(3), 3).get(2), lines.get(3));
        assertEquals(List.of("org.example.good.cfg", "configuration"), cells(lines.get(4), 2));
        assertTrue(lines.get(4).endsWith("configuration"), "no detail for a good file: " + lines.get(4));
    }

    private static List<String> cells(String line, int n) {
        return List.of(line.trim().split("\\s{2,}")).subList(0, n);
    }

    /** Only what the table reads: the home folder property and the (here: no) installed bundles. */
    private static BundleContext context(Path home) {
        return (BundleContext) Proxy.newProxyInstance(BundleContext.class.getClassLoader(), new Class<?>[] { BundleContext.class },
                (proxy, method, args) -> switch (method.getName()) {
                    case "getProperty" -> "hassette.home".equals(args[0]) ? home.toString() : null;
                    case "getBundles" -> new Bundle[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
