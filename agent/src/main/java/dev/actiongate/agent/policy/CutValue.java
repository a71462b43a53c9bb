package dev.actiongate.agent.policy;

import dev.actiongate.agent.records.PartlyRead;

/**
 * A value Jackson would have written as text or as something else entirely, not converted (see
 * {@link Cut}): CEL knows no operation on it, and comparing it fails naming why, so no condition
 * can take it for a string that happens to differ.
 */
final class CutValue implements PartlyRead {

    private final String why;
    private final String shown;

    CutValue(String why, String shown) {
        this.why = why;
        this.shown = shown;
    }

    @Override
    public boolean equals(Object other) {
        if (other == this) {
            return true;
        }
        throw new IllegalStateException(why);
    }

    @Override
    public int hashCode() {
        throw new IllegalStateException(why);
    }

    @Override
    public Object readSoFar() {
        return Cut.marker(shown);
    }

    /** What CEL's error messages show of it, and what names the cut. */
    @Override
    public String toString() {
        return Cut.marker(shown) + " (" + why + ")";
    }
}
