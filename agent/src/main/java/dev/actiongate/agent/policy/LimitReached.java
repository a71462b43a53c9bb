package dev.actiongate.agent.policy;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A limit that refused a call, as its decision record shows it.
 *
 * @param id          the limit's id
 * @param key         the value of its {@code key} for this call
 * @param current     what the window had used when the call came (with a fleet store: what the
 *                    instances had leased of it)
 * @param amount      what this call would have added: 1, or the value of the limit's {@code sum}
 * @param max         the limit's {@code max}
 * @param per         the window as the policy wrote it
 * @param windowStart when the window began, ISO-8601
 */
public record LimitReached(String id, String key, long current, long amount, long max, String per, String windowStart) {

    /** The record's {@code limit} field, its keys in sorted order. */
    public Map<String, Object> fields() {
        Map<String, Object> fields = new LinkedHashMap<>(10);
        fields.put("amount", amount);
        fields.put("current", current);
        fields.put("id", id);
        fields.put("key", key);
        fields.put("max", max);
        fields.put("per", per);
        fields.put("window_start", windowStart);
        return fields;
    }
}
