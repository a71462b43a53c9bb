/**
 * The gate: the one decision path behind the bootstrap bridge (build the policy input,
 * evaluate, record, enforce), the registry of governed methods, escalation of repeated denials,
 * holding calls for approval ({@link dev.actiongate.agent.gate.ApprovalHold}), policy reloads,
 * the run-time kill switch, and the application's own copies of SLF4J and of the ActionGate API
 * (record lines, MDC, scopes, exceptions). {@link dev.actiongate.agent.gate.Gate} keeps enter and
 * exit and hands each job to one collaborator (PolicyInForce, GovernanceSwitch, PolicyInput,
 * DenialEscalation, QuotaCheck, ApprovalRequests, ApprovalHold, DecisionRecords, RecordOrDeny, Denial, FaultLog,
 * RefusedInstall); see docs/architecture.md. Writes records only through
 * {@link dev.actiongate.agent.records.RecordSink}
 * counts denials only through {@link dev.actiongate.agent.escalation.EventCounter} and quotas only
 * through {@link dev.actiongate.agent.quota.QuotaCounter}.
 * May use the policy, records, approvals, escalation, quota, config and digest packages and the bootstrap
 * bridge; only the agent's wiring, the admin API and the instrumentation's method registry use it.
 */
package dev.actiongate.agent.gate;
