package dev.actiongate.agent.records;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one JSON form records are hashed in: keys sorted at every level, no insignificant
 * whitespace, UTF-8, strings escaped as Jackson escapes them. Writer and verifier both go
 * through {@link #bytes}, so a record re-serialised after parsing hashes to the same bytes.
 *
 * <p>Every governed call pays for this, so the common case is written by hand: a string of
 * printable ASCII without quotes or backslashes is its own bytes between quotes. Any other
 * string, and any non-integral number, goes through Jackson's generator, so there is exactly
 * one escaping and number format, Jackson's, whichever path a value takes.
 *
 * <p>Only Jackson's streaming core is used, never its data binding: this class is loaded while
 * the agent starts on the application's main thread, where building an {@code ObjectMapper}
 * cost a quarter of a second.
 */
public final class CanonicalJson {

    private static final JsonFactory FACTORY = new JsonFactory();
    private static final byte[] NULL = {'n', 'u', 'l', 'l'};
    private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
    private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};

    private CanonicalJson() {}

    /** The canonical bytes of a record made of maps, collections, strings, numbers, booleans and nulls. */
    public static byte[] bytes(Map<String, ?> record) {
        Writer writer = WRITER.get();
        writer.length = 0;
        writer.value(record);
        return Arrays.copyOf(writer.buffer, writer.length);
    }

    /**
     * A value many records repeat (a method's signature, the policy's hash), encoded once: written
     * as the same JSON string as {@code text} itself, and {@link #toString()} is {@code text}.
     */
    public static Object constant(String text) {
        if (text == null) {
            return null;
        }
        Writer writer = new Writer();
        writer.string(text);
        return new Encoded(text, Arrays.copyOf(writer.buffer, writer.length));
    }

    /** {@code name} as a field name: its JSON string and the colon after it. */
    static byte[] fieldName(String name) {
        Writer writer = new Writer();
        writer.string(name);
        writer.ensure(1);
        writer.buffer[writer.length++] = ':';
        return Arrays.copyOf(writer.buffer, writer.length);
    }

    /** A string already in its JSON form, quotes included. */
    private record Encoded(String text, byte[] json) {

        @Override
        public String toString() {
            return text;
        }
    }

    /** A growing buffer per thread: records are written one after another on the thread that makes them. */
    private static final ThreadLocal<Writer> WRITER = ThreadLocal.withInitial(Writer::new);

    private static final class Writer {

        byte[] buffer = new byte[1024];
        int length;
        /** Jackson, for the strings and numbers the fast path leaves alone; made on first need. */
        private ByteArrayBuilder slowOut;

        private JsonGenerator slow;

        void value(Object value) {
            if (value == null) {
                put(NULL);
            } else if (value instanceof String s) {
                string(s);
            } else if (value instanceof Encoded e) {
                put(e.json());
            } else if (value instanceof SortedRecord record) {
                ensure(1);
                buffer[length++] = '{';
                for (int i = 0; i < record.fieldCount(); i++) {
                    if (i > 0) {
                        ensure(1);
                        buffer[length++] = ',';
                    }
                    put(record.field(i).json);
                    value(record.value(i));
                }
                ensure(1);
                buffer[length++] = '}';
            } else if (value instanceof PartlyRead partly) {
                // what was read, never more: reading is what costs
                value(partly.readSoFar());
            } else if (value instanceof Map<?, ?> map) {
                object(map);
            } else if (value instanceof Collection<?> items) {
                ensure(1);
                buffer[length++] = '[';
                boolean first = true;
                for (Object item : items) {
                    if (!first) {
                        ensure(1);
                        buffer[length++] = ',';
                    }
                    first = false;
                    value(item);
                }
                ensure(1);
                buffer[length++] = ']';
            } else if (value instanceof Boolean b) {
                put(b ? TRUE : FALSE);
            } else if (value instanceof Long
                    || value instanceof Integer
                    || value instanceof Short
                    || value instanceof Byte) {
                integral(((Number) value).longValue());
            } else if (value instanceof Number n) {
                viaJackson(n.doubleValue());
            } else {
                string(value.toString());
            }
        }

        private void object(Map<?, ?> map) {
            ensure(1);
            buffer[length++] = '{';
            boolean first = true;
            if (sorted(map)) {
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    first = field(first, entry.getKey().toString(), entry.getValue());
                }
            } else {
                Object[] keys = map.keySet().toArray();
                Arrays.sort(keys, (a, b) -> a.toString().compareTo(b.toString()));
                for (Object key : keys) {
                    first = field(first, key.toString(), map.get(key));
                }
            }
            ensure(1);
            buffer[length++] = '}';
        }

        private boolean field(boolean first, String key, Object value) {
            if (!first) {
                ensure(1);
                buffer[length++] = ',';
            }
            string(key, true);
            ensure(1);
            buffer[length++] = ':';
            value(value);
            return false;
        }

        void string(String s) {
            string(s, false);
        }

        private void string(String s, boolean fieldName) {
            int n = s.length();
            ensure(n + 2);
            int start = length;
            byte[] b = buffer;
            int at = start;
            b[at++] = '"';
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                if (c < 0x20 || c > 0x7E || c == '"' || c == '\\') {
                    // Jackson writes half a surrogate pair as an escape, but refuses to read one back in a
                    // field name: a record with such a key (an application's map) could never be verified.
                    viaJackson(fieldName ? WholeCharacters.of(s) : s);
                    return;
                }
                b[at++] = (byte) c;
            }
            b[at++] = '"';
            length = at;
        }

        private void integral(long value) {
            if (value < 0) {
                // Long.MIN_VALUE has no positive counterpart: the JDK's text, rarely needed
                put(Long.toString(value).getBytes(StandardCharsets.US_ASCII));
                return;
            }
            int digits = 1;
            for (long rest = value / 10; rest > 0; rest /= 10) {
                digits++;
            }
            ensure(digits);
            long rest = value;
            for (int i = length + digits - 1; i >= length; i--) {
                buffer[i] = (byte) ('0' + rest % 10);
                rest /= 10;
            }
            length += digits;
        }

        private void viaJackson(Object value) {
            try {
                if (slow == null) {
                    slowOut = new ByteArrayBuilder(256);
                    slow = FACTORY.createGenerator(slowOut);
                    // one root value after another, nothing between them
                    slow.setRootValueSeparator(null);
                }
                if (value instanceof String s) {
                    slow.writeString(s);
                } else {
                    slow.writeNumber((Double) value);
                }
                slow.flush();
                put(slowOut.toByteArray());
            } catch (IOException | RuntimeException e) {
                // A generator left mid-value must not write the next one: start afresh.
                slow = null;
                if (e instanceof RuntimeException runtime) {
                    throw runtime;
                }
                throw new UncheckedIOException("record cannot be written as JSON", (IOException) e);
            } finally {
                if (slowOut != null) {
                    slowOut.reset();
                }
            }
        }

        private void put(byte[] bytes) {
            ensure(bytes.length);
            System.arraycopy(bytes, 0, buffer, length, bytes.length);
            length += bytes.length;
        }

        void ensure(int more) {
            if (length + more > buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + more));
            }
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
     * Parses one JSON Lines record, keeping field order: objects become {@code LinkedHashMap}s
     * (a repeated key keeps its last value), arrays {@code ArrayList}s, integers the smallest of
     * {@code Integer}, {@code Long} and {@code BigInteger} that holds them, other numbers
     * {@code Double}s. Anything after the record is refused.
     */
    public static Map<String, Object> parse(String line) throws JsonProcessingException {
        try (JsonParser parser = FACTORY.createParser(line)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new JsonParseException(parser, "a record must be a JSON object");
            }
            Map<String, Object> record = object(parser);
            if (parser.nextToken() != null) {
                throw new JsonParseException(parser, "more text after the record");
            }
            return record;
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            // a String source cannot fail to read; anything else is a parse error
            throw new JsonParseException(null, e.getMessage(), e);
        }
    }

    private static Map<String, Object> object(JsonParser parser) throws IOException {
        Map<String, Object> object = new LinkedHashMap<>();
        for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
            parser.nextToken();
            object.put(name, value(parser));
        }
        return object;
    }

    private static Object value(JsonParser parser) throws IOException {
        JsonToken token = parser.currentToken();
        return switch (token) {
            case START_OBJECT -> object(parser);
            case START_ARRAY -> {
                List<Object> items = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    items.add(value(parser));
                }
                yield items;
            }
            case VALUE_STRING -> parser.getText();
            case VALUE_NUMBER_INT -> parser.getNumberValue();
            case VALUE_NUMBER_FLOAT -> parser.getDoubleValue();
            case VALUE_TRUE -> true;
            case VALUE_FALSE -> false;
            case VALUE_NULL -> null;
            default -> throw new JsonParseException(parser, "unexpected " + token);
        };
    }
}
