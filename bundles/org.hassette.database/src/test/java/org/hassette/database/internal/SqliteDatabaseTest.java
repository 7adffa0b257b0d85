package org.hassette.database.internal;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.hassette.api.lifecycle.ConfigurationErrors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteDatabaseTest {
    private final Path home = Paths.get("/srv/hassette-home");

    @Test
    void defaultIsHassetteDbInTheDataFolderOfTheHome() {
        assertEquals(home.resolve("data/hassette.db"), SqliteDatabase.databaseFile(home, ""));
        assertEquals(home.resolve("data/hassette.db"), SqliteDatabase.databaseFile(home, "  "));
    }

    @Test
    void relativePathIsTakenFromTheHomeAndAbsoluteAsIs() {
        assertEquals(home.resolve("db/other.db"), SqliteDatabase.databaseFile(home, "db/other.db"));
        assertEquals(Paths.get("/var/lib/h.db"), SqliteDatabase.databaseFile(home, "/var/lib/h.db"));
        assertEquals(Paths.get("/var/lib/h.db"), SqliteDatabase.databaseFile(null, "/var/lib/h.db"));
    }

    @Test
    void withoutHomeOnlyAnAbsolutePathWorksAndTheErrorSaysSo() {
        IllegalStateException none = assertThrows(IllegalStateException.class, () -> SqliteDatabase.databaseFile(null, ""));
        assertTrue(none.getMessage().contains("hassette.home is not set"), none.getMessage());
        IllegalStateException relative = assertThrows(IllegalStateException.class, () -> SqliteDatabase.databaseFile(null, "x.db"));
        assertTrue(relative.getMessage().contains("configure an absolute path"), relative.getMessage());
    }

    @Test
    void leftoverNativeLibrariesOfKilledProcessesAreRemovedAndNothingElse(@TempDir Path folder) throws Exception {
        Files.writeString(folder.resolve("sqlite-3.54.1.0-1111-libsqlitejdbc.so"), "x");
        Files.writeString(folder.resolve("sqlite-3.54.1.0-1111-libsqlitejdbc.so.lck"), "");
        Files.writeString(folder.resolve("notes.txt"), "keep");
        Files.writeString(folder.resolve("sqlite-notes.txt"), "keep");
        assertEquals(2, SqliteDatabase.removeLeftoverLibraries(folder));
        try (Stream<Path> left = Files.list(folder)) {
            assertEquals(List.of("notes.txt", "sqlite-notes.txt"), left.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    private static final String FILE = "/srv/hassette-home/etc/org.hassette.database.internal.SqliteDatabase.cfg";
    private static final String NAMED = "configuration org.hassette.database.internal.SqliteDatabase (" + FILE + "): ";

    @Test
    void defaultsAndGoodValuesAreAccepted() {
        assertEquals(new SqliteDatabase.Values("", 10_000, 5_000, 5_000, 4), SqliteDatabase.validate(config(Map.of()), Map.of()));
        Map<String, Object> props = Map.of("write.queue.capacity", "1", "busy.timeout.ms", "0", "drain.timeout.ms", "0", "read.pool.size", "0");
        assertEquals(new SqliteDatabase.Values("", 1, 0, 0, 0), SqliteDatabase.validate(config(props), props));
    }

    @Test
    void aValueOutOfRangeIsNamedWithConfigurationFilePropertyAndWhatIsAllowed() {
        assertEquals(NAMED + "busy.timeout.ms = '-5' is out of range (allowed: a whole number from 0 to 2147483647, in milliseconds);"
                + " fix the value (the database stays FAILED until then)", refusal(fromFile(Map.of("busy.timeout.ms", "-5"))));
    }

    @Test
    void aValueThatIsNotANumberIsNamedInsteadOfThrowingFromTheConversion() {
        assertEquals(NAMED + "write.queue.capacity = 'lots' is not a number (allowed: a whole number from 1 to 2147483647);"
                + " fix the value (the database stays FAILED until then)", refusal(fromFile(Map.of("write.queue.capacity", "lots"))));
    }

    @Test
    void everyBadValueIsNamedAndAConfigurationWithoutFileByItsPid() {
        String message = refusal(Map.of("service.pid", SqliteDatabase.PID, "write.queue.capacity", "0", "read.pool.size", "some",
                "drain.timeout.ms", "-1"));
        assertTrue(message.startsWith("configuration org.hassette.database.internal.SqliteDatabase: write.queue.capacity = '0' is out of"
                + " range (allowed: a whole number from 1 to 2147483647); drain.timeout.ms = '-1' is out of range"), message);
        assertTrue(message.contains("; read.pool.size = 'some' is not a number (allowed: a whole number from 0 to 2147483647);"
                + " fix these values"), message);
    }

    /** The message validation refuses these properties with. */
    private static String refusal(Map<String, Object> props) {
        return assertThrows(SqliteDatabase.InvalidConfigurationException.class, () -> SqliteDatabase.validate(config(props), props))
                .getMessage();
    }

    private static Map<String, Object> fromFile(Map<String, Object> values) {
        Map<String, Object> props = new java.util.HashMap<>(values);
        props.put("service.pid", SqliteDatabase.PID);
        props.put("felix.fileinstall.filename", "file:" + FILE);
        return props;
    }

    /** Like DS: a method converts its property when called and throws when it cannot (the OSGi test proves SCR does so). */
    private static SqliteDatabase.Config config(Map<String, Object> props) {
        return (SqliteDatabase.Config) Proxy.newProxyInstance(SqliteDatabase.Config.class.getClassLoader(),
                new Class<?>[] { SqliteDatabase.Config.class }, (proxy, method, args) -> {
                    Object raw = props.get(ConfigurationErrors.propertyName(method.getName()));
                    if (raw == null) {
                        return method.getDefaultValue();
                    }
                    return method.getReturnType() == int.class ? Integer.parseInt(raw.toString().trim()) : raw.toString();
                });
    }
}
