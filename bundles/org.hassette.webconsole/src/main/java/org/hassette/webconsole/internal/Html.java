package org.hassette.webconsole.internal;

import java.util.ArrayList;
import java.util.List;

/** HTML output with every piece of data escaped; only {@link Raw} fragments built here pass through. */
final class Html {
    private Html() {
    }

    /** Markup this bundle built itself (buttons, line breaks), inserted as is. */
    record Raw(String html) {
    }

    /** Escapes text for an HTML element body or a quoted attribute value. */
    static String esc(Object value) {
        if (value == null) {
            return "";
        }
        String s = value.toString();
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                case '/' -> b.append("&#47;");
                default -> {
                    if (c < 0x20 && c != '\n' && c != '\t') {
                        b.append(' '); // control characters have no business in a page
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }

    /** Lines of text, each escaped, joined with {@code <br>}. */
    static Raw lines(List<String> lines) {
        List<String> escaped = new ArrayList<>();
        for (String l : lines) {
            escaped.add(esc(l));
        }
        return new Raw(String.join("<br>", escaped));
    }

    /** A table in the Web Console's style; cells are escaped unless they are {@link Raw}. */
    static final class Table {
        private final StringBuilder b = new StringBuilder();

        Table(String id, String... header) {
            b.append("<table class='nicetable' id='").append(esc(id)).append("'><thead><tr>");
            for (String h : header) {
                b.append("<th>").append(esc(h)).append("</th>");
            }
            b.append("</tr></thead><tbody>\n");
        }

        Table row(Object... cells) {
            b.append("<tr>");
            for (Object c : cells) {
                b.append("<td>").append(c instanceof Raw r ? r.html() : esc(c)).append("</td>");
            }
            b.append("</tr>\n");
            return this;
        }

        @Override
        public String toString() {
            return b + "</tbody></table>\n";
        }
    }
}
