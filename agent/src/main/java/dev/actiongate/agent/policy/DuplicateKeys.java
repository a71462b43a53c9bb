package dev.actiongate.agent.policy;

import java.util.List;

/**
 * Reports every key given twice, at the second one, naming the first: Jackson would keep the
 * last, and a rule's second {@code when:} would silently replace its first.
 */
final class DuplicateKeys {

    private DuplicateKeys() {}

    static void report(PolicyTree tree, PolicyProblems problems) {
        for (PolicyTree.Duplicate duplicate : tree.duplicates()) {
            List<Object> path = duplicate.path();
            String rule = null;
            String prefix = "";
            int rest = 0;
            if (path.size() >= 2 && "rules".equals(path.get(0)) && path.get(1) instanceof Integer index) {
                rule = ruleLabel(tree, index);
                rest = 2;
            } else if (path.size() >= 2 && "govern".equals(path.get(0)) && path.get(1) instanceof Integer index) {
                prefix = "govern entry #" + (index + 1) + ": ";
                rest = 2;
            }
            String where = describe(path.subList(rest, path.size()));
            problems.add(
                    duplicate.at(),
                    rule,
                    prefix + "duplicate key '" + duplicate.key() + "'"
                            + (where.isEmpty() ? "" : " in " + where)
                            + " (first at line "
                            + (duplicate.firstAt() == null
                                    ? "?"
                                    : duplicate.firstAt().getLineNr()) + ")");
        }
    }

    /** How problems name rule number {@code index} (from 0): its id, or its position. */
    private static String ruleLabel(PolicyTree tree, int index) {
        PolicyTree.Node root = tree.root();
        PolicyTree.Field rules = root == null ? null : root.fields().get("rules");
        if (rules != null && index < rules.value().items().size()) {
            PolicyTree.Field id = rules.value().items().get(index).fields().get("id");
            String text = id == null ? null : DocumentText.scalar(id.value().json());
            if (text != null && !text.isBlank()) {
                return text;
            }
        }
        return "#" + (index + 1);
    }

    /** {@code escalation}, {@code approvers[2]}, {@code a.b}: where in the document a key is. */
    private static String describe(List<Object> path) {
        StringBuilder where = new StringBuilder();
        for (Object step : path) {
            if (step instanceof Integer index) {
                where.append('[').append(index + 1).append(']');
            } else {
                where.append(where.length() == 0 ? "" : ".").append(step);
            }
        }
        return where.toString();
    }
}
