package dev.actiongate.agent.policy;

import java.util.List;

/**
 * The outcome of evaluating a policy for one call.
 *
 * @param verdict      the most restrictive verdict among the matched rules, else the default
 * @param matchedRules ids of every rule that matched (or failed to evaluate), in policy order
 * @param reason       why: the deciding rules' reasons, or why no rule matched
 * @param enforced     {@code false} in monitor mode: the verdict is recorded, not applied
 * @param approval     for {@code require_approval}: who may approve, combined over the rules that asked;
 *                     else {@code null}
 * @param limit        the limit that refused the call, or {@code null} when none did
 */
public record Decision(
        Verdict verdict,
        List<String> matchedRules,
        String reason,
        boolean enforced,
        ApprovalRequirement approval,
        LimitReached limit) {

    public Decision {
        matchedRules = List.copyOf(matchedRules);
    }

    public Decision(
            Verdict verdict, List<String> matchedRules, String reason, boolean enforced, ApprovalRequirement approval) {
        this(verdict, matchedRules, reason, enforced, approval, null);
    }

    public Decision(Verdict verdict, List<String> matchedRules, String reason, boolean enforced) {
        this(verdict, matchedRules, reason, enforced, null, null);
    }

    /** The same decision, applied or only recorded as ops switched the mode at run time. */
    public Decision withEnforced(boolean applied) {
        return new Decision(verdict, matchedRules, reason, applied, approval, limit);
    }

    /** The same decision with another verdict and reason, as escalation makes of it. */
    public Decision withVerdict(Verdict newVerdict, String newReason) {
        return new Decision(
                newVerdict,
                matchedRules,
                newReason,
                enforced,
                newVerdict == Verdict.REQUIRE_APPROVAL ? approval : null,
                limit);
    }
}
