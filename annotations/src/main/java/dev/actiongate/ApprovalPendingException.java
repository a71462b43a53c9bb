package dev.actiongate;

import java.util.List;

/**
 * Thrown at once, instead of waiting, when a call needs approval and the caller (or the rule)
 * chose {@link ActionContext.Approval#FAIL_FAST}. The approval request stays pending under
 * {@link #decisionId()}; once a reviewer approves it, making the same call again (same action,
 * context and arguments) before the approval expires runs it once.
 */
public class ApprovalPendingException extends ActionDeniedException {

    private static final long serialVersionUID = 1L;

    /** The verdict this exception carries. */
    public static final String VERDICT = "approval_pending";

    /**
     * @param decisionId   id of the pending approval, which is the id of the decision that asked for it
     * @param action       the governed action name
     * @param reason       why approval is needed and who may give it
     * @param matchedRules ids of the policy rules that asked for approval
     */
    public ApprovalPendingException(String decisionId, String action, String reason, List<String> matchedRules) {
        super(decisionId, action, VERDICT, reason, matchedRules);
    }
}
