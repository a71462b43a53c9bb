package dev.actiongate.agent.policy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.actiongate.agent.config.AgentConfig.ArgumentLimits;
import dev.cel.common.values.NullValue;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns a call's arguments into what a CEL condition can read: strings, 64-bit integers,
 * doubles, booleans, null, lists and string-keyed maps. Collections, maps, arrays,
 * {@code Optional} and records are converted element by element; values Jackson writes as
 * scalars ({@code java.time}, {@code UUID}, {@code BigDecimal}, ...) go through Jackson; any
 * other object is a {@link BeanProperties} map whose properties are read only when a condition
 * asks for them. Common scalars take a shortcut so that an allowed call stays cheap: a call whose
 * arguments are all scalars allocates nothing but the map of them.
 *
 * <p>A call's conversion works within the budget of {@link ArgumentLimits}, and never follows a
 * cycle ({@link ArgumentConversion}); what it does not convert is a {@link Cut}, which fails the
 * conditions that read it.
 */
public final class PolicyValues {

    /**
     * Jackson's data binding, for the arguments that are not common scalars. Built on first need,
     * not with this class: a service whose governed methods take strings and numbers never pays
     * for it, and the first call of one that does pays once, not every JVM start.
     */
    static ObjectMapper mapper() {
        return Mapper.INSTANCE;
    }

    private static final class Mapper {

        static final ObjectMapper INSTANCE = JsonMapper.builder()
                .addModule(new Jdk8Module())
                .addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .build();
    }

    /** What a condition sees for a Java {@code null}. */
    public static final Object NULL = NullValue.NULL_VALUE;

    /** What {@link #scalar} returns for a value that is not one. */
    static final Object NOT_SCALAR = new Object();

    private PolicyValues() {}

    /**
     * The CEL variable {@code args} of one call: parameter name to converted value.
     *
     * @param action the call's action, named by the message of a budget it exceeds
     */
    public static Map<String, Object> arguments(String action, String[] names, Object[] values, ArgumentLimits limits) {
        Arguments arguments = new Arguments(names.length * 2);
        ArgumentConversion conversion = null;
        for (int i = 0; i < names.length && i < values.length; i++) {
            Object value = scalar(values[i]);
            if (value == NOT_SCALAR) {
                if (conversion == null) {
                    conversion = new ArgumentConversion(action, limits);
                    arguments.conversion = conversion;
                }
                value = conversion.convert(values[i], "args." + names[i], 0);
            }
            arguments.put(names[i], value);
        }
        return arguments;
    }

    /**
     * Why the conversion of {@code arguments} (made by {@link #arguments}) was cut short by its
     * budget, naming the limit; {@code null} when it was not.
     */
    public static String cutShort(Map<String, Object> arguments) {
        return arguments instanceof Arguments converted && converted.conversion != null
                ? converted.conversion.exhausted()
                : null;
    }

    /** Converts one value on its own, within the default budget. */
    public static Object of(Object value) {
        Object scalar = scalar(value);
        return scalar != NOT_SCALAR
                ? scalar
                : new ArgumentConversion("a value", ArgumentLimits.DEFAULT).convert(value, "value", 0);
    }

    /** A scalar as a condition sees it, or {@link #NOT_SCALAR}. */
    static Object scalar(Object value) {
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
        if (value instanceof Character) {
            return value.toString();
        }
        if (value instanceof Enum<?> e) {
            return e.name();
        }
        return NOT_SCALAR;
    }

    /**
     * Reads in {@code fresh} whatever conditions read in {@code seen}, an earlier conversion of the
     * same call's arguments, so that the two compare as the policy saw the call.
     */
    public static void readLike(Map<String, Object> fresh, Map<String, Object> seen) {
        BeanProperties.readLike(fresh, seen);
    }

    /** A call's converted arguments, and the conversion whose budget its lazy reads draw on. */
    private static final class Arguments extends LinkedHashMap<String, Object> {

        /** {@code null} while every argument is a scalar. */
        private ArgumentConversion conversion;

        Arguments(int capacity) {
            super(capacity);
        }
    }
}
