package dev.actiongate.agent.policy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;
import java.util.StringJoiner;

/** How the readers of a policy document take a value's text, and how problems show values and keys. */
final class DocumentText {

    private DocumentText() {}

    /** The text of a scalar; {@code null} for a missing, null, list or mapping value. */
    static String scalar(JsonNode node) {
        return node == null || node.isNull() || node.isContainerNode() ? null : node.asText();
    }

    /**
     * {@code node} as a problem shows it between quotes: in YAML's flow style, strings as written,
     * without the JSON quotes that would read {@code '"group:x"'}.
     */
    static String shown(JsonNode node) {
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isArray()) {
            StringJoiner items = new StringJoiner(", ", "[", "]");
            node.forEach(item -> items.add(shown(item)));
            return items.toString();
        }
        if (node.isObject()) {
            StringJoiner fields = new StringJoiner(", ", "{", "}");
            node.properties().forEach(field -> fields.add(field.getKey() + ": " + shown(field.getValue())));
            return fields.toString();
        }
        return node.toString();
    }

    /** {@code a, b, c}: the keys a block accepts, in a stable order, for "known keys" hints. */
    static String keyList(Set<String> keys) {
        return String.join(", ", keys.stream().sorted().toList());
    }
}
