/**
 * The gate: the one decision path behind the bootstrap bridge (build the policy input,
 * evaluate, record, enforce) and the registry of governed methods. Calls the policy and records
 * packages; later capabilities (approvals, admin API) hook into its verdict handling.
 */
package dev.actiongate.agent.gate;
