package dev.actiongate.agent.policy;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.AnnotatedField;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.util.ClassUtil;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a class's properties are read: Jackson's view of its getters (a record's accessors), in
 * Jackson's order, and the fields of the same names behind them. Found once per class.
 *
 * @param getters property name to the member that reads it
 * @param fields  property name to the field of that name, where the JVM lets it be read
 */
record PropertyAccessors(Map<String, AnnotatedMember> getters, Map<String, AnnotatedField> fields) {

    private static final ClassValue<PropertyAccessors> BY_CLASS = new ClassValue<>() {
        @Override
        protected PropertyAccessors computeValue(Class<?> type) {
            return find(type);
        }
    };

    static PropertyAccessors of(Class<?> type) {
        return BY_CLASS.get(type);
    }

    private static PropertyAccessors find(Class<?> type) {
        ObjectMapper mapper = PolicyValues.mapper();
        BeanDescription description = mapper.getSerializationConfig().introspect(mapper.constructType(type));
        Map<String, AnnotatedMember> getters = new LinkedHashMap<>();
        Map<String, AnnotatedField> fields = new LinkedHashMap<>();
        for (BeanPropertyDefinition property : description.findProperties()) {
            AnnotatedMember getter = property.getAccessor();
            if (getter == null || !property.couldSerialize()) {
                continue;
            }
            try {
                ClassUtil.checkAndFixAccess(getter.getMember(), true);
                getters.put(property.getName(), getter);
            } catch (RuntimeException e) {
                continue;
            }
            AnnotatedField field = property.getField();
            if (field != null && field.getName().equals(property.getName())) {
                try {
                    ClassUtil.checkAndFixAccess(field.getMember(), true);
                    fields.put(property.getName(), field);
                } catch (RuntimeException e) {
                    // not readable here: shown only when a condition reads it
                }
            }
        }
        // Jackson's order, kept: a conversion cut short by its budget cuts at the same property every time
        return new PropertyAccessors(Collections.unmodifiableMap(getters), Collections.unmodifiableMap(fields));
    }
}
