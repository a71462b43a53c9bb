package dev.actiongate.agent.approvals;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a held call asks reviewers to decide: everything a request carries before the desk files
 * it. The desk adds the status, the request and expiry times, and later the review.
 *
 * @param id           the id of the decision that asks for approval
 * @param method       the governed method's signature
 * @param arguments    the masked argument summary reviewers see (never the raw values)
 * @param approvers    who may approve, as the policy wrote it
 * @param reviewers    the people named, groups expanded
 * @param actionDigest see {@link ActionDigest}
 */
public record ApprovalDraft(
        String id,
        String action,
        String method,
        String actor,
        String onBehalfOf,
        String tenant,
        String environment,
        String callerReason,
        Map<String, Object> arguments,
        List<String> matchedRules,
        String reason,
        List<String> approvers,
        Set<String> reviewers,
        String policyVersion,
        String actionDigest) {

    /** The request as filed at {@code now}, pending until {@code expiresAt}. */
    public Approval pending(Instant now, Instant expiresAt) {
        return new Approval(
                id,
                ApprovalStatus.PENDING,
                action,
                method,
                actor,
                onBehalfOf,
                tenant,
                environment,
                callerReason,
                arguments,
                matchedRules,
                reason,
                approvers,
                reviewers,
                policyVersion,
                actionDigest,
                now,
                expiresAt,
                null,
                null,
                null,
                null);
    }
}
