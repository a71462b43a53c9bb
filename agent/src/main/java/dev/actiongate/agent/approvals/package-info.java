/**
 * Approvals: calls the policy holds for a named reviewer. Owns the approval requests and their
 * life cycle (pending, approved, rejected, expired, consumed), the durable file they are kept
 * in, the action digest that binds an approval to exactly what was asked, and the reviewers'
 * rules (named approvers only, never one's own call, one decision per request).
 *
 * <p>Callers see the {@link dev.actiongate.agent.approvals.Approvals} interface: a request is
 * filed from an {@code ApprovalDraft}, stands as an {@code Approval} with an
 * {@code ApprovalStatus}, and a held call's end is a {@code Resolution}. The default desk is
 * {@code FileApprovals}, which keeps requests in an {@code ApprovalStore} file, wakes waiting
 * callers through {@code Waiters} and writes its records through {@code ApprovalRecords}. The
 * store is evidence too: {@code StoreLines} seals each line with the {@code StoreKey}, and
 * {@code StoreReconciliation} checks the store against the decision records when it opens.
 *
 * <p>May use the records package (canonical JSON, timestamps), the digest package and SLF4J;
 * knows nothing of the gate, policies or the admin API.
 */
package dev.actiongate.agent.approvals;
