package dev.actiongate;

import java.util.List;

/**
 * Thrown from a governed method, before any statement of its body runs, when the policy did not
 * allow the call. The decision record with the same {@link #decisionId()} says why in full.
 */
public class ActionDeniedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String decisionId;
    private final String action;
    private final String verdict;
    private final String reason;
    private final List<String> matchedRules;

    /**
     * @param decisionId   id of the decision record, or {@code null} when no record could be written
     * @param action       the governed action name
     * @param verdict      the final verdict, lower case (for example {@code deny})
     * @param reason       why the call was not allowed
     * @param matchedRules ids of the policy rules that matched, possibly empty
     */
    public ActionDeniedException(
            String decisionId, String action, String verdict, String reason, List<String> matchedRules) {
        super(message(decisionId, action, verdict, reason, matchedRules));
        this.decisionId = decisionId;
        this.action = action;
        this.verdict = verdict;
        this.reason = reason;
        this.matchedRules = matchedRules == null ? List.of() : List.copyOf(matchedRules);
    }

    private static String message(
            String decisionId, String action, String verdict, String reason, List<String> matchedRules) {
        String rules = matchedRules == null || matchedRules.isEmpty()
                ? "no rule matched"
                : "rules " + String.join(", ", matchedRules);
        return "ActionGate " + verdict + ": action '" + action + "' (" + rules + "): " + reason
                + (decisionId == null ? "" : " [decision " + decisionId + "]");
    }

    /** Id of the decision record that holds the evidence for this denial. */
    public String decisionId() {
        return decisionId;
    }

    /** The governed action name. */
    public String action() {
        return action;
    }

    /** The final verdict as a lower-case string, for example {@code deny}. */
    public String verdict() {
        return verdict;
    }

    /** The reason the policy gave, or the fault that made the agent fail closed. */
    public String reason() {
        return reason;
    }

    /** Ids of the rules that matched this call, in policy order. */
    public List<String> matchedRules() {
        return matchedRules;
    }
}
