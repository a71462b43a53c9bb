package dev.actiongate.agent.policy;

import java.util.List;
import java.util.Map;

/**
 * What stands in a converted argument for a part that was not converted: a container met again
 * inside itself (a cycle), one nested deeper than {@value ArgumentConversion#MAX_DEPTH} levels,
 * or whatever the call's conversion budget did not reach. A cut of a list is a list and a cut of
 * a map is a map, so that a condition may still test what was converted (the items before the
 * cut, the entries read, the real size of a list that was cut short); every read of what was
 * not converted fails with a message that says why, so the rule that read it denies, naming it.
 * A record shows what was converted and the cut: {@code "<cycle>"}, or {@code "<cut: why>"}.
 */
final class Cut {

    /** What a record shows for a cycle. */
    static final String CYCLE = "<cycle>";

    private Cut() {}

    static Object cycle(ValueKind kind, String where) {
        String what = kind == ValueKind.LIST ? "a list" : kind == ValueKind.RECORD ? "a record" : "a map";
        return of(
                kind,
                where + ": " + what + " in it contains itself (a cycle); a condition cannot read into a cycle",
                null);
    }

    static Object deep(ValueKind kind, String where) {
        return of(
                kind,
                where + ": nested deeper than " + ArgumentConversion.MAX_DEPTH
                        + " levels; what lies deeper is not converted",
                "nested deeper than " + ArgumentConversion.MAX_DEPTH + " levels");
    }

    /**
     * A value none of which was converted.
     *
     * @param why   the message a condition that reads it fails with
     * @param shown what the record shows after {@code <cut: }; {@code null} for a cycle
     */
    static Object of(ValueKind kind, String why, String shown) {
        return switch (kind) {
            case LIST -> new CutList(null, -1, why, shown);
            case MAP, RECORD, LAZY -> new CutMap(null, -1, why, shown);
            case JACKSON -> new CutValue(why, shown);
        };
    }

    /** A list converted up to {@code converted}; {@code size} is its real size. */
    static Object list(List<Object> converted, int size, String why, String shown) {
        return new CutList(converted, size, why, shown);
    }

    /** A map converted up to {@code converted}; {@code size} is its real size. */
    static Object map(Map<String, Object> converted, int size, String why, String shown) {
        return new CutMap(converted, size, why, shown);
    }

    static Object value(String why, String shown) {
        return new CutValue(why, shown);
    }

    /** How the record shows a cut of nothing converted, or the marker after what was. */
    static String marker(String shown) {
        return shown == null ? CYCLE : "<cut: " + shown + ">";
    }
}
