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
 * still saying what was asked.
 */
public final class ArgumentSummary {

    /** Keys whose values are always masked, matched as case-insensitive substrings. */
    static final List<String> SENSITIVE = List.of("password", "passwd", "token", "secret", "authorization", "card");

    public static final String MASK = "***";
    static final int MAX_STRING = 256;
    static final int MAX_ITEMS = 100;
    static final int MAX_DEPTH = 8;

    private ArgumentSummary() {}

    /**
     * @param arguments    parameter name to converted value (see {@code PolicyValues})
     * @param redactedKeys extra key names to mask, lower case, from the policy's {@code redact:}
     */
    public static Map<String, Object> of(Map<String, Object> arguments, Set<String> redactedKeys) {
        Map<String, Object> summary = new LinkedHashMap<>();
        arguments.forEach((key, value) -> summary.put(key, summarize(key, value, redactedKeys, 0)));
        return summary;
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

    private static Object summarize(String key, Object value, Set<String> redactedKeys, int depth) {
        if (key != null && sensitive(key, redactedKeys)) {
            return MASK;
        }
        if (value instanceof PartlyRead partly) {
            value = partly.readSoFar();
        }
        if (value instanceof String s) {
            return s.length() <= MAX_STRING
                    ? s
                    : s.substring(0, MAX_STRING) + "...[truncated, " + s.length() + " chars]";
        }
        if (value instanceof Map<?, ?> map) {
            if (depth >= MAX_DEPTH) {
                return "[nested too deep]";
            }
            Map<String, Object> out = new LinkedHashMap<>();
            int n = 0;
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (n++ == MAX_ITEMS) {
                    out.put("...", "[" + (map.size() - MAX_ITEMS) + " more entries]");
                    break;
                }
                String k = String.valueOf(entry.getKey());
                out.put(k, summarize(k, entry.getValue(), redactedKeys, depth + 1));
            }
            return out;
        }
        if (value instanceof List<?> list) {
            if (depth >= MAX_DEPTH) {
                return "[nested too deep]";
            }
            List<Object> out = new ArrayList<>(Math.min(list.size(), MAX_ITEMS + 1));
            for (int i = 0; i < list.size(); i++) {
                if (i == MAX_ITEMS) {
                    out.add("[" + (list.size() - MAX_ITEMS) + " more items]");
                    break;
                }
                out.add(summarize(null, list.get(i), redactedKeys, depth + 1));
            }
            return out;
        }
        if (value instanceof Number || value instanceof Boolean) {
            return value;
        }
        // CEL's null, or anything else: its text, which is what a reader of the record needs
        return value == null || "NULL_VALUE".equals(value.toString()) ? null : value.toString();
    }
}
