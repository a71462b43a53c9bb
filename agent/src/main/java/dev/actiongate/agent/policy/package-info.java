/**
 * Policies: load a YAML file, compile its CEL conditions once (a large policy at the agent's
 * start: per action on its first call and on a background thread, {@code ActionRules}), and
 * evaluate them for a call, on
 * the call's arguments as {@link dev.actiongate.agent.policy.PolicyValues} converts them: within a
 * budget, never following a cycle, and with every part it did not convert failing the condition
 * that reads it.
 * No I/O beyond reading the policy file; knows nothing of instrumentation, the gate or approvals.
 * May use config, digest and one type of records ({@code PartlyRead}, which marks an argument a
 * condition read in part).
 */
package dev.actiongate.agent.policy;
