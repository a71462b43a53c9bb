package dev.actiongate.agent.policy;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonNode;
import dev.actiongate.agent.config.Durations;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads the {@code limits:} list: each limit's keys and values, its {@code key} and {@code sum}
 * compiled as CEL, and only limits without a problem kept. Limit ids are unique across the list.
 */
final class LimitReader {

    private static final Set<String> KEYS =
            Set.of("id", "action", "key", "sum", "max", "per", "verdict", "approvers", "approval_timeout", "approval");

    private final PolicyProblems problems;
    private final Set<String> ids = new HashSet<>();

    LimitReader(PolicyProblems problems) {
        this.problems = problems;
    }

    /** Adds the well-formed limits of {@code list} to {@code limits}, and the others' problems. */
    void read(PolicyTree.Node list, List<Limit> limits) {
        if (!list.isList()) {
            problems.add(list.at(), null, "'limits' must be a list of limits");
            return;
        }
        int index = 0;
        for (PolicyTree.Node item : list.items()) {
            index++;
            if (!item.isMap()) {
                problems.add(
                        item.at(),
                        null,
                        "limit #" + index + " must be a mapping with id, action, key, max, per and verdict");
                continue;
            }
            Limit limit = limit(index, item);
            if (limit != null) {
                limits.add(limit);
            }
        }
    }

    /** Limit number {@code index} (from 1), or {@code null} after adding its problems. */
    private Limit limit(int index, PolicyTree.Node item) {
        String id = DocumentText.scalar(item.get("id"));
        String label = PolicyProblems.LIMIT + (id == null ? "#" + index : id) + "'";
        int before = problems.size();
        for (PolicyTree.Field field : item.fields().values()) {
            if (!KEYS.contains(field.key())) {
                problems.add(
                        field.keyAt(),
                        label,
                        "unknown limit key '" + field.key() + "' (known keys: " + DocumentText.keyList(KEYS) + ")");
            }
        }
        if (id == null || id.isBlank()) {
            problems.add(item.at(), label, "limit has no 'id'");
        } else if (!ids.add(id)) {
            problems.add(item.valueAt("id"), label, "duplicate limit id '" + id + "'");
        }
        String action = DocumentText.scalar(item.get("action"));
        if (action == null || action.isBlank()) {
            problems.add(
                    valueAt(item, "action"), label, "a limit needs 'action': an action name or glob such as send_*");
        }
        Conditions.Compiled key = expression(item, "key", label, true);
        Conditions.Compiled sum = expression(item, "sum", label, false);
        long max = max(item, label);
        String perText = DocumentText.scalar(item.get("per"));
        Duration per = perText == null ? null : Durations.parse(perText);
        if (per == null) {
            problems.add(
                    valueAt(item, "per"),
                    label,
                    "'per' must be a duration such as 1m, 1h or 24h, not '" + perText + "'");
        }
        Verdict verdict = verdict(item, label);
        ApprovalRequirement approval = ApprovalReader.read(verdict, label, item, problems, "limit");
        if (problems.size() > before) {
            return null;
        }
        return new Limit(
                id,
                action,
                Rule.glob(action),
                DocumentText.scalar(item.get("key")),
                key.program(),
                DocumentText.scalar(item.get("sum")),
                sum == null ? null : sum.program(),
                max,
                per,
                perText,
                verdict,
                approval,
                item.at().getLineNr());
    }

    /** The compiled value of {@code name}, or {@code null} when it is missing (after a problem when required). */
    private Conditions.Compiled expression(PolicyTree.Node item, String name, String label, boolean required) {
        if (!item.fields().containsKey(name)) {
            if (required) {
                problems.add(item.at(), label, "a limit needs '" + name + "': a CEL expression such as 'ctx.tenant'");
            }
            return null;
        }
        String text = DocumentText.scalar(item.get(name));
        if (text == null || text.isBlank()) {
            problems.add(item.valueAt(name), label, "'" + name + "' must be a CEL expression");
            return null;
        }
        Conditions.Compiled compiled = Conditions.compileValue(text);
        for (String error : compiled.errors()) {
            problems.add(item.valueAt(name), label, name + " '" + text + "' does not compile: " + error);
        }
        return compiled;
    }

    private long max(PolicyTree.Node item, String label) {
        JsonNode max = item.get("max");
        if (max == null || !max.isIntegralNumber() || !max.canConvertToLong() || max.longValue() < 0) {
            problems.add(
                    valueAt(item, "max"),
                    label,
                    "'max' must be a whole number of at least 0, not '" + (max == null ? null : DocumentText.shown(max))
                            + "'");
            return -1;
        }
        return max.longValue();
    }

    private Verdict verdict(PolicyTree.Node item, String label) {
        String text = DocumentText.scalar(item.get("verdict"));
        Verdict verdict = Verdict.parse(text);
        if (verdict == Verdict.DENY || verdict == Verdict.REQUIRE_APPROVAL) {
            return verdict;
        }
        problems.add(
                valueAt(item, "verdict"),
                label,
                (text == null ? "a limit needs 'verdict'" : "unknown limit verdict '" + text + "'")
                        + " (expected deny or require_approval: what a call gets when the limit is reached)");
        return null;
    }

    /** Where {@code key}'s value is, or the limit's own place when the key is missing. */
    private static JsonLocation valueAt(PolicyTree.Node item, String key) {
        JsonLocation at = item.valueAt(key);
        return at == null ? item.at() : at;
    }
}
