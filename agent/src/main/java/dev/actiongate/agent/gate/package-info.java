/**
 * The gate: the one decision path behind the bootstrap bridge (build the policy input,
 * evaluate, record, enforce), the registry of governed methods, escalation of repeated denials,
 * holding calls for approval ({@link dev.actiongate.agent.gate.ApprovalHold}), policy reloads,
 * the run-time kill switch, and the application's own copies of SLF4J and of the ActionGate API
 * (record lines, MDC, scopes, exceptions). Calls the policy, records, approvals and escalation
 * packages.
 */
package dev.actiongate.agent.gate;
