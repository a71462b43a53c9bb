package dev.actiongate.agent.approvals;

import dev.actiongate.agent.records.Timestamps;

/**
 * Who may decide a request, the same for every desk: only a pending request, never by the actor
 * or the person acted for, only by a reviewer the rule names (names compared canonically).
 */
public final class ReviewRules {

    private ReviewRules() {}

    /** Why {@code by} may not decide {@code approval} by {@code verb}, or {@code null} when they may. */
    public static String refusal(Approval approval, String by, String verb) {
        if (approval.status() != ApprovalStatus.PENDING) {
            return "approval " + approval.id() + " is already "
                    + approval.status().wireName()
                    + (approval.reviewer() == null
                            ? ""
                            : " (by " + approval.reviewer() + " at " + Timestamps.of(approval.reviewedAt()) + ")")
                    + "; it cannot be decided again";
        }
        boolean actor = Identity.same(by, approval.actor());
        if (actor || Identity.same(by, approval.onBehalfOf())) {
            return "separation of duties: " + by + " is the " + (actor ? "actor" : "person acted for")
                    + " of this call (names are compared in their canonical form) and cannot " + verb + " it";
        }
        if (approval.reviewers().stream().noneMatch(reviewer -> Identity.same(by, reviewer))) {
            return by + " is not an approver of this call; approvers: " + String.join(", ", approval.approvers());
        }
        return null;
    }
}
