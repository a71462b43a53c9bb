package dev.actiongate.agent.records;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one JSON form records are hashed in: keys sorted at every level, no insignificant
 * whitespace, UTF-8. Writer and verifier both go through {@link #bytes}, so a record
 * re-serialised after parsing hashes to the same bytes. Written with a streaming generator
 * rather than data binding because every governed call pays for it.
 */
public final class CanonicalJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder().build();
    private static final JsonFactory FACTORY = MAPPER.getFactory();

    private CanonicalJson() {
    }

    /** The canonical bytes of a record made of maps, collections, strings, numbers, booleans and nulls. */
    public static byte[] bytes(Map<String, ?> record) {
        ByteArrayBuilder out = new ByteArrayBuilder(1024);
        try (JsonGenerator generator = FACTORY.createGenerator(out)) {
            write(generator, record);
        } catch (IOException e) {
            throw new UncheckedIOException("record cannot be written as JSON", e);
        }
        return out.toByteArray();
    }

    private static void write(JsonGenerator generator, Object value) throws IOException {
        if (value == null) {
            generator.writeNull();
        } else if (value instanceof String s) {
            generator.writeString(s);
        } else if (value instanceof Map<?, ?> map) {
            Object[] keys = map.keySet().toArray();
            if (!sorted(keys)) {
                Arrays.sort(keys, (a, b) -> a.toString().compareTo(b.toString()));
            }
            generator.writeStartObject();
            for (Object key : keys) {
                generator.writeFieldName(key.toString());
                write(generator, map.get(key));
            }
            generator.writeEndObject();
        } else if (value instanceof Collection<?> items) {
            generator.writeStartArray();
            for (Object item : items) {
                write(generator, item);
            }
            generator.writeEndArray();
        } else if (value instanceof Boolean b) {
            generator.writeBoolean(b);
        } else if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            generator.writeNumber(((Number) value).longValue());
        } else if (value instanceof Number n) {
            generator.writeNumber(n.doubleValue());
        } else {
            generator.writeString(value.toString());
        }
    }

    /** Records the agent builds already list their fields in order; checking is cheaper than sorting. */
    private static boolean sorted(Object[] keys) {
        for (int i = 1; i < keys.length; i++) {
            if (keys[i - 1].toString().compareTo(keys[i].toString()) > 0) {
                return false;
            }
        }
        return true;
    }

    /** Parses one JSON Lines record, keeping field order. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parse(String line) throws JsonProcessingException {
        return MAPPER.readValue(line, LinkedHashMap.class);
    }
}
