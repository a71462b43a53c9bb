package dev.actiongate.agent.policy;

import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelVariableResolver;
import dev.cel.runtime.Program;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One compiled entry of the policy's {@code limits:}: at most {@code max} calls (or, with
 * {@code sum}, that much of an argument) per {@code key} in each window of {@code per}; a call
 * past it gets {@code verdict}.
 *
 * @param action   the action name or glob it applies to
 * @param keyText  the {@code key} expression as written; {@code key} compiled
 * @param sumText  the {@code sum} expression as written, or {@code null} to count calls; {@code sum}
 *                 compiled, or {@code null}
 * @param approval for {@code verdict: require_approval}, who may approve; else {@code null}
 * @param line     line of the limit in the policy file (1-based)
 */
public record Limit(
        String id,
        String action,
        Pattern actionPattern,
        String keyText,
        Program key,
        String sumText,
        Program sum,
        long max,
        Duration per,
        String perText,
        Verdict verdict,
        ApprovalRequirement approval,
        int line) {

    /** Whether the limit applies to {@code actionName}. */
    public boolean appliesTo(String actionName) {
        return actionPattern.matcher(actionName).matches();
    }

    /**
     * What a call comes to under this limit: its key and amount, or why they cannot be had.
     *
     * @param problem {@code null}, or why the call must be denied (its {@code key} or {@code sum}
     *                failed or gave a value of the wrong kind)
     */
    public record Measure(String key, long amount, String problem) {}

    /** The key and amount of the call whose CEL {@code variables} are given. */
    public Measure measure(Map<String, Object> variables) {
        CelVariableResolver resolver = name -> Optional.ofNullable(variables.get(name));
        Object keyValue = eval(key, resolver);
        if (!(keyValue instanceof String || keyValue instanceof Long)) {
            return new Measure(
                    null,
                    0,
                    "limit '" + id + "': key '" + keyText + "' " + described(keyValue)
                            + " (a key must be a string or an integer)");
        }
        if (sum == null) {
            return new Measure(String.valueOf(keyValue), 1, null);
        }
        Object amount = eval(sum, resolver);
        if (!(amount instanceof Long cents) || cents < 0) {
            return new Measure(
                    null,
                    0,
                    "limit '" + id + "': sum '" + sumText + "' " + described(amount)
                            + " (a sum must be a whole number of at least 0)");
        }
        return new Measure(String.valueOf(keyValue), cents, null);
    }

    private static Object eval(Program program, CelVariableResolver resolver) {
        try {
            return program.eval(resolver);
        } catch (CelEvaluationException | RuntimeException e) {
            return e;
        }
    }

    private static String described(Object value) {
        if (value instanceof Throwable t) {
            return "could not be evaluated: "
                    + (t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage());
        }
        return "gave " + (value instanceof String ? "'" + value + "'" : String.valueOf(value));
    }

    /**
     * {@code decision} after this limit refused the call: its verdict (require_approval joins the
     * approvers of rules that already asked for approval), the reason, and what was reached.
     */
    public Decision refuse(Decision decision, LimitReached reached) {
        String reason = "limit '" + id + "' reached for key '" + reached.key() + "': " + reached.current()
                + (sum == null ? " calls" : "") + " of " + max + " per " + perText + " used"
                + (sum == null ? "" : ", this call adds " + reached.amount());
        if (verdict == Verdict.DENY) {
            return new Decision(Verdict.DENY, decision.matchedRules(), reason, decision.enforced(), null, reached);
        }
        ApprovalRequirement needed = decision.verdict() == Verdict.REQUIRE_APPROVAL && decision.approval() != null
                ? decision.approval().and(approval)
                : approval;
        if (needed.reviewers().isEmpty()) {
            return new Decision(
                    Verdict.DENY,
                    decision.matchedRules(),
                    reason + "; approval is required, but no reviewer is named by every rule and limit asking for it ("
                            + String.join(", ", needed.approvers()) + "), so nobody could approve it",
                    decision.enforced(),
                    null,
                    reached);
        }
        String why = decision.verdict() == Verdict.REQUIRE_APPROVAL ? decision.reason() + "; " + reason : reason;
        return new Decision(
                Verdict.REQUIRE_APPROVAL, decision.matchedRules(), why, decision.enforced(), needed, reached);
    }
}
