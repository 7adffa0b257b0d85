package org.hassette.api.lifecycle;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigurationErrorsTest {
    private static final String SCR_FAILURE = "org.osgi.service.component.ComponentException: java.lang.NumberFormatException: For input string: \"lots\"\n"
            + "\tat org.apache.felix.scr.impl.inject.internal.Annotations...";

    @Test
    void namesConfigurationFilePropertyAndValue() {
        String d = ConfigurationErrors.describe(SCR_FAILURE, Map.of("service.pid", "org.hassette.database.internal.SqliteDatabase",
                "felix.fileinstall.filename", "file:/home/me/etc/db.cfg", "write.queue.capacity", "lots", "busy.timeout.ms", "5000"));
        assertEquals("configuration org.hassette.database.internal.SqliteDatabase (/home/me/etc/db.cfg): write.queue.capacity = 'lots'"
                + " is not a number; fix the value", d);
    }

    @Test
    void otherFailuresAndUnknownValuesAreLeftAlone() {
        assertNull(ConfigurationErrors.describe("java.lang.IllegalStateException: boom", Map.of("a", "b")));
        assertNull(ConfigurationErrors.describe(SCR_FAILURE, Map.of("service.pid", "x", "other", "value")));
        assertNull(ConfigurationErrors.describe(null, Map.of()));
    }
}
