package dev.actiongate.agent.records;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * A record whose field names are known when the agent is built (a decision, an outcome), filled
 * in the order the canonical form sorts them. Each {@link Field} carries its name already
 * encoded, so {@link CanonicalJson} writes it with one copy instead of escaping, sorting and
 * checking it for every governed call. Reads as an ordinary map; not thread-safe.
 */
public final class SortedRecord extends AbstractMap<String, Object> {

    /** A field name, with its JSON form ({@code "name":}) encoded once. */
    public static final class Field {

        final String name;
        final byte[] json;

        private Field(String name) {
            this.name = name;
            this.json = CanonicalJson.fieldName(name);
        }

        public static Field named(String name) {
            return new Field(name);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private Field[] fields;
    private Object[] values;
    private int size;

    public SortedRecord(int expectedFields) {
        fields = new Field[expectedFields];
        values = new Object[expectedFields];
    }

    /**
     * Adds a field after the ones added so far, which must sort before it. The order is a property
     * of the code that builds the record, not of its data, so it is checked with assertions (on in
     * tests) rather than on every governed call; a record written out of order would fail
     * {@code verify}, since its line would not be its canonical form.
     */
    public SortedRecord add(Field field, Object value) {
        assert size == 0 || fields[size - 1].name.compareTo(field.name) < 0
                : "field '" + field.name + "' added after '" + fields[size - 1].name
                        + "': fields must be added in sorted order, each once";
        if (size == fields.length) {
            fields = Arrays.copyOf(fields, size * 2 + 1);
            values = Arrays.copyOf(values, size * 2 + 1);
        }
        fields[size] = field;
        values[size] = value;
        size++;
        return this;
    }

    int fieldCount() {
        return size;
    }

    Field field(int index) {
        return fields[index];
    }

    Object value(int index) {
        return values[index];
    }

    @Override
    public Object get(Object key) {
        for (int i = 0; i < size; i++) {
            if (fields[i].name.equals(key)) {
                return values[i];
            }
        }
        return null;
    }

    @Override
    public Set<Map.Entry<String, Object>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Map.Entry<String, Object>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < size;
                    }

                    @Override
                    public Map.Entry<String, Object> next() {
                        if (next >= size) {
                            throw new NoSuchElementException();
                        }
                        int at = next++;
                        return new SimpleImmutableEntry<>(fields[at].name, values[at]);
                    }
                };
            }

            @Override
            public int size() {
                return size;
            }
        };
    }
}
