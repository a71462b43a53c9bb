package dev.actiongate.agent.policy;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonNode;
import dev.actiongate.agent.config.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a rule's {@code approvers}, {@code approval_timeout} and {@code approval}, and later
 * expands its {@code group:NAME} approvers: groups may come after the rules in the file.
 */
final class ApprovalReader {

    private static final List<String> APPROVAL_KEYS = List.of("approvers", "approval_timeout", "approval");

    private ApprovalReader() {}

    /**
     * What a require_approval rule asks for, its reviewers not yet expanded; {@code null} for a
     * rule with another verdict, which may not have these keys.
     */
    static ApprovalRequirement read(Verdict verdict, String label, PolicyTree.Node rule, PolicyProblems problems) {
        return read(verdict, label, rule, problems, "rule");
    }

    /** The same for a rule or a limit, as {@code noun} names it in problems. */
    static ApprovalRequirement read(
            Verdict verdict, String label, PolicyTree.Node rule, PolicyProblems problems, String noun) {
        if (verdict != Verdict.REQUIRE_APPROVAL) {
            for (String key : APPROVAL_KEYS) {
                if (rule.fields().containsKey(key)) {
                    problems.add(
                            rule.valueAt(key),
                            label,
                            "'" + key + "' only applies to a " + noun + " with verdict require_approval");
                }
            }
            return null;
        }
        List<String> names = approvers(label, rule, problems, noun);
        Duration timeout = null;
        if (rule.fields().containsKey("approval_timeout")) {
            String text = DocumentText.scalar(rule.get("approval_timeout"));
            timeout = text == null ? null : Durations.parse(text);
            if (timeout == null) {
                problems.add(
                        rule.valueAt("approval_timeout"),
                        label,
                        "approval_timeout must be a duration such as 30s, 5m or 1h, not '" + text + "'");
            }
        }
        boolean failFast = false;
        if (rule.fields().containsKey("approval")) {
            String text = DocumentText.scalar(rule.get("approval"));
            if ("fail_fast".equals(text)) {
                failFast = true;
            } else if (!"wait".equals(text)) {
                problems.add(
                        rule.valueAt("approval"),
                        label,
                        "unknown approval '" + text + "' (expected wait or fail_fast)");
            }
        }
        return new ApprovalRequirement(names, Set.of(), timeout, failFast);
    }

    /** The rule's approvers as written, each once, in file order. */
    private static List<String> approvers(String label, PolicyTree.Node rule, PolicyProblems problems, String noun) {
        JsonNode approvers = rule.get("approvers");
        JsonLocation at = rule.valueAt("approvers");
        List<String> names = new ArrayList<>();
        if (approvers == null) {
            problems.add(
                    rule.at(),
                    label,
                    "a require_approval " + noun + " must name who may approve, for example"
                            + " approvers: [alice, group:support-leads]");
        } else if (!approvers.isArray() || approvers.isEmpty()) {
            problems.add(at, label, "'approvers' must be a non-empty list of reviewer names and group:NAME entries");
        } else {
            for (JsonNode item : approvers) {
                String name = DocumentText.scalar(item);
                if (name == null || name.isBlank() || name.equals(ReviewerGroups.PREFIX)) {
                    problems.add(
                            at,
                            label,
                            "approver '" + DocumentText.shown(item) + "' is not a reviewer name or group:NAME");
                } else if (!names.contains(name.trim())) {
                    names.add(name.trim());
                }
            }
        }
        return names;
    }

    /** {@code rule} with its {@code group:NAME} approvers expanded into reviewers. */
    static Rule expand(Rule rule, Map<String, Set<String>> groups, PolicyProblems problems) {
        if (rule.approval() == null) {
            return rule;
        }
        return new Rule(
                rule.id(),
                rule.action(),
                rule.when(),
                rule.verdict(),
                rule.reason(),
                rule.line(),
                rule.actionPattern(),
                rule.condition(),
                expanded(rule.approval(), rule.line(), rule.id(), groups, problems));
    }

    /**
     * {@code approval} of the rule or limit {@code label} at {@code line}, with its
     * {@code group:NAME} approvers expanded into reviewers.
     */
    static ApprovalRequirement expanded(
            ApprovalRequirement approval,
            int line,
            String label,
            Map<String, Set<String>> groups,
            PolicyProblems problems) {
        Set<String> reviewers = new LinkedHashSet<>();
        for (String name : approval.approvers()) {
            if (!name.startsWith(ReviewerGroups.PREFIX)) {
                reviewers.add(name);
                continue;
            }
            Set<String> members = groups.get(name.substring(ReviewerGroups.PREFIX.length()));
            if (members == null) {
                problems.add(
                        line,
                        1,
                        label,
                        "approver '" + name + "' names a group that 'groups:' does not define"
                                + (groups.isEmpty() ? "" : " (defined: " + String.join(", ", groups.keySet()) + ")"));
            } else {
                reviewers.addAll(members);
            }
        }
        return new ApprovalRequirement(approval.approvers(), reviewers, approval.timeout(), approval.failFast());
    }
}
