/**
 * Policies: load a YAML file, compile its CEL conditions once, and evaluate them for a call.
 * No I/O beyond reading the policy file; knows nothing of instrumentation or records.
 */
package dev.actiongate.agent.policy;
