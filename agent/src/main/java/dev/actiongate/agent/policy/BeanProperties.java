package dev.actiongate.agent.policy;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.AnnotatedField;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.util.ClassUtil;
import dev.actiongate.agent.records.PartlyRead;
import java.lang.reflect.InvocationTargetException;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * An argument object that is neither plain data (a record, a collection, a scalar) nor a value
 * Jackson writes as one (a date, a URI), seen by a condition as a map of its properties, each read
 * the first time a condition asks for it. A library's objects (a {@code MimeMessage}, an entity
 * with lazy associations) have getters that do I/O, fail or change state; reading only what a
 * condition names keeps a call's cost and side effects to what its policy looks at.
 *
 * <p>Property names are Jackson's, as for whole conversion. A getter that throws makes the
 * condition that read it fail, so that the rule denies, naming itself. Used by one thread, the
 * one deciding the call.
 */
final class BeanProperties extends AbstractMap<String, Object> implements PartlyRead {

    /** How a class's properties are read: Jackson's view of its getters, and the fields behind them. */
    private record Accessors(Map<String, AnnotatedMember> getters, Map<String, AnnotatedField> fields) {}

    private static final ClassValue<Accessors> ACCESSORS = new ClassValue<>() {
        @Override
        protected Accessors computeValue(Class<?> type) {
            return accessorsOf(type);
        }
    };

    private final Object bean;
    private final Accessors accessors;
    private final Map<String, Object> read = new LinkedHashMap<>();

    private BeanProperties(Object bean) {
        this.bean = bean;
        this.accessors = ACCESSORS.get(bean.getClass());
    }

    static BeanProperties of(Object bean) {
        return new BeanProperties(bean);
    }

    @Override
    public boolean containsKey(Object key) {
        return accessors.getters().containsKey(key);
    }

    /** A property whose getter threw: every later read fails the same way, and records show the text. */
    private record Unreadable(String text, IllegalStateException error) {}

    @Override
    public Object get(Object key) {
        if (read.containsKey(key)) {
            Object known = read.get(key);
            if (known instanceof Unreadable unreadable) {
                throw unreadable.error();
            }
            return known;
        }
        AnnotatedMember getter = accessors.getters().get(key);
        if (getter == null) {
            return null;
        }
        Object value;
        try {
            value = PolicyValues.of(getter.getValue(bean));
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() instanceof InvocationTargetException target ? target.getCause() : e;
            IllegalStateException error = new IllegalStateException(
                    "property '" + key + "' of " + bean.getClass().getName() + " could not be read: " + cause, cause);
            read.put((String) key, new Unreadable("<unreadable: " + cause + ">", error));
            throw error;
        }
        read.put((String) key, value);
        return value;
    }

    /** Every property, each read: what a condition that iterates or compares the whole object asks for. */
    @Override
    public Set<Entry<String, Object>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, Object>> iterator() {
                Iterator<String> names = accessors.getters().keySet().iterator();
                return new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return names.hasNext();
                    }

                    @Override
                    public Entry<String, Object> next() {
                        String name = names.next();
                        return new SimpleImmutableEntry<>(name, get(name));
                    }
                };
            }

            @Override
            public int size() {
                return accessors.getters().size();
            }
        };
    }

    /**
     * What a record shows: the type, the properties conditions read, and the properties kept in a
     * field of their own name whose value is a scalar, read from the field (no getter runs).
     */
    @Override
    public Map<String, Object> readSoFar() {
        Map<String, Object> shown = new TreeMap<>();
        accessors.fields().forEach((name, field) -> {
            try {
                Object value = field.getValue(bean);
                if (value == null
                        || value instanceof CharSequence
                        || value instanceof Number
                        || value instanceof Boolean
                        || value instanceof Character
                        || value instanceof Enum<?>) {
                    shown.put(name, PolicyValues.of(value));
                }
            } catch (RuntimeException e) {
                // a field this JVM will not let us read: only conditions can show it
            }
        });
        read.forEach(
                (name, value) -> shown.put(name, value instanceof Unreadable unreadable ? unreadable.text() : value));
        shown.put("@type", bean.getClass().getName());
        return shown;
    }

    /**
     * Reads in {@code fresh} what was read in {@code seen}, a conversion of the same arguments
     * made earlier: so that two conversions of one call compare as the policy saw it.
     */
    static void readLike(Object fresh, Object seen) {
        if (seen instanceof BeanProperties before && fresh instanceof BeanProperties now) {
            before.read.forEach((name, value) -> readLike(now.get(name), value));
        } else if (seen instanceof java.util.List<?> before && fresh instanceof java.util.List<?> now) {
            for (int i = 0; i < Math.min(before.size(), now.size()); i++) {
                readLike(now.get(i), before.get(i));
            }
        } else if (seen instanceof Map<?, ?> before && fresh instanceof Map<?, ?> now) {
            before.forEach((key, value) -> readLike(now.get(key), value));
        }
    }

    private static Accessors accessorsOf(Class<?> type) {
        ObjectMapper mapper = PolicyValues.MAPPER;
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
        return new Accessors(Map.copyOf(getters), Map.copyOf(fields));
    }
}
