package org.hassette.deploy.internal;

import static org.junit.jupiter.api.Assertions.*;

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
}
