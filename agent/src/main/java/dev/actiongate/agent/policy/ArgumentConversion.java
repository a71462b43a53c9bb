package dev.actiongate.agent.policy;

import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import dev.actiongate.agent.config.AgentConfig;
import dev.actiongate.agent.config.AgentConfig.ArgumentLimits;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One call's arguments converted for its policy within a budget: a number of elements (list
 * items, map entries, properties read, values Jackson writes) and of characters of text the
 * conversion makes. The properties of an argument object are read later, as conditions ask
 * ({@link BeanProperties}); those reads draw on the same budget, so one evaluation costs what the
 * budget allows however its conditions walk the arguments.
 *
 * <p>Whatever is not converted is a {@link Cut} that fails every condition that reads it, naming
 * the reason: a container met again inside itself (a cycle, detected by identity against the
 * containers on the path being converted), values nested deeper than {@value #MAX_DEPTH}
 * levels, and everything past the budget. So a call is decided on what was converted, and never
 * on a part that silently looks absent. Used by one thread, the one deciding the call.
 */
final class ArgumentConversion {

    /** Deeper than this, containers are not converted: a chain of objects may be endless. */
    static final int MAX_DEPTH = 64;

    private final String action;
    private final ArgumentLimits limits;
    private int nodesLeft;
    private int charsLeft;
    /** Why the budget ran out, once it has: the first limit reached. */
    private String exhausted;
    /*
     * The containers being converted, outermost first: a container already on it is a cycle. An
     * array searched by identity rather than a hash set: the path is at most MAX_DEPTH long, and
     * an application object's identity hash is not computed (it would be kept in its header).
     * Made when the first container is met, so that a call with scalar arguments allocates none.
     */
    private Object[] path;
    private int pathLength;

    ArgumentConversion(String action, ArgumentLimits limits) {
        this.action = action;
        this.limits = limits;
        this.nodesLeft = limits.maxNodes();
        this.charsLeft = limits.maxChars();
    }

    /** Why the budget ran out, or {@code null} while it has not. */
    String exhausted() {
        return exhausted;
    }

    /** Takes one element from the budget; {@code false}, and the budget is spent, when none is left. */
    boolean takeNode() {
        if (nodesLeft > 0) {
            nodesLeft--;
            return true;
        }
        spent(limits.maxNodes() + " elements (" + AgentConfig.ARGS_MAX_NODES + ")");
        return false;
    }

    /** Takes {@code count} elements at once, or none when fewer are left. */
    boolean takeNodes(long count) {
        if (count <= nodesLeft) {
            nodesLeft -= (int) count;
            return true;
        }
        nodesLeft = 0;
        return takeNode();
    }

    /** Takes {@code count} characters of text the conversion is about to make. */
    boolean takeChars(long count) {
        if (count <= charsLeft) {
            charsLeft -= (int) count;
            return true;
        }
        charsLeft = 0;
        spent(limits.maxChars() + " characters of text (" + AgentConfig.ARGS_MAX_CHARS + ")");
        return false;
    }

    private void spent(String budget) {
        if (exhausted == null) {
            exhausted = "the arguments of " + action + " exceed the conversion budget of " + budget;
        }
    }

    /** The cut that stands for what the budget did not reach. */
    String budgetCut(String where) {
        return where + " was not converted whole: " + exhausted + "; a condition cannot read past the cut";
    }

    /**
     * {@code value} as a condition sees it.
     *
     * @param where the argument it belongs to ({@code args.name}), for the messages of cuts
     * @param depth how many containers enclose it
     */
    Object convert(Object value, String where, int depth) {
        Object scalar = PolicyValues.scalar(value);
        if (scalar != PolicyValues.NOT_SCALAR) {
            return scalar;
        }
        if (value instanceof CharSequence text) {
            return takeChars(text.length()) ? text.toString() : Cut.value(budgetCut(where), exhausted);
        }
        ValueKind kind = ValueKind.of(value);
        if (depth >= MAX_DEPTH) {
            return Cut.deep(kind, where);
        }
        if (value instanceof Optional<?> optional) {
            return optional.isPresent() ? convert(optional.get(), where, depth + 1) : PolicyValues.NULL;
        }
        if (kind == ValueKind.LAZY) {
            return new BeanProperties(value, this, where, depth);
        }
        if (kind == ValueKind.JACKSON) {
            return JacksonValues.convert(value, this, where, depth);
        }
        if (onPath(value)) {
            return Cut.cycle(kind, where);
        }
        enter(value);
        try {
            if (value instanceof Collection<?> collection) {
                return list(collection, collection.size(), where, depth);
            }
            if (value instanceof Object[] array) {
                return list(Arrays.asList(array), array.length, where, depth);
            }
            if (value instanceof Map<?, ?> map) {
                return map(map, where, depth);
            }
            return record(value, where, depth);
        } finally {
            pathLength--;
        }
    }

    private Object list(Iterable<?> items, int size, String where, int depth) {
        List<Object> converted = new ArrayList<>(Math.max(0, Math.min(size, nodesLeft)));
        for (Object item : items) {
            if (!takeNode()) {
                return Cut.list(converted, size, budgetCut(where), exhausted);
            }
            converted.add(convert(item, where, depth + 1));
        }
        return converted;
    }

    private Object map(Map<?, ?> map, String where, int depth) {
        int size = map.size();
        Map<String, Object> converted = new LinkedHashMap<>(Math.max(4, Math.min(size, nodesLeft) * 2));
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            String key = takeNode() ? key(entry.getKey()) : null;
            if (key == null) {
                String why = exhausted != null
                        ? budgetCut(where)
                        : where + " has a map whose keys include a "
                                + entry.getKey().getClass().getName() + ", which is not turned into text";
                return Cut.map(converted, size, why, exhausted != null ? exhausted : "a key that is not text");
            }
            converted.put(key, convert(entry.getValue(), where, depth + 1));
        }
        return converted;
    }

    /** A record, property by property at once: its accessors only return what it holds. */
    private Object record(Object record, String where, int depth) {
        Map<String, AnnotatedMember> getters =
                PropertyAccessors.of(record.getClass()).getters();
        Map<String, Object> converted = new LinkedHashMap<>(Math.max(4, getters.size() * 2));
        for (Map.Entry<String, AnnotatedMember> getter : getters.entrySet()) {
            if (!takeNode()) {
                return Cut.map(converted, getters.size(), budgetCut(where), exhausted);
            }
            Object value;
            try {
                value = getter.getValue().getValue(record);
            } catch (RuntimeException e) {
                return "<unconvertible " + record.getClass().getName() + ": " + e.getMessage() + ">";
            }
            converted.put(getter.getKey(), convert(value, where, depth + 1));
        }
        return converted;
    }

    /**
     * A map key as text, or {@code null} when it cannot be within the budget. A container's text
     * ({@code toString}) may be as large as the container is deep and shared: it is never made.
     */
    private String key(Object key) {
        if (key instanceof String text) {
            return text;
        }
        if (key instanceof Enum<?> constant) {
            return constant.name();
        }
        if (key == null
                || key instanceof Collection<?>
                || key instanceof Map<?, ?>
                || key.getClass().isArray()) {
            return key == null ? "null" : null;
        }
        if (key instanceof CharSequence text) {
            return takeChars(text.length()) ? text.toString() : null;
        }
        String text = key.toString();
        return takeChars(text.length()) ? text : null;
    }

    private boolean onPath(Object container) {
        for (int i = 0; i < pathLength; i++) {
            if (path[i] == container) {
                return true;
            }
        }
        return false;
    }

    private void enter(Object container) {
        if (path == null) {
            path = new Object[8];
        } else if (pathLength == path.length) {
            path = Arrays.copyOf(path, path.length * 2);
        }
        path[pathLength++] = container;
    }
}
