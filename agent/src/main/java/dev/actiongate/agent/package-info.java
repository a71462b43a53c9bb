/**
 * The agent proper, loaded in isolation from the application: {@link dev.actiongate.agent.ActionGateAgent}
 * wires configuration, policy, records, approvals, gate, admin API and instrumentation together
 * at start-up, and {@link dev.actiongate.agent.RunningAgent} is how it is seen and detached later.
 */
package dev.actiongate.agent;
