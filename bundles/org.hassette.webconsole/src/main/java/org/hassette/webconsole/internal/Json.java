package org.hassette.webconsole.internal;

/** A minimal JSON writer for the status dump: strings escaped, commas placed. */
final class Json {
    private final StringBuilder b = new StringBuilder();
    private boolean needComma;

    Json open(char bracket) {
        comma();
        b.append(bracket);
        needComma = false;
        return this;
    }

    Json close(char bracket) {
        b.append(bracket);
        needComma = true;
        return this;
    }

    Json key(String key) {
        comma();
        string(key);
        b.append(':');
        needComma = false;
        return this;
    }

    Json value(Object v) {
        comma();
        if (v == null) {
            b.append("null");
        } else if (v instanceof Boolean || v instanceof Number) {
            b.append(v);
        } else {
            string(v.toString());
        }
        needComma = true;
        return this;
    }

    private void comma() {
        if (needComma) {
            b.append(',');
        }
    }

    private void string(String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '<' -> b.append("\\u003c"); // safe inside an HTML page too
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }

    @Override
    public String toString() {
        return b.toString();
    }
}
