package dev.actiongate.agent.policy;

import com.fasterxml.jackson.core.JsonLocation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Compiles the {@code rules:} list: checks each rule's keys and values, compiles its CEL
 * condition, and keeps only rules without a problem. Rule ids must be unique across the list.
 * A list of more conditions than the loader's threshold is checked in full but its conditions
 * are left {@linkplain #pending() pending}, for {@link ActionRules} to compile after the load.
 */
final class RuleCompiler {

    private static final Set<String> KEYS =
            Set.of("id", "action", "when", "verdict", "reason", "approvers", "approval_timeout", "approval");

    /**
     * Threads that compile a long list of conditions: each takes its share, with a checker
     * environment of its own. More than a few mostly wait for the JIT compiler.
     */
    private static final int COMPILE_THREADS = Math.min(4, Runtime.getRuntime().availableProcessors());

    private final PolicyProblems problems;
    private final int lazyAbove;
    private final Set<String> ids = new HashSet<>();
    /** Where each condition left for after the load is, by rule id; see {@link #pending()}. */
    private final Map<String, JsonLocation> pending = new HashMap<>();

    private boolean lazy;
    /** One pattern per action text: thousands of rules name a few actions, and a pattern is dear to compile. */
    private final Map<String, Pattern> globs = new HashMap<>();
    /** Every distinct condition of the list, compiled before the rules are read. */
    private Map<String, Conditions.Compiled> compiled = Map.of();
    /** For a condition missing from {@link #compiled}; made when first needed, like CEL itself. */
    private Conditions.Batch alone;

    /**
     * @param lazyAbove above this many conditions, they are left pending rather than compiled;
     *     {@link Integer#MAX_VALUE} compiles every one at load
     */
    RuleCompiler(PolicyProblems problems, int lazyAbove) {
        this.problems = problems;
        this.lazyAbove = lazyAbove;
    }

    /**
     * Where the {@code when:} of each rule whose condition was left for after the load is, by
     * rule id; empty when every condition was compiled.
     */
    Map<String, JsonLocation> pending() {
        return pending;
    }

    /** Adds the well-formed rules of {@code list} to {@code rules}, and the others' problems. */
    void compile(PolicyTree.Node list, List<Rule> rules) {
        if (!list.isList()) {
            problems.add(list.at(), null, "'rules' must be a list of rules");
            return;
        }
        List<String> conditions = new ArrayList<>();
        for (PolicyTree.Node item : list.items()) {
            String when = DocumentText.scalar(item.get("when"));
            if (when != null && !when.isBlank()) {
                conditions.add(when);
            }
        }
        lazy = conditions.size() > lazyAbove;
        if (!conditions.isEmpty() && !lazy) {
            // A policy without conditions never loads CEL, which takes a while to start.
            compiled = Conditions.compileAll(conditions, COMPILE_THREADS);
        }
        int index = 0;
        for (PolicyTree.Node item : list.items()) {
            index++;
            if (!item.isMap()) {
                problems.add(
                        item.at(),
                        null,
                        "rule #" + index + " must be a mapping with id, verdict and optional action, when, reason");
                continue;
            }
            Rule rule = rule(index, item);
            if (rule != null) {
                rules.add(rule);
            }
        }
    }

    /** Rule number {@code index} (from 1), or {@code null} after adding its problems. */
    private Rule rule(int index, PolicyTree.Node item) {
        JsonLocation ruleAt = item.at();
        String id = DocumentText.scalar(item.get("id"));
        String label = id == null ? "#" + index : id;
        int before = problems.size();
        for (PolicyTree.Field field : item.fields().values()) {
            if (!KEYS.contains(field.key())) {
                problems.add(
                        field.keyAt(),
                        label,
                        "unknown rule key '" + field.key() + "' (known keys: " + DocumentText.keyList(KEYS) + ")");
            }
        }
        if (id == null || id.isBlank()) {
            problems.add(ruleAt, label, "rule has no 'id'");
        } else if (!ids.add(id)) {
            problems.add(item.valueAt("id"), label, "duplicate rule id '" + id + "'");
        }
        String verdictText = DocumentText.scalar(item.get("verdict"));
        Verdict verdict = Verdict.parse(verdictText);
        if (verdictText == null) {
            problems.add(ruleAt, label, "rule has no 'verdict' (expected allow, deny or require_approval)");
        } else if (verdict == null) {
            problems.add(
                    item.valueAt("verdict"),
                    label,
                    "unknown verdict '" + verdictText + "' (expected allow, deny or require_approval)");
        }
        String action = DocumentText.scalar(item.get("action"));
        if (item.fields().containsKey("action") && (action == null || action.isBlank())) {
            problems.add(item.valueAt("action"), label, "'action' must be an action name or glob such as send_*");
        }
        Conditions.Compiled condition = condition(label, item);
        String reason = DocumentText.scalar(item.get("reason"));
        ApprovalRequirement approval = ApprovalReader.read(verdict, label, item, problems);
        if (problems.size() > before) {
            return null;
        }
        return new Rule(
                id,
                action,
                DocumentText.scalar(item.get("when")),
                verdict,
                reason == null ? "rule '" + id + "' matched" : reason,
                ruleAt.getLineNr(),
                action == null ? null : globs.computeIfAbsent(action, Rule::glob),
                condition == null ? null : condition.program(),
                approval);
    }

    private static List<String> reversed(List<String> outermostFirst) {
        List<String> innermostFirst = new ArrayList<>(outermostFirst);
        Collections.reverse(innermostFirst);
        return innermostFirst;
    }

    /** The rule's compiled {@code when:}, or {@code null} when it has none or it does not compile. */
    private Conditions.Compiled condition(String label, PolicyTree.Node item) {
        if (!item.fields().containsKey("when")) {
            return null;
        }
        String when = DocumentText.scalar(item.get("when"));
        if (when == null || when.isBlank()) {
            problems.add(item.valueAt("when"), label, "'when' must be a CEL expression");
            return null;
        }
        if (lazy) {
            String id = DocumentText.scalar(item.get("id"));
            if (id != null) {
                pending.put(id, item.valueAt("when"));
            }
            return null;
        }
        Conditions.Compiled compiled = this.compiled.get(when);
        if (compiled == null) {
            alone = alone == null ? new Conditions.Batch() : alone;
            compiled = alone.compile(when);
        }
        report(compiled, when, item.valueAt("when"), label, problems);
        return compiled;
    }

    /** Adds the errors of {@code compiled}, the condition {@code when} at {@code at} of rule {@code label}, and its warning. */
    static void report(
            Conditions.Compiled compiled, String when, JsonLocation at, String label, PolicyProblems problems) {
        for (String error : compiled.errors()) {
            problems.add(at, label, "condition '" + when + "' does not compile: " + error);
        }
        if (!compiled.nested().isEmpty()) {
            problems.warn(
                    at,
                    label,
                    "condition nests " + String.join(" inside ", reversed(compiled.nested()))
                            + ": its cost grows with the product of the sizes of their lists; an evaluation"
                            + " that exceeds " + Conditions.MAX_ITERATIONS
                            + " iterations stops, and the rule denies");
        }
    }
}
