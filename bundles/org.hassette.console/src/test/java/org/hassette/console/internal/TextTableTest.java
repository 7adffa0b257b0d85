package org.hassette.console.internal;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class TextTableTest {
    @Test
    void columnsAreAlignedToTheWidestCellAndTheLastIsNotPadded() {
        String table = new TextTable("NAME", "STATUS", "REASON").row("database", "running", "ok").row("ws", "failed", "auth_invalid: token rejected").toString();
        assertEquals("NAME      STATUS   REASON\n"
                + "database  running  ok\n"
                + "ws        failed   auth_invalid: token rejected\n", table);
    }

    @Test
    void newlinesInCellsDoNotBreakRows() {
        assertEquals("A  B\nx  one two\n", new TextTable("A", "B").row("x", "one\ntwo").toString());
    }

    @Test
    void wrongNumberOfCellsIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new TextTable("A", "B").row("x"));
    }
}
