package dev.actiongate.agent.policy;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonNode;
import dev.actiongate.agent.config.Durations;
import java.time.Duration;
import java.util.Set;

/**
 * Reads the {@code escalation:} block. A problem points at the key or value it is about; only a
 * missing key is reported at the block, having no place of its own.
 */
final class EscalationReader {

    private static final Set<String> KEYS = Set.of("after_denials", "within");

    private EscalationReader() {}

    /** The block's escalation, or {@code null} after adding its problems. */
    static Escalation read(PolicyTree.Node block, PolicyProblems problems) {
        if (!block.isMap()) {
            problems.add(block.at(), null, "'escalation' must be a mapping with after_denials and within");
            return null;
        }
        int before = problems.size();
        for (PolicyTree.Field field : block.fields().values()) {
            if (!KEYS.contains(field.key())) {
                problems.add(
                        field.keyAt(),
                        null,
                        "unknown escalation key '" + field.key() + "' (known keys: after_denials, within)");
            }
        }
        JsonNode count = block.get("after_denials");
        if (count == null || !count.canConvertToInt() || !count.isIntegralNumber() || count.intValue() < 1) {
            problems.add(
                    valueAt(block, "after_denials"),
                    null,
                    "escalation.after_denials must be a whole number of at least 1");
        }
        String within = DocumentText.scalar(block.get("within"));
        Duration window = within == null ? null : Durations.parse(within);
        if (window == null) {
            problems.add(
                    valueAt(block, "within"),
                    null,
                    "escalation.within must be a duration such as 30s, 10m or 1h, not '" + within + "'");
        }
        return problems.size() > before ? null : new Escalation(count.intValue(), window, within);
    }

    /** Where {@code key}'s value is, or the block's own place when the key is missing. */
    private static JsonLocation valueAt(PolicyTree.Node block, String key) {
        JsonLocation at = block.valueAt(key);
        return at == null ? block.at() : at;
    }
}
