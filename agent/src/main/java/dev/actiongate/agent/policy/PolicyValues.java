package dev.actiongate.agent.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.cel.common.values.NullValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a method argument into what a CEL condition can read: strings, 64-bit integers,
 * doubles, booleans, null, lists and string-keyed maps. Records, POJOs, collections, enums,
 * {@code Optional} and {@code java.time} values go through Jackson; common scalars take a
 * shortcut so that an allowed call stays cheap.
 */
public final class PolicyValues {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new Jdk8Module())
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .build();

    /** What a condition sees for a Java {@code null}. */
    public static final Object NULL = NullValue.NULL_VALUE;

    private PolicyValues() {
    }

    /**
     * Converts {@code value}. A value Jackson cannot convert (a cycle, a getter that throws)
     * becomes a string naming the problem, so a condition that reads into it fails and denies
     * while a condition that ignores it still decides.
     */
    public static Object of(Object value) {
        if (value == null) {
            return NULL;
        }
        if (value instanceof String || value instanceof Boolean || value instanceof Long || value instanceof Double) {
            return value;
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof Float) {
            return ((Float) value).doubleValue();
        }
        if (value instanceof Character || value instanceof CharSequence) {
            return value.toString();
        }
        if (value instanceof Enum<?> e) {
            return e.name();
        }
        try {
            return fromJson(MAPPER.valueToTree(value));
        } catch (RuntimeException e) {
            return "<unconvertible " + value.getClass().getName() + ": " + e.getMessage() + ">";
        }
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
