package org.hassette.database.internal;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;

class DatabaseFileTest {
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
}
