package dev.actiongate.agent.policy;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonNode;
import dev.actiongate.agent.digest.Sha256;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads a policy document's top-level keys, hands {@code rules:}, {@code limits:}, {@code groups:},
 * {@code escalation:} and {@code govern:} to their readers, and builds the {@link Policy} once
 * the whole document is read without a problem. Used once per document.
 */
final class DocumentReader {

    private static final Set<String> TOP_LEVEL_KEYS = Set.of(
            "version", "default", "mode", "redact", "rules", "escalation", "groups", "govern", "enabled", "limits");

    private final PolicyProblems problems;
    private final RuleCompiler ruleCompiler;
    private String version;
    private Verdict defaultVerdict = Verdict.DENY;
    private Mode mode = Mode.ENFORCE;
    private boolean enabled = true;
    private final Set<String> redact = new LinkedHashSet<>();
    private final List<Rule> rules = new ArrayList<>();
    private final List<Limit> limits = new ArrayList<>();
    private Escalation escalation;
    private Map<String, Set<String>> groups = new LinkedHashMap<>();
    private final List<GovernEntry> govern = new ArrayList<>();

    /** @param lazyAbove see {@link RuleCompiler#RuleCompiler} */
    DocumentReader(PolicyProblems problems, int lazyAbove) {
        this.problems = problems;
        this.ruleCompiler = new RuleCompiler(problems, lazyAbove);
    }

    /** Reads every top-level key of {@code tree}, adding what is wrong to the problems. */
    void read(PolicyTree tree) {
        PolicyTree.Node root = tree.root();
        if (tree.syntax() != null) {
            problems.add(tree.syntax().at(), null, tree.syntax().message());
        } else if (root == null || !root.isMap()) {
            problems.add(1, 1, null, "the policy must be a YAML mapping with at least 'version' and 'rules'");
        } else {
            root.fields().values().forEach(this::field);
        }
    }

    private void field(PolicyTree.Field field) {
        PolicyTree.Node value = field.value();
        JsonLocation at = value.at();
        JsonNode node = value.json();
        switch (field.key()) {
            case "version" -> version(node, at);
            case "default" -> defaultVerdict(node, at);
            case "mode" -> mode(node, at);
            case "enabled" -> {
                if (!node.isBoolean()) {
                    problems.add(at, null, "'enabled' must be true or false, not '" + node.asText() + "'");
                } else {
                    enabled = node.booleanValue();
                }
            }
            case "redact" -> {
                if (!node.isArray()) {
                    problems.add(at, null, "'redact' must be a list of argument key names");
                } else {
                    node.forEach(item -> redact.add(item.asText().toLowerCase(Locale.ROOT)));
                }
            }
            case "rules" -> ruleCompiler.compile(value, rules);
            case "limits" -> new LimitReader(problems).read(value, limits);
            case "escalation" -> escalation = EscalationReader.read(value, problems);
            case "groups" -> groups = ReviewerGroups.read(value, problems);
            case "govern" -> GovernParser.read(value, problems, govern);
            default ->
                problems.add(
                        field.keyAt(),
                        null,
                        "unknown key '" + field.key() + "' (known keys: " + DocumentText.keyList(TOP_LEVEL_KEYS) + ")");
        }
    }

    private void version(JsonNode node, JsonLocation at) {
        version = DocumentText.scalar(node);
        if (version == null || version.isBlank()) {
            problems.add(at, null, "'version' must be a non-empty string");
            version = null;
        }
    }

    private void defaultVerdict(JsonNode node, JsonLocation at) {
        String text = DocumentText.scalar(node);
        Verdict parsed = Verdict.parse(text);
        if (parsed == Verdict.REQUIRE_APPROVAL) {
            problems.add(
                    at,
                    null,
                    "the default cannot be require_approval: no rule would name"
                            + " its approvers; write a rule with verdict require_approval and approvers");
        } else if (parsed == null) {
            problems.add(at, null, "unknown default verdict '" + text + "' (expected allow or deny)");
        } else {
            defaultVerdict = parsed;
        }
    }

    private void mode(JsonNode node, JsonLocation at) {
        String text = DocumentText.scalar(node);
        if ("enforce".equals(text)) {
            mode = Mode.ENFORCE;
        } else if ("monitor".equals(text)) {
            mode = Mode.MONITOR;
        } else {
            problems.add(at, null, "unknown mode '" + text + "' (expected enforce or monitor)");
        }
    }

    private Limit expand(Limit limit) {
        if (limit.approval() == null) {
            return limit;
        }
        return new Limit(
                limit.id(),
                limit.action(),
                limit.actionPattern(),
                limit.keyText(),
                limit.key(),
                limit.sumText(),
                limit.sum(),
                limit.max(),
                limit.per(),
                limit.perText(),
                limit.verdict(),
                ApprovalReader.expanded(
                        limit.approval(), limit.line(), PolicyProblems.LIMIT + limit.id() + "'", groups, problems),
                limit.line());
    }

    /**
     * The policy read from {@code bytes} of {@code file}, or every problem found. Approvers are
     * expanded only now: {@code groups:} may come after the rules in the file.
     */
    Policy policy(Path file, byte[] bytes) throws PolicyException {
        if (version == null && problems.isEmpty()) {
            problems.add(1, 1, null, "'version' is required");
        }
        rules.replaceAll(rule -> ApprovalReader.expand(rule, groups, problems));
        limits.replaceAll(this::expand);
        if (!problems.isEmpty()) {
            throw problems.exception();
        }
        ActionRules actionRules = new ActionRules(file, rules, ruleCompiler.pending());
        if (actionRules.lazy() && !enabled) {
            // A policy that governs nothing would deny nothing either once a condition was found
            // broken: compiled now, so that it is rejected as a whole.
            actionRules.compileRest();
            List<String> found = actionRules.report().join().problems();
            if (!found.isEmpty()) {
                throw new PolicyException(file, found);
            }
        }
        return new Policy(
                file,
                version,
                Sha256.hex(bytes),
                defaultVerdict,
                mode,
                actionRules,
                limits,
                redact,
                escalation,
                govern,
                enabled,
                problems.warnings());
    }
}
