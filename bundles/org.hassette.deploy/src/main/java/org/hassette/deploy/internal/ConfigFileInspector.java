package org.hassette.deploy.internal;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.felix.fileinstall.shaded.util.properties.TypedProperties;

/**
 * Finds what is wrong with a configuration file of {@code etc/}, in words an operator can act on:
 * the line and the reason. It reads a file with FileInstall's own reader (embedded from the
 * FileInstall jar), as FileInstall does: line by line as properties, each value typed when the
 * file uses Config Admin's typed format. Config Admin's stand-alone {@code ConfigurationHandler}
 * is stricter than that and would report valid files (an {@code =} inside a quoted array element).
 */
final class ConfigFileInspector {
    private ConfigFileInspector() {
    }

    static boolean isConfigFile(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".config") || name.endsWith(".cfg");
    }

    /** Null when the file parses; else "line N: reason" (or just the reason when no single line is to blame). */
    static String problem(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "cannot read it (" + e.getMessage() + ")";
        }
        return problem(file.getFileName().toString(), text);
    }

    static String problem(String name, String text) {
        String whole = parse(name, text);
        if (whole == null) {
            return null;
        }
        // one entry per line in both formats: the first line that fails on its own is the one to fix
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() || line.stripLeading().startsWith("#") || line.stripTrailing().endsWith("\\")) {
                continue;
            }
            String alone = parse(name, line + "\n");
            if (alone != null) {
                return "line " + (i + 1) + " (" + abbreviate(line.strip()) + "): " + alone;
            }
        }
        return whole;
    }

    private static String parse(String name, String text) {
        try {
            TypedProperties properties = new TypedProperties();
            properties.load(new StringReader(text));
            for (String key : properties.keySet()) {
                properties.get(key); // values are typed lazily, on first read
            }
            return null;
        } catch (NumberFormatException e) {
            return "not a number: " + e.getMessage().replaceFirst("^For input string: ", "");
        } catch (IOException | RuntimeException e) {
            String m = e.getMessage();
            return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
        }
    }

    private static String abbreviate(String line) {
        return line.length() <= 80 ? line : line.substring(0, 77) + "...";
    }
}
