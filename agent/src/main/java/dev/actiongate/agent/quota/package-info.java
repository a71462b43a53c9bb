/**
 * Quotas: how much of a policy limit's budget a key has used in the current window, defined by
 * what the gate needs ({@link dev.actiongate.agent.quota.QuotaCounter}), and the in-memory
 * counter of one JVM ({@link dev.actiongate.agent.quota.LocalQuotas}). The fleet's store implements
 * the same interface with leases on a shared database. Uses the JDK only.
 */
package dev.actiongate.agent.quota;
