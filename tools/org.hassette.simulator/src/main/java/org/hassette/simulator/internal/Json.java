package org.hassette.simulator.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/** Parses JSON into plain Java values (LinkedHashMap, ArrayList, String, Integer/Long/BigInteger, Double, Boolean, null). */
public final class Json {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private Json() {
    }

    public static Object parse(byte[] bytes, int len) throws JsonProcessingException {
        try {
            return MAPPER.readValue(bytes, 0, len, Object.class);
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            throw new JsonProcessingException(e.getMessage()) {
                private static final long serialVersionUID = 1L;
            };
        }
    }

    public static Object parse(byte[] bytes) throws JsonProcessingException {
        return parse(bytes, bytes.length);
    }
}
