/**
 * The agent proper, loaded in isolation from the application: {@link dev.actiongate.agent.ActionGateAgent}
 * wires configuration, policy, records, gate and instrumentation together at start-up.
 */
package dev.actiongate.agent;
