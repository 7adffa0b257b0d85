package org.hassette.websocket.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON to and from plain Java values with Jackson's streaming parser and generator (no databind):
 * objects become {@code LinkedHashMap}, arrays {@code ArrayList}, integers {@code Long} (or
 * {@code BigInteger}), other numbers {@code Double}.
 */
final class Json {
    static final JsonFactory FACTORY = JsonFactory.builder()
            // HA's frames can be tens of MB (get_states of a large home, megabytes of attributes)
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build())
            .build();

    private Json() {
    }

    /** Parses a whole UTF-8 document. */
    static Object parse(byte[] utf8, int offset, int length) throws IOException {
        try (JsonParser p = FACTORY.createParser(utf8, offset, length)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new IOException("empty document");
            }
            Object value = read(p);
            if (p.nextToken() != null) {
                throw new IOException("trailing content after the JSON value");
            }
            return value;
        }
    }

    /** Reads the value at the parser's current token (which must be set). */
    static Object read(JsonParser p) throws IOException {
        switch (p.currentToken()) {
            case START_OBJECT: {
                Map<String, Object> map = new LinkedHashMap<>();
                String name;
                while ((name = p.nextFieldName()) != null) {
                    p.nextToken();
                    map.put(name, read(p));
                }
                return map;
            }
            case START_ARRAY: {
                List<Object> list = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    list.add(read(p));
                }
                return list;
            }
            case VALUE_STRING:
                return p.getText();
            case VALUE_NUMBER_INT:
                return p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? p.getBigIntegerValue() : (Object) p.getLongValue();
            case VALUE_NUMBER_FLOAT:
                return p.getDoubleValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            default:
                throw new IOException("unexpected JSON token " + p.currentToken());
        }
    }

    /** Serializes plain Java values (maps, collections, arrays of objects, strings, numbers, booleans, null) as UTF-8. */
    static byte[] write(Object value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            write(g, value);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialize " + value.getClass().getName(), e);
        }
        return out.toByteArray();
    }

    static void write(JsonGenerator g, Object v) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof String) {
            g.writeString((String) v);
        } else if (v instanceof Boolean) {
            g.writeBoolean((Boolean) v);
        } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            g.writeNumber(((Number) v).longValue());
        } else if (v instanceof BigInteger) {
            g.writeNumber((BigInteger) v);
        } else if (v instanceof BigDecimal) {
            g.writeNumber((BigDecimal) v);
        } else if (v instanceof Number) {
            g.writeNumber(((Number) v).doubleValue());
        } else if (v instanceof Map) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                g.writeFieldName(String.valueOf(e.getKey()));
                write(g, e.getValue());
            }
            g.writeEndObject();
        } else if (v instanceof Collection) {
            g.writeStartArray();
            for (Object o : (Collection<?>) v) {
                write(g, o);
            }
            g.writeEndArray();
        } else if (v instanceof Object[]) {
            g.writeStartArray();
            for (Object o : (Object[]) v) {
                write(g, o);
            }
            g.writeEndArray();
        } else if (v instanceof Enum) {
            g.writeString(((Enum<?>) v).name().toLowerCase(java.util.Locale.ROOT));
        } else {
            g.writeString(v.toString());
        }
    }
}
