package dev.actiongate.agent.gate;

import dev.actiongate.ActionContext;
import dev.actiongate.ApprovalPendingException;
import dev.actiongate.agent.approvals.Approval;
import dev.actiongate.agent.approvals.Approvals;
import dev.actiongate.agent.approvals.Resolution;
import dev.actiongate.agent.config.Durations;
import dev.actiongate.agent.policy.Decision;
import dev.actiongate.agent.policy.PolicyValues;
import dev.actiongate.agent.policy.Verdict;
import dev.actiongate.agent.records.Timestamps;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What the gate does with a call the policy holds for approval: runs it on an approval granted
 * for exactly this call, joins or files a request, and then waits for a reviewer, or fails fast,
 * recording how the hold ended.
 */
final class ApprovalHold {

    /**
     * Where a hold writes how it ended ({@code approval_resolved}) before the body may run; as with
     * a decision record, one that cannot be written denies the call.
     */
    @FunctionalInterface
    interface ResolutionSink {
        /** @throws dev.actiongate.ActionDeniedException when the record could not be written */
        void write(
                GateState state,
                GovernedMethod method,
                Map<String, Object> record,
                String decisionId,
                Decision decision);
    }

    private final ApprovalRequests requests;
    private final Map<String, String> contextMdc;
    private final DeploymentEnvironment deployment;
    private final ResolutionSink records;

    /**
     * @param approvalTimeout how long a held call waits unless its rule says otherwise
     * @param contextMdc      as the gate reads context, to recompute the digest before the body
     * @param deployment      as the gate applies it, to recompute the digest before the body
     * @param records         writes the records, so that a hold fails closed as a decision does
     */
    ApprovalHold(
            Duration approvalTimeout,
            Map<String, String> contextMdc,
            DeploymentEnvironment deployment,
            ResolutionSink records) {
        this.requests = new ApprovalRequests(approvalTimeout);
        this.contextMdc = contextMdc;
        this.deployment = deployment;
        this.records = records;
    }

    /** Runs the call on an approval granted earlier, joins or files a request, or refuses it at once. */
    ApprovalRequests.Held hold(
            GateState state,
            GovernedMethod method,
            CallContext context,
            ActionContext.Approval chosen,
            Map<String, Object> args,
            Decision decision,
            String decisionId) {
        return requests.hold(state, method, context, chosen, args, decision, decisionId);
    }

    /**
     * Holds the calling thread until a reviewer decides, the timeout passes, or, in fail-fast
     * mode, not at all. Returns only when the body may run; every other end throws.
     *
     * @param args the arguments as the policy saw them when the call was held
     */
    void awaitReviewer(
            GateState state,
            GovernedMethod method,
            Object[] arguments,
            Map<String, Object> args,
            Map<String, Object> decisionRecord,
            ApprovalRequests.Held held) {
        String decisionId = (String) decisionRecord.get("decision_id");
        String approvalId = held.request().id();
        Decision decision = held.decision();
        if (held.failFast()) {
            ApprovalPendingException pending = new ApprovalPendingException(
                    approvalId,
                    method.action(),
                    decision.reason() + "; approval " + approvalId + " is pending: make the same call again once a"
                            + " reviewer has approved it",
                    decision.matchedRules());
            throw Denial.trimmed(pending);
        }
        long start = System.nanoTime();
        Ending ending = resolve(state, method, arguments, args, decisionId, held);
        long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        Approval outcome = ending.outcome();
        Map<String, Object> resolved = new LinkedHashMap<>(20);
        resolved.put("action", method.action());
        resolved.put("actor", decisionRecord.get("actor"));
        resolved.put("approval_id", approvalId);
        resolved.put("comment", outcome == null ? null : outcome.comment());
        resolved.put("decision_id", decisionId);
        resolved.put("kind", "approval_resolved");
        resolved.put("reason", ending.reason());
        resolved.put(
                "reviewed_at",
                outcome == null || outcome.reviewedAt() == null ? null : Timestamps.of(outcome.reviewedAt()));
        resolved.put("reviewer", outcome == null ? null : outcome.reviewer());
        resolved.put("tenant", decisionRecord.get("tenant"));
        resolved.put("timestamp", Timestamps.now());
        resolved.put("verdict", ending.verdict().wireName());
        resolved.put("waited_ms", waitedMs);
        Decision resolvedDecision = new Decision(
                ending.allowed() ? Verdict.ALLOW : Verdict.DENY, decision.matchedRules(), ending.reason(), true);
        records.write(state, method, resolved, decisionId, resolvedDecision);
        if (!ending.allowed()) {
            throw Denial.of(
                    decisionId, method.action(), ending.verdict().wireName(), ending.reason(), decision.matchedRules());
        }
    }

    /**
     * How a wait for a reviewer ended.
     *
     * @param outcome the approval as it stands, or {@code null} when it could not be read
     * @param verdict the {@code approval_resolved} record's verdict
     */
    private record Ending(Approval outcome, Resolution verdict, String reason) {
        boolean allowed() {
            return verdict.allowed();
        }
    }

    private Ending resolve(
            GateState state,
            GovernedMethod method,
            Object[] arguments,
            Map<String, Object> args,
            String decisionId,
            ApprovalRequests.Held held) {
        String approvalId = held.request().id();
        Approvals approvals = state.approvals();
        try {
            Approval outcome = approvals.await(approvalId, held.timeout());
            return switch (outcome.status()) {
                case APPROVED -> approved(state, method, arguments, args, decisionId, held, outcome);
                case REJECTED ->
                    new Ending(
                            outcome,
                            Resolution.REJECTED,
                            "rejected by " + outcome.reviewer()
                                    + (outcome.comment() == null
                                                    || outcome.comment().isBlank()
                                            ? ""
                                            : ": " + outcome.comment()));
                default ->
                    new Ending(
                            outcome,
                            Resolution.TIMEOUT,
                            "approval request " + approvalId + " "
                                    + outcome.status().wireName() + " before a reviewer approved it");
            };
        } catch (TimeoutException e) {
            Approval outcome = approvals.get(approvalId);
            return new Ending(
                    outcome,
                    Resolution.TIMEOUT,
                    "no reviewer decided within "
                            + Durations.text(held.timeout()) + "; the request stays pending until "
                            + (outcome == null ? "it expires" : Timestamps.of(outcome.expiresAt()))
                            + " and a retry of the same call can use it");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Ending(
                    approvals.get(approvalId),
                    Resolution.TIMEOUT,
                    "the calling thread was interrupted while it waited for approval " + approvalId
                            + "; the call is denied, and the request stays open for a retry of the same call");
        } catch (IOException | RuntimeException e) {
            return new Ending(
                    approvals.get(approvalId),
                    Resolution.DENY,
                    "the approval could not be checked, failing closed: " + e);
        }
    }

    /** An approved call runs only if it is still the call that was approved, and the approval is still there. */
    private Ending approved(
            GateState state,
            GovernedMethod method,
            Object[] arguments,
            Map<String, Object> args,
            String decisionId,
            ApprovalRequests.Held held,
            Approval outcome)
            throws IOException {
        Map<String, Object> argsNow = method.arguments(arguments);
        PolicyValues.readLike(argsNow, args);
        String now = ApprovalRequests.digest(
                method,
                deployment.apply(
                        CallContext.of(
                                method.api().scope(),
                                contextMdc,
                                contextMdc.isEmpty() ? ApplicationSlf4j.NONE : method.slf4j()),
                        method.action()),
                argsNow,
                state.policy());
        if (!now.equals(held.digest())) {
            return new Ending(
                    outcome,
                    Resolution.DENY,
                    "the call changed while it waited for approval"
                            + " (its action digest is no longer the approved one); the approval stays unused");
        }
        String approvalId = held.request().id();
        if (state.approvals().consume(approvalId, decisionId) == null) {
            return new Ending(
                    outcome,
                    Resolution.EXPIRED,
                    "approval " + approvalId + " was granted but expired or was used before this call could run");
        }
        return new Ending(outcome, Resolution.ALLOW, "approved by " + outcome.reviewer());
    }
}
