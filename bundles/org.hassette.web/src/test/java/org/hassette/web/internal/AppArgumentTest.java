package org.hassette.web.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class AppArgumentTest {

    @Test
    void allStarAndNothingMeanEveryApp() {
        assertTrue(AppArgument.meansAll(null));
        assertTrue(AppArgument.meansAll("*"));
        assertTrue(AppArgument.meansAll("all"));
        assertTrue(AppArgument.meansAll("ALL"));
        assertFalse(AppArgument.meansAll("app:all~x"));
        assertFalse(AppArgument.meansAll(""));
    }

    @Test
    void gogosExpansionOfAnUnquotedStarIsRecognised() {
        // what Gogo passes for an unquoted * in a folder holding these files
        String expanded = "[\"README.md\" \"apps\" \"pom.xml\"]";
        assertTrue(AppArgument.looksGlobExpanded(expanded));
        assertTrue(AppArgument.looksGlobExpanded("README.md pom.xml"));
        assertFalse(AppArgument.looksGlobExpanded("app:org.example.porch~front"));
        assertFalse(AppArgument.looksGlobExpanded("org.hassette.bus"));
        assertEquals("'" + expanded + "' is not an app id: an unquoted * was expanded to file names; use all (or a quoted '*') for every app;"
                + " known apps: app:a, app:b", AppArgument.unknownAppMessage(expanded, List.of("app:a", "app:b")));
    }

    @Test
    void anUnknownIdIsNamedWithTheKnownOnes() {
        assertEquals("no app 'app:nope'; known apps: app:a, app:b (use all (or a quoted '*') for every app)",
                AppArgument.unknownAppMessage("app:nope", List.of("app:a", "app:b")));
        assertEquals("no app 'app:nope'; known apps: none (use all (or a quoted '*') for every app)",
                AppArgument.unknownAppMessage("app:nope", List.of()));
    }
}
