/**
 * The gate: the one decision path behind the bootstrap bridge (build the policy input,
 * evaluate, record, enforce), the registry of governed methods, escalation of repeated denials,
 * policy reloads, and the bridge to the application's own SLF4J (record lines, MDC). Calls the
 * policy, records and escalation packages; approvals will hook into its verdict handling.
 */
package dev.actiongate.agent.gate;
