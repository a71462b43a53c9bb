/**
 * Approvals: calls the policy holds for a named reviewer. Owns the approval requests and their
 * life cycle (pending, approved, rejected, expired, consumed), the durable file they are kept
 * in, the action digest that binds an approval to exactly what was asked, and the reviewers'
 * rules (named approvers only, never one's own call, one decision per request).
 */
package dev.actiongate.agent.approvals;
