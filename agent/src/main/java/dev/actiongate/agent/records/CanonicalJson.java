package dev.actiongate.agent.records;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
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
        Writer writer = WRITER.get();
        try {
            write(writer.generator, record);
            writer.generator.flush();
            return writer.out.toByteArray();
        } catch (IOException | RuntimeException e) {
            // A generator left mid-record must not write the next one: start afresh.
            WRITER.remove();
            if (e instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new UncheckedIOException("record cannot be written as JSON", (IOException) e);
        } finally {
            writer.out.reset();
        }
    }

    /**
     * A generator per thread, kept open across records: creating one costs more than writing a
     * small record. Records are written one after another with no separator between them.
     */
    private static final class Writer {
        final ByteArrayBuilder out = new ByteArrayBuilder(1024);
        final JsonGenerator generator;

        Writer() {
            try {
                generator = FACTORY.createGenerator(out);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            generator.setRootValueSeparator(null);
        }
    }

    private static final ThreadLocal<Writer> WRITER = ThreadLocal.withInitial(Writer::new);

    private static void write(JsonGenerator generator, Object value) throws IOException {
        if (value == null) {
            generator.writeNull();
        } else if (value instanceof String s) {
            generator.writeString(s);
        } else if (value instanceof SerializableString s) {
            // A value every record repeats, escaped and encoded once: the same bytes as its string.
            generator.writeString(s);
        } else if (value instanceof Map<?, ?> map) {
            generator.writeStartObject();
            if (sorted(map)) {
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    generator.writeFieldName(entry.getKey().toString());
                    write(generator, entry.getValue());
                }
            } else {
                Object[] keys = map.keySet().toArray();
                Arrays.sort(keys, (a, b) -> a.toString().compareTo(b.toString()));
                for (Object key : keys) {
                    generator.writeFieldName(key.toString());
                    write(generator, map.get(key));
                }
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
    private static boolean sorted(Map<?, ?> map) {
        String previous = null;
        for (Object key : map.keySet()) {
            String current = key.toString();
            if (previous != null && previous.compareTo(current) > 0) {
                return false;
            }
            previous = current;
        }
        return true;
    }

    /**
     * {@code text} as a record value that many records repeat (a method's signature, the policy's
     * hash): written as the same JSON string, with its escaping and encoding done once.
     */
    public static Object constant(String text) {
        // Pre-encoding is byte-identical to the generator's own for ASCII; beyond it (surrogate
        // pairs, for one) the two differ, and the hash must not depend on the path taken.
        return text == null || !text.chars().allMatch(c -> c < 0x80) ? text : new SerializedString(text);
    }

    /** Parses one JSON Lines record, keeping field order. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parse(String line) throws JsonProcessingException {
        return MAPPER.readValue(line, LinkedHashMap.class);
    }
}
