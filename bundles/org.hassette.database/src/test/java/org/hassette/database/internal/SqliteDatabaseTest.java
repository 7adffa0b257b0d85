package org.hassette.database.internal;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Stream;
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
}
