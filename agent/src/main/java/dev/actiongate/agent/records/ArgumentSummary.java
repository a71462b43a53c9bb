package dev.actiongate.agent.records;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The {@code arguments} field of a decision record: the call's converted arguments with the
 * values of sensitive keys masked and long values cut, so that records are safe to ship while
 * still saying what was asked, and stay small whatever was passed.
 */
public final class ArgumentSummary {

    /** Keys whose values are always masked, matched as case-insensitive substrings. */
    static final List<String> SENSITIVE = List.of("password", "passwd", "token", "secret", "authorization", "card");

    public static final String MASK = "***";
    /** Under this key, the summary says why the conversion of the arguments was cut short. */
    public static final String CUT_KEY = "@cut";

    static final int MAX_STRING = 256;
    static final int MAX_ITEMS = 100;
    static final int MAX_DEPTH = 8;
    /** Values shown in one summary, all levels together: what keeps a record small whatever the arguments. */
    static final int MAX_VALUES = 1_000;

    private final Set<String> redactedKeys;
    private int values;

    private ArgumentSummary(Set<String> redactedKeys) {
        this.redactedKeys = redactedKeys;
    }

    /**
     * @param arguments    parameter name to converted value (see {@code PolicyValues})
     * @param redactedKeys extra key names to mask, lower case, from the policy's {@code redact:}
     */
    public static Map<String, Object> of(Map<String, Object> arguments, Set<String> redactedKeys) {
        return of(arguments, redactedKeys, null);
    }

    /**
     * @param cutShort why the conversion of the arguments stopped at its budget, shown under
     *                 {@value #CUT_KEY}; {@code null} when it did not
     */
    public static Map<String, Object> of(Map<String, Object> arguments, Set<String> redactedKeys, String cutShort) {
        ArgumentSummary summary = new ArgumentSummary(redactedKeys);
        Map<String, Object> shown = new LinkedHashMap<>();
        arguments.forEach((key, value) -> shown.put(key, summary.summarize(key, value, 0)));
        if (cutShort != null) {
            shown.put(CUT_KEY, cutShort);
        }
        return shown;
    }

    static boolean sensitive(String key, Set<String> redactedKeys) {
        String lower = key.toLowerCase(Locale.ROOT);
        if (redactedKeys.contains(lower)) {
            return true;
        }
        for (String word : SENSITIVE) {
            if (lower.contains(word)) {
                return true;
            }
        }
        return false;
    }

    private Object summarize(String key, Object value, int depth) {
        values++;
        if (key != null && sensitive(key, redactedKeys)) {
            return MASK;
        }
        if (value instanceof PartlyRead partly) {
            value = partly.readSoFar();
        }
        if (value instanceof String s) {
            return cut(s);
        }
        if (value instanceof Map<?, ?> map) {
            if (depth >= MAX_DEPTH) {
                return "[nested too deep]";
            }
            Map<String, Object> out = new LinkedHashMap<>();
            int n = 0;
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (n == MAX_ITEMS || values >= MAX_VALUES) {
                    out.put("...", "[" + (map.size() - n) + " more entries" + why(n) + "]");
                    break;
                }
                n++;
                String k = String.valueOf(entry.getKey());
                out.put(cut(k), summarize(k, entry.getValue(), depth + 1));
            }
            return out;
        }
        if (value instanceof List<?> list) {
            if (depth >= MAX_DEPTH) {
                return "[nested too deep]";
            }
            List<Object> out = new ArrayList<>(Math.min(list.size(), MAX_ITEMS + 1));
            for (int i = 0; i < list.size(); i++) {
                if (i == MAX_ITEMS || values >= MAX_VALUES) {
                    out.add("[" + (list.size() - i) + " more items" + why(i) + "]");
                    break;
                }
                out.add(summarize(null, list.get(i), depth + 1));
            }
            return out;
        }
        if (value instanceof Number || value instanceof Boolean) {
            return value;
        }
        // CEL's null, or anything else: its text, which is what a reader of the record needs
        return value == null || "NULL_VALUE".equals(value.toString()) ? null : cut(value.toString());
    }

    /** Why a container stops after {@code shown} entries, when it is not the cap on each one. */
    private static String why(int shown) {
        return shown == MAX_ITEMS ? "" : ": a record shows " + MAX_VALUES + " values in all";
    }

    private static String cut(String s) {
        if (s.length() <= MAX_STRING) {
            return s;
        }
        // never half of a surrogate pair: the record would hold a character that is not one
        int end = Character.isHighSurrogate(s.charAt(MAX_STRING - 1)) ? MAX_STRING - 1 : MAX_STRING;
        return s.substring(0, end) + "...[truncated, " + s.length() + " chars]";
    }
}
