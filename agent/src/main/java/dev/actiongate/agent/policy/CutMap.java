package dev.actiongate.agent.policy;

import dev.actiongate.agent.records.PartlyRead;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A map (or an object seen as one) converted only in part (see {@link Cut}): its entries before
 * the cut read as usual, its size is the real one when known, and any other key, or going on
 * past the last entry converted, fails naming why the rest was not converted. A key that was not
 * converted may or may not be in the map: asking for it fails rather than answer "absent".
 */
final class CutMap extends AbstractMap<String, Object> implements PartlyRead {

    /** Where a record shows the cut among a partly converted map's entries. */
    static final String CUT_KEY = "@cut";

    private final Map<String, Object> converted;
    private final int size;
    private final String why;
    private final String shown;

    /**
     * @param converted the entries before the cut, or {@code null} when nothing was converted
     * @param size      the map's real size, or {@code -1} when it is not known
     */
    CutMap(Map<String, Object> converted, int size, String why, String shown) {
        this.converted = converted;
        this.size = size;
        this.why = why;
        this.shown = shown;
    }

    /** The entries before the cut; empty when nothing was converted. */
    Map<String, Object> converted() {
        return converted == null ? Map.of() : converted;
    }

    @Override
    public boolean containsKey(Object key) {
        if (converted != null && converted.containsKey(key)) {
            return true;
        }
        throw new IllegalStateException(why);
    }

    @Override
    public Object get(Object key) {
        if (converted != null && converted.containsKey(key)) {
            return converted.get(key);
        }
        throw new IllegalStateException(why);
    }

    @Override
    public int size() {
        if (size < 0) {
            throw new IllegalStateException(why);
        }
        return size;
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, Object>> iterator() {
                Iterator<Entry<String, Object>> before = converted().entrySet().iterator();
                return new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        if (before.hasNext()) {
                            return true;
                        }
                        throw new IllegalStateException(why);
                    }

                    @Override
                    public Entry<String, Object> next() {
                        if (!before.hasNext()) {
                            throw new IllegalStateException(why);
                        }
                        return before.next();
                    }
                };
            }

            @Override
            public int size() {
                return CutMap.this.size();
            }
        };
    }

    @Override
    public Object readSoFar() {
        if (converted == null) {
            return Cut.marker(shown);
        }
        Map<String, Object> shownEntries = new LinkedHashMap<>(converted);
        shownEntries.put(CUT_KEY, shown);
        return shownEntries;
    }

    /** Never the entries: an error message that shows this value must not read past the cut. */
    @Override
    public String toString() {
        return Cut.marker(shown);
    }
}
