package org.hassette.simulator.internal;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;

/**
 * Compact JSON writer that produces the bytes Home Assistant's orjson encoder produces: no
 * whitespace, non-ASCII written as UTF-8, floats in Python {@code repr} form ({@code 16.0},
 * {@code 1763330292.444021}, {@code 1e-05}). Values are plain Java objects (Map, List, String,
 * Number, Boolean, null) plus the simulator's own {@link JsonValue} fragments.
 */
public final class JsonOut {

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private byte[] buf;
    private int len;

    public JsonOut() {
        this(256);
    }

    public JsonOut(int capacity) {
        buf = new byte[Math.max(16, capacity)];
    }

    /** A JSON fragment that knows how to write itself. */
    public interface JsonValue {
        void writeJson(JsonOut out);
    }

    public static byte[] toBytes(Object value) {
        JsonOut out = new JsonOut();
        out.value(value);
        return out.toBytes();
    }

    public static String toJsonString(Object value) {
        return new String(toBytes(value), StandardCharsets.UTF_8);
    }

    public byte[] toBytes() {
        return Arrays.copyOf(buf, len);
    }

    public int length() {
        return len;
    }

    public void reset() {
        len = 0;
    }

    private void ensure(int extra) {
        int need = len + extra;
        if (need > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(need, buf.length * 2));
        }
    }

    public JsonOut raw(byte[] bytes) {
        return raw(bytes, 0, bytes.length);
    }

    public JsonOut raw(byte[] bytes, int off, int n) {
        ensure(n);
        System.arraycopy(bytes, off, buf, len, n);
        len += n;
        return this;
    }

    /** Appends ASCII text verbatim (keys, punctuation, literals). */
    public JsonOut ascii(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[len++] = (byte) s.charAt(i);
        }
        return this;
    }

    public JsonOut ch(char c) {
        ensure(1);
        buf[len++] = (byte) c;
        return this;
    }

    public JsonOut num(long v) {
        if (v >= 0 && v < 10) {
            return ch((char) ('0' + v));
        }
        return ascii(Long.toString(v));
    }

    public JsonOut num(double v) {
        return ascii(PyFloat.repr(v));
    }

    /** Writes {@code "key":} for an ASCII key known not to need escaping. */
    public JsonOut key(String asciiKey) {
        ensure(asciiKey.length() + 3);
        buf[len++] = '"';
        for (int i = 0; i < asciiKey.length(); i++) {
            buf[len++] = (byte) asciiKey.charAt(i);
        }
        buf[len++] = '"';
        buf[len++] = ':';
        return this;
    }

    public JsonOut str(String s) {
        if (s == null) {
            return ascii("null");
        }
        ensure(s.length() + 2);
        buf[len++] = '"';
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
                ensure(1);
                buf[len++] = (byte) c;
            } else if (c < 0x80) {
                escapeAscii(c);
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                ensure(4);
                buf[len++] = (byte) (0xF0 | (cp >> 18));
                buf[len++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                buf[len++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                buf[len++] = (byte) (0x80 | (cp & 0x3F));
            } else if (c < 0x800) {
                ensure(2);
                buf[len++] = (byte) (0xC0 | (c >> 6));
                buf[len++] = (byte) (0x80 | (c & 0x3F));
            } else {
                ensure(3);
                buf[len++] = (byte) (0xE0 | (c >> 12));
                buf[len++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                buf[len++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        ensure(1);
        buf[len++] = '"';
        return this;
    }

    private void escapeAscii(char c) {
        ensure(6);
        buf[len++] = '\\';
        switch (c) {
            case '"': buf[len++] = '"'; break;
            case '\\': buf[len++] = '\\'; break;
            case '\n': buf[len++] = 'n'; break;
            case '\r': buf[len++] = 'r'; break;
            case '\t': buf[len++] = 't'; break;
            case '\b': buf[len++] = 'b'; break;
            case '\f': buf[len++] = 'f'; break;
            default:
                buf[len++] = 'u';
                buf[len++] = '0';
                buf[len++] = '0';
                buf[len++] = HEX[(c >> 4) & 0xF];
                buf[len++] = HEX[c & 0xF];
        }
    }

    public JsonOut value(Object v) {
        if (v == null) {
            return ascii("null");
        } else if (v instanceof String) {
            return str((String) v);
        } else if (v instanceof Boolean) {
            return ascii((Boolean) v ? "true" : "false");
        } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            return num(((Number) v).longValue());
        } else if (v instanceof Double || v instanceof Float) {
            return num(((Number) v).doubleValue());
        } else if (v instanceof BigInteger) {
            return ascii(v.toString());
        } else if (v instanceof BigDecimal) {
            return num(((BigDecimal) v).doubleValue());
        } else if (v instanceof JsonValue) {
            ((JsonValue) v).writeJson(this);
            return this;
        } else if (v instanceof byte[]) {
            return raw((byte[]) v);
        } else if (v instanceof Map) {
            return object((Map<?, ?>) v);
        } else if (v instanceof Collection) {
            return array((Collection<?>) v);
        } else if (v instanceof Object[]) {
            return array(Arrays.asList((Object[]) v));
        }
        return str(v.toString());
    }

    public JsonOut object(Map<?, ?> map) {
        ch('{');
        Iterator<? extends Map.Entry<?, ?>> it = map.entrySet().iterator();
        boolean first = true;
        while (it.hasNext()) {
            Map.Entry<?, ?> e = it.next();
            if (!first) {
                ch(',');
            }
            first = false;
            str(String.valueOf(e.getKey()));
            ch(':');
            value(e.getValue());
        }
        return ch('}');
    }

    public JsonOut array(Collection<?> list) {
        ch('[');
        boolean first = true;
        for (Object o : list) {
            if (!first) {
                ch(',');
            }
            first = false;
            value(o);
        }
        return ch(']');
    }
}
