package org.hassette.web.internal;

import java.util.Collection;

/**
 * The "which app" argument of {@code hassette:executions}, {@code hassette:logs} and the HTTP API's
 * executions and logs endpoints: {@code all} or {@code *} for every app, else an app id. An unknown
 * id, or what an unquoted {@code *} becomes in Gogo (the file names of the platform's working folder,
 * as {@code ["README.md" "apps" ...]}), is an error naming it and the known apps, never an empty answer.
 */
final class AppArgument {
    static final String ALL_HINT = "use all (or a quoted '*') for every app";

    private AppArgument() {
    }

    /** True for no argument, {@code all} and {@code *}. */
    static boolean meansAll(String value) {
        return value == null || value.equals("*") || value.equalsIgnoreCase("all");
    }

    /** True when Gogo expanded an unquoted glob to file names: a list, or names with spaces between them. */
    static boolean looksGlobExpanded(String value) {
        String v = value.strip();
        return (v.startsWith("[") && v.endsWith("]")) || v.chars().anyMatch(Character::isWhitespace);
    }

    /** One line naming what was given, what is known, and what to write instead. */
    static String unknownAppMessage(String value, Collection<String> knownAppIds) {
        String known = knownAppIds.isEmpty() ? "none" : String.join(", ", knownAppIds);
        if (looksGlobExpanded(value)) {
            return "'" + value + "' is not an app id: an unquoted * was expanded to file names; " + ALL_HINT + "; known apps: " + known;
        }
        return "no app '" + value + "'; known apps: " + known + " (" + ALL_HINT + ")";
    }
}
