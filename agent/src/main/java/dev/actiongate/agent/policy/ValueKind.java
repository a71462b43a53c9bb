package dev.actiongate.agent.policy;

import com.fasterxml.jackson.databind.ser.std.BeanSerializerBase;
import java.util.Collection;
import java.util.Map;

/** How a value that is not a scalar is converted, and what kind of value a cut of it is. */
enum ValueKind {
    /** A collection or an array: a list, converted item by item. */
    LIST,
    /** A map: converted entry by entry. */
    MAP,
    /** A record Jackson writes by its components: a map, converted property by property, at once. */
    RECORD,
    /** Any other object Jackson writes by its getters: a map whose properties are read when asked for. */
    LAZY,
    /** Anything else (a date, a byte array, a type with a serializer of its own): written by Jackson. */
    JACKSON;

    private static final ClassValue<ValueKind> BY_CLASS = new ClassValue<>() {
        @Override
        protected ValueKind computeValue(Class<?> type) {
            try {
                if (PolicyValues.mapper().getSerializerProviderInstance().findValueSerializer(type)
                        instanceof BeanSerializerBase) {
                    return type.isRecord() ? RECORD : LAZY;
                }
                return JACKSON;
            } catch (Exception e) {
                // Jackson cannot even say how it would write it: read what is asked for, nothing more
                return LAZY;
            }
        }
    };

    static ValueKind of(Object value) {
        if (value instanceof Collection<?> || value instanceof Object[]) {
            return LIST;
        }
        if (value instanceof Map<?, ?>) {
            return MAP;
        }
        return BY_CLASS.get(value.getClass());
    }
}
