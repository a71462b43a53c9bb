package dev.actiongate.agent.policy;

import java.util.List;

/**
 * The outcome of evaluating a policy for one call.
 *
 * @param verdict      the most restrictive verdict among the matched rules, else the default
 * @param matchedRules ids of every rule that matched (or failed to evaluate), in policy order
 * @param reason       why: the deciding rules' reasons, or why no rule matched
 * @param enforced     {@code false} in monitor mode: the verdict is recorded, not applied
 */
public record Decision(Verdict verdict, List<String> matchedRules, String reason, boolean enforced) {

    public Decision {
        matchedRules = List.copyOf(matchedRules);
    }
}
