package org.hassette.database.internal;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;

class MigrationsTest {
    @TempDir
    Path tmp;

    @Test
    void bundledMigrationsStartAtOneWithoutGaps() {
        Migrations bundled = Migrations.bundled();
        assertEquals(1, bundled.latest(), "update this test when adding a migration, and add one for the new schema");
    }

    @Test
    void freshFileGetsTheSessionsTableAndTheLatestVersion() throws Exception {
        Path file = tmp.resolve("fresh.db");
        try (Connection c = open(file)) {
            assertEquals(1, Migrations.bundled().apply(c, file));
            assertEquals(1, Migrations.userVersion(c));
            assertEquals(List.of("id", "started_at", "stopped_at", "last_heartbeat_at", "status", "error_type", "error_message",
                    "error_trace"), columns(c, "sessions"));
            exec(c, "INSERT INTO sessions(started_at, last_heartbeat_at, status) VALUES ('t', 't', 'running')");
            SQLException bad = assertThrows(SQLException.class,
                    () -> exec(c, "INSERT INTO sessions(started_at, last_heartbeat_at, status) VALUES ('t', 't', 'crashed')"));
            assertTrue(bad.getMessage().contains("CHECK"), bad.getMessage());
        }
    }

    @Test
    void applyingTwiceChangesNothing() throws Exception {
        Path file = tmp.resolve("twice.db");
        try (Connection c = open(file)) {
            Migrations.bundled().apply(c, file);
            exec(c, "INSERT INTO sessions(started_at, last_heartbeat_at, status) VALUES ('t', 't', 'running')");
            assertEquals(1, Migrations.bundled().apply(c, file));
            assertEquals(1, count(c, "SELECT count(*) FROM sessions"));
        }
    }

    @Test
    void migrationsResumeFromTheVersionInTheFile() throws Exception {
        Path file = tmp.resolve("resume.db");
        List<String> scripts = new ArrayList<>(List.of("CREATE TABLE a (x INTEGER);"));
        try (Connection c = open(file)) {
            assertEquals(1, new Migrations(scripts).apply(c, file));
            scripts.add("CREATE TABLE b (y TEXT);\nINSERT INTO a VALUES (2);");
            scripts.add("CREATE TABLE c (z TEXT);");
            // 001 must not run again: it would fail with "table a already exists"
            assertEquals(3, new Migrations(scripts).apply(c, file));
            assertEquals(1, count(c, "SELECT count(*) FROM a"));
            assertEquals(1, count(c, "SELECT count(*) FROM sqlite_master WHERE name = 'c'"));
        }
    }

    @Test
    void failingMigrationIsRolledBackAndNamed() throws Exception {
        Path file = tmp.resolve("broken.db");
        Migrations migrations = new Migrations(List.of("CREATE TABLE a (x INTEGER);",
                "CREATE TABLE b (y TEXT);\nINSERT INTO no_such_table VALUES (1);"));
        try (Connection c = open(file)) {
            SQLException e = assertThrows(SQLException.class, () -> migrations.apply(c, file));
            assertTrue(e.getMessage().startsWith("migration 002.sql failed on " + file), e.getMessage());
            assertTrue(e.getMessage().contains("no_such_table"), e.getMessage());
            assertTrue(e.getMessage().contains("stays at schema version 1"), e.getMessage());
            assertEquals(1, Migrations.userVersion(c));
            assertEquals(0, count(c, "SELECT count(*) FROM sqlite_master WHERE name = 'b'"), "table of the failed migration rolled back");
            assertTrue(c.getAutoCommit());
            exec(c, "INSERT INTO a VALUES (1)"); // no transaction left open
        }
    }

    @Test
    void schemaNewerThanTheCodeIsRefusedAndTheFileLeftAlone() throws Exception {
        Path file = tmp.resolve("newer.db");
        try (Connection c = open(file)) {
            exec(c, "PRAGMA user_version = 7");
            SchemaTooNewException e = assertThrows(SchemaTooNewException.class, () -> Migrations.bundled().apply(c, file));
            assertEquals(7, e.found());
            assertEquals(1, e.supported());
            assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
            assertTrue(e.getMessage().contains("schema version 7"), e.getMessage());
            assertTrue(e.getMessage().contains("at most version 1"), e.getMessage());
            assertTrue(e.getMessage().contains("move the file away"), e.getMessage());
            assertEquals(7, Migrations.userVersion(c));
            assertEquals(0, count(c, "SELECT count(*) FROM sqlite_master"), "nothing created");
        }
    }

    @Test
    void scriptsRunEveryStatementIncludingTriggersAndLiterals() throws Exception {
        Path file = tmp.resolve("script.db");
        try (Connection c = open(file)) {
            Migrations.execScript(c, "CREATE TABLE a (x TEXT DEFAULT 'semi;colon');\n-- a comment; with a semicolon\n"
                    + "CREATE TABLE log (x TEXT);\n"
                    + "CREATE TRIGGER a_log AFTER INSERT ON a BEGIN INSERT INTO log VALUES (NEW.x); INSERT INTO log VALUES ('2'); END;\n"
                    + "INSERT INTO a DEFAULT VALUES;");
            assertEquals(2, count(c, "SELECT count(*) FROM log"));
        }
    }

    static Connection open(Path file) throws SQLException {
        return new SQLiteConfig().createConnection("jdbc:sqlite:" + file);
    }

    static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static int count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getInt(1);
        }
    }

    private static List<String> columns(Connection c, String table) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("PRAGMA table_info(" + table + ")")) {
            while (r.next()) {
                names.add(r.getString("name"));
            }
        }
        return names;
    }
}
