package dev.actiongate.agent.gate;

import dev.actiongate.ActionContext;
import dev.actiongate.agent.approvals.ActionDigest;
import dev.actiongate.agent.approvals.Approval;
import dev.actiongate.agent.approvals.ApprovalDraft;
import dev.actiongate.agent.approvals.ApprovalStatus;
import dev.actiongate.agent.approvals.Approvals;
import dev.actiongate.agent.policy.ApprovalRequirement;
import dev.actiongate.agent.policy.Decision;
import dev.actiongate.agent.policy.Policy;
import dev.actiongate.agent.policy.PolicyValues;
import dev.actiongate.agent.policy.Verdict;
import dev.actiongate.agent.records.ArgumentSummary;
import dev.actiongate.agent.records.Timestamps;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;

/**
 * What a call the policy holds for approval comes to before its decision is recorded: it runs
 * on an approval granted earlier for exactly this call, is refused because a reviewer already
 * rejected exactly this call, joins or files a request, or is refused at once because no
 * reviewer could ever answer.
 */
final class ApprovalRequests {

    /**
     * How the call stands once held.
     *
     * @param decision  the policy's decision, possibly changed here
     * @param digest    what an approval must be bound to; {@code null} when none could be computed
     * @param request   the request this call waits on or fails fast with; {@code null} when none
     * @param consumed  the approval this call runs on; {@code null} when none
     */
    record Held(
            Decision decision,
            String digest,
            Approval request,
            Approval consumed,
            boolean failFast,
            Duration timeout) {}

    private final Duration approvalTimeout;

    /** @param approvalTimeout how long a held call waits unless its rule says otherwise */
    ApprovalRequests(Duration approvalTimeout) {
        this.approvalTimeout = approvalTimeout;
    }

    Held hold(
            GateState state,
            GovernedMethod method,
            CallContext context,
            ActionContext.Approval chosen,
            Map<String, Object> args,
            Decision decision,
            String decisionId) {
        ApprovalRequirement requirement = decision.approval();
        Approvals approvals = state.approvals();
        Terms terms = new Terms(
                chosen != null ? chosen == ActionContext.Approval.FAIL_FAST : requirement.failFast(),
                requirement.timeout() != null ? requirement.timeout() : approvalTimeout);
        // Nobody could ever answer: the call is refused at once, still saying that it needs approval.
        String unanswerable = approvals == null
                ? "approvals are unavailable: " + state.approvalsProblem()
                : !approvals.reviewable()
                        ? "no reviewer channel is configured: set admin_port and admin_token (or"
                                + " admin_token_file) so reviewers can answer"
                        : null;
        if (unanswerable != null) {
            String reason = "approval required (" + decision.reason() + ") but " + unanswerable;
            return terms.held(decision.withVerdict(Verdict.REQUIRE_APPROVAL, reason), null, null, null);
        }
        String digest = digest(method, context, args, state.policy());
        try {
            return fromStore(approvals, state, method, context, args, decision, decisionId, digest, terms);
        } catch (IOException e) {
            String reason = "approval required (" + decision.reason() + ") but the approvals store "
                    + approvals.location() + " failed: " + e;
            return terms.held(decision.withVerdict(Verdict.DENY, reason), digest, null, null);
        }
    }

    /** How long a held call waits, and whether it waits at all. */
    private record Terms(boolean failFast, Duration timeout) {
        Held held(Decision decision, String digest, Approval request, Approval consumed) {
            return new Held(decision, digest, request, consumed, failFast, timeout);
        }
    }

    /** What the store says of exactly this call: approved earlier, rejected, waited on, or new. */
    private static Held fromStore(
            Approvals approvals,
            GateState state,
            GovernedMethod method,
            CallContext context,
            Map<String, Object> args,
            Decision decision,
            String decisionId,
            String digest,
            Terms terms)
            throws IOException {
        Approval open = approvals.openFor(digest);
        if (open != null && open.status() == ApprovalStatus.APPROVED) {
            Approval consumed = approvals.consume(open.id(), decisionId);
            if (consumed != null) {
                String reason = "approved by " + consumed.reviewer() + " (approval " + consumed.id() + ", "
                        + decision.reason() + ")";
                return terms.held(decision.withVerdict(Verdict.ALLOW, reason), digest, null, consumed);
            }
            open = null;
        }
        Approval rejected = open == null ? approvals.standingRejection(digest) : null;
        if (rejected != null) {
            return terms.held(decision.withVerdict(Verdict.DENY, alreadyRejected(rejected)), digest, null, null);
        }
        // A retry joins the request already waiting for a reviewer instead of filing another;
        // a second caller waiting on the same call needs an approval of its own.
        if (open == null || (!terms.failFast() && approvals.waiting(open.id()))) {
            open = approvals.request(draft(state, method, context, args, decision, decisionId, digest));
        }
        String reason = "approval required: " + decision.reason() + "; approvers: "
                + String.join(", ", decision.approval().approvers());
        return terms.held(decision.withVerdict(Verdict.REQUIRE_APPROVAL, reason), digest, open, null);
    }

    private static String alreadyRejected(Approval rejected) {
        return "a reviewer already rejected exactly this call: " + rejected.reviewer() + " rejected approval "
                + rejected.id() + " at " + Timestamps.of(rejected.reviewedAt())
                + (rejected.comment() == null || rejected.comment().isBlank() ? "" : " (" + rejected.comment() + ")")
                + "; the same call stays refused until " + Timestamps.of(rejected.expiresAt());
    }

    private static ApprovalDraft draft(
            GateState state,
            GovernedMethod method,
            CallContext context,
            Map<String, Object> args,
            Decision decision,
            String decisionId,
            String digest) {
        ApprovalRequirement requirement = decision.approval();
        return new ApprovalDraft(
                decisionId,
                method.action(),
                method.signature(),
                context.actor(),
                context.onBehalfOf(),
                context.tenant(),
                context.environment(),
                context.reason(),
                ArgumentSummary.of(args, state.policy().redactedKeys(), PolicyValues.cutShort(args)),
                decision.matchedRules(),
                decision.reason(),
                requirement.approvers(),
                requirement.reviewers(),
                state.policy().version(),
                digest);
    }

    /** What an approval of this call is bound to. */
    static String digest(GovernedMethod method, CallContext context, Map<String, Object> args, Policy policy) {
        return ActionDigest.of(
                method.action(),
                context.actor(),
                context.onBehalfOf(),
                context.tenant(),
                context.environment(),
                args,
                policy.version());
    }
}
