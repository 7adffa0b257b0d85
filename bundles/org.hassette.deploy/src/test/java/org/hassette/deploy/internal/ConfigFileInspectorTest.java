package org.hassette.deploy.internal;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ConfigFileInspectorTest {

    @Test
    void wellFormedFilesHaveNoProblem() {
        assertNull(ConfigFileInspector.problem("a.config", "# comment\nname=\"x\"\nretries=I\"3\"\nhosts=[\"a\",\"b\"]\n"));
        assertNull(ConfigFileInspector.problem("a.cfg", "# comment\nurl = http://ha.local:8123\nretries = 3\n"));
    }

    @Test
    void aBadTypedValueIsNamedWithItsLine() {
        String p = ConfigFileInspector.problem("org.example.config", "name=\"x\"\n\nretries=I\"three\"\n");
        assertEquals("line 3 (retries=I\"three\"): not a number: \"three\"", p);
    }

    @Test
    void aBrokenEscapeInACfgFileIsNamed() {
        String p = ConfigFileInspector.problem("org.example.cfg", "a = 1\npath = C:\\u12zz\n");
        assertNotNull(p);
        assertTrue(p.startsWith("line 2 "), p);
    }

    @Test
    void everyFileThePlatformShipsInEtcHasNoProblem() throws Exception {
        Path etc = Path.of("../../runtime/src/main/resources/defaults/etc");
        List<Path> files;
        try (Stream<Path> s = Files.list(etc)) {
            files = s.filter(ConfigFileInspector::isConfigFile).toList();
        }
        assertFalse(files.isEmpty(), "no default etc files found in " + etc.toAbsolutePath());
        for (Path f : files) {
            assertNull(ConfigFileInspector.problem(f), f.getFileName().toString());
        }
    }

    @Test
    void parenthesesAndEqualsInsideAQuotedArrayValueAreFine() {
        assertNull(ConfigFileInspector.problem("a.config", "list=[\"(&(a=b)(c=d e))\"]\n"));
    }
}
