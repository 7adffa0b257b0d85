package org.hassette.webconsole.internal;

import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/** Bits shared by the tabs. */
final class ConsolePage {
    static final String CATEGORY = "Hassette";
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

    private ConsolePage() {
    }

    /** The tab's own URL: the console's plugin root when it tells us, else the request's path. */
    static String pluginRoot(HttpServletRequest req) {
        Object root = req.getAttribute("felix.webconsole.pluginRoot");
        return root != null ? root.toString() : req.getRequestURI();
    }

    static String time(Instant t) {
        return t == null ? "-" : TIME.format(t);
    }

    static String in(Instant t) {
        return t == null ? "-" : "in " + Math.max(0, Duration.between(Instant.now(), t).toSeconds()) + " s";
    }

    /** One paragraph of the console's status line style. */
    static String statline(String text) {
        return "<p class='statline ui-state-highlight'>" + Html.esc(text) + "</p>\n";
    }

    static String unavailable(String what, String resource) {
        return statline(what + " is not available right now: resource '" + resource + "' is not ready (see the Hassette tab or hassette:why "
                + resource + ").");
    }
}
