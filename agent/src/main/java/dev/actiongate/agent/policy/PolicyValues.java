package dev.actiongate.agent.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.ser.std.BeanSerializerBase;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.cel.common.values.NullValue;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a method argument into what a CEL condition can read: strings, 64-bit integers,
 * doubles, booleans, null, lists and string-keyed maps. Collections, maps, arrays and
 * {@code Optional} are converted element by element; records, and values Jackson writes as
 * scalars ({@code java.time}, {@code UUID}, {@code BigDecimal}, ...), go through Jackson whole;
 * any other object is a {@link BeanProperties} map whose properties are read only when a
 * condition asks for them. Common scalars take a shortcut so that an allowed call stays cheap.
 */
public final class PolicyValues {

    static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new Jdk8Module())
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .build();

    /** What a condition sees for a Java {@code null}. */
    public static final Object NULL = NullValue.NULL_VALUE;

    /** Deeper than this, a value is a string saying so: a collection may contain itself. */
    private static final int MAX_DEPTH = 64;

    /** Whether Jackson would write a type by its getters: those are read on demand instead. */
    private static final ClassValue<Boolean> BEANS = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            if (type.isRecord()) {
                return false;
            }
            try {
                return MAPPER.getSerializerProviderInstance().findValueSerializer(type) instanceof BeanSerializerBase;
            } catch (Exception e) {
                // Jackson cannot even say how it would write it: read what is asked for, nothing more
                return true;
            }
        }
    };

    private PolicyValues() {}

    /**
     * Converts {@code value}. A value Jackson cannot convert (a getter that throws, a cycle
     * inside a record) becomes a string naming the problem, so a condition that reads into it
     * fails and denies while a condition that ignores it still decides.
     */
    public static Object of(Object value) {
        return of(value, 0);
    }

    private static Object of(Object value, int depth) {
        if (value == null) {
            return NULL;
        }
        if (value instanceof String || value instanceof Boolean || value instanceof Long || value instanceof Double) {
            return value;
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof Float f) {
            return f.doubleValue();
        }
        if (value instanceof Character || value instanceof CharSequence) {
            return value.toString();
        }
        if (value instanceof Enum<?> e) {
            return e.name();
        }
        if (depth >= MAX_DEPTH) {
            return "<nested deeper than " + MAX_DEPTH + ">";
        }
        if (value instanceof Optional<?> optional) {
            return optional.isPresent() ? of(optional.get(), depth + 1) : NULL;
        }
        if (value instanceof Collection<?> collection) {
            List<Object> list = new ArrayList<>(collection.size());
            for (Object item : collection) {
                list.add(of(item, depth + 1));
            }
            return list;
        }
        if (value instanceof Object[] array) {
            List<Object> list = new ArrayList<>(array.length);
            for (Object item : array) {
                list.add(of(item, depth + 1));
            }
            return list;
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> converted = new LinkedHashMap<>(Math.max(4, map.size() * 2));
            map.forEach((key, item) ->
                    converted.put(key instanceof Enum<?> e ? e.name() : String.valueOf(key), of(item, depth + 1)));
            return converted;
        }
        if (BEANS.get(value.getClass())) {
            return BeanProperties.of(value);
        }
        try {
            return fromJson(MAPPER.valueToTree(value));
        } catch (RuntimeException e) {
            return "<unconvertible " + value.getClass().getName() + ": " + e.getMessage() + ">";
        }
    }

    /**
     * Reads in {@code fresh} whatever conditions read in {@code seen}, an earlier conversion of the
     * same call's arguments, so that the two compare as the policy saw the call.
     */
    public static void readLike(Map<String, Object> fresh, Map<String, Object> seen) {
        BeanProperties.readLike(fresh, seen);
    }

    private static Object fromJson(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return NULL;
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isIntegralNumber()) {
            return node.canConvertToLong() ? (Object) node.longValue() : (Object) node.doubleValue();
        }
        if (node.isNumber()) {
            return node.doubleValue();
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>(node.size());
            node.forEach(item -> list.add(fromJson(item)));
            return list;
        }
        if (node.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                map.put(field.getKey(), fromJson(field.getValue()));
            }
            return map;
        }
        return node.asText();
    }
}
