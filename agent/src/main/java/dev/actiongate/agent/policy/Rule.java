package dev.actiongate.agent.policy;

import dev.cel.runtime.Program;
import java.util.regex.Pattern;

/**
 * One compiled policy rule.
 *
 * @param id        unique id, named in records and exceptions
 * @param action    the action name or glob the rule applies to, or {@code null} for every action
 * @param when      the CEL condition's source, or {@code null} for always
 * @param verdict   what the rule says when it matches
 * @param reason    the human reason recorded and thrown when the rule decides
 * @param line      line of the rule in the policy file (1-based)
 * @param approval  who may approve and how long to wait, for a {@code require_approval} rule; else {@code null}
 */
public record Rule(
        String id,
        String action,
        String when,
        Verdict verdict,
        String reason,
        int line,
        Pattern actionPattern,
        Program condition,
        ApprovalRequirement approval) {

    /** Whether the rule applies to {@code actionName} at all. */
    public boolean appliesTo(String actionName) {
        return actionPattern == null || actionPattern.matcher(actionName).matches();
    }

    /** This rule with its condition compiled to {@code program}. */
    Rule withCondition(Program program) {
        return new Rule(id, action, when, verdict, reason, line, actionPattern, program, approval);
    }

    /**
     * This rule, whose condition does not compile, as a rule that denies whenever it applies: the
     * policy that has it denies every call anyway, and this one would still fail closed without.
     */
    Rule denying() {
        return new Rule(
                id,
                action,
                when,
                Verdict.DENY,
                "rule '" + id + "': its condition does not compile; denied",
                line,
                actionPattern,
                null,
                null);
    }

    /** Turns a glob such as {@code send_*} into a pattern; {@code null} when {@code action} is null. */
    static Pattern glob(String action) {
        if (action == null) {
            return null;
        }
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < action.length(); i++) {
            char c = action.charAt(i);
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString());
    }
}
