package dev.actiongate.agent.policy;

import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import dev.actiongate.agent.records.PartlyRead;
import java.lang.reflect.InvocationTargetException;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
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
 * condition that read it fail, so that the rule denies, naming itself. Each read takes an element
 * of the call's conversion budget, and a property's value is converted within what is left of it
 * and one level deeper than the object: an object whose property leads back to itself can be
 * followed as far as a condition names it, but a condition that walks it whole (comparing it with
 * itself) stops at the depth limit or the budget, and denies. Used by one thread, the one
 * deciding the call.
 */
final class BeanProperties extends AbstractMap<String, Object> implements PartlyRead {

    /** Longer text kept in a field is left to conditions: a record shows no more than 256 characters of it. */
    private static final int MAX_FIELD_TEXT = 4096;

    private final Object bean;
    private final PropertyAccessors accessors;
    private final ArgumentConversion conversion;
    private final String where;
    private final int depth;
    private final Map<String, Object> read = new LinkedHashMap<>();

    /**
     * @param conversion the call's conversion, whose budget reads draw on
     * @param where      the argument it belongs to, for messages
     * @param depth      how many containers enclose it
     */
    BeanProperties(Object bean, ArgumentConversion conversion, String where, int depth) {
        this.bean = bean;
        this.accessors = PropertyAccessors.of(bean.getClass());
        this.conversion = conversion;
        this.where = where;
        this.depth = depth;
    }

    @Override
    public boolean containsKey(Object key) {
        return accessors.getters().containsKey(key);
    }

    /** A property whose getter threw, or that the budget did not reach: every later read fails the same way. */
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
        if (!conversion.takeNode()) {
            IllegalStateException error = new IllegalStateException("property '" + key + "' of "
                    + bean.getClass().getName() + " was not read: " + conversion.budgetCut(where));
            read.put((String) key, new Unreadable(Cut.marker(conversion.exhausted()), error));
            throw error;
        }
        Object value;
        try {
            value = conversion.convert(getter.getValue(bean), where, depth + 1);
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
                        || (value instanceof CharSequence text && text.length() <= MAX_FIELD_TEXT)
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

    /** Never the properties: an error message that shows this object must not run its getters. */
    @Override
    public String toString() {
        return "<" + bean.getClass().getName() + " object>";
    }

    /**
     * Reads in {@code fresh} what was read in {@code seen}, a conversion of the same arguments
     * made earlier: so that two conversions of one call compare as the policy saw it.
     */
    static void readLike(Object fresh, Object seen) {
        if (seen instanceof BeanProperties before && fresh instanceof BeanProperties now) {
            before.read.forEach((name, value) -> readLike(now.get(name), value));
        } else if (seen instanceof CutList before && fresh instanceof CutList now) {
            readLike(now.converted(), before.converted());
        } else if (seen instanceof CutMap before && fresh instanceof CutMap now) {
            readLike(now.converted(), before.converted());
        } else if (seen instanceof List<?> before && fresh instanceof List<?> now) {
            for (int i = 0; i < Math.min(before.size(), now.size()); i++) {
                readLike(now.get(i), before.get(i));
            }
        } else if (seen instanceof Map<?, ?> before && fresh instanceof Map<?, ?> now) {
            before.forEach((key, value) -> readLike(now.get(key), value));
        }
    }
}
