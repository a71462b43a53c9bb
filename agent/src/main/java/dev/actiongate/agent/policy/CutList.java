package dev.actiongate.agent.policy;

import dev.actiongate.agent.records.PartlyRead;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;

/**
 * A list converted only in part (see {@link Cut}): its items before the cut read as usual, its
 * size is the real one when known, and anything else fails naming why it was not converted.
 */
final class CutList extends AbstractList<Object> implements PartlyRead {

    private final List<Object> converted;
    private final int size;
    private final String why;
    private final String shown;

    /**
     * @param converted the items before the cut, or {@code null} when nothing was converted
     * @param size      the list's real size, or {@code -1} when it is not known
     */
    CutList(List<Object> converted, int size, String why, String shown) {
        this.converted = converted;
        this.size = size;
        this.why = why;
        this.shown = shown;
    }

    /** The items before the cut; empty when nothing was converted. */
    List<Object> converted() {
        return converted == null ? List.of() : converted;
    }

    @Override
    public Object get(int index) {
        if (converted != null && index >= 0 && index < converted.size()) {
            return converted.get(index);
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
    public Object readSoFar() {
        if (converted == null) {
            return Cut.marker(shown);
        }
        List<Object> shownItems = new ArrayList<>(converted.size() + 1);
        shownItems.addAll(converted);
        shownItems.add(Cut.marker(shown));
        return shownItems;
    }

    /** Never the items: an error message that shows this value must not read past the cut. */
    @Override
    public String toString() {
        return Cut.marker(shown);
    }
}
