/**
 * Escalation: counting events per key in a sliding window behind {@link dev.actiongate.agent.escalation.EventCounter}
 * (denied attempts per actor, action and tenant, in memory by default), and delivering incidents
 * to a webhook (through {@code webhook.JsonPoster}). The gate decides when to escalate and records
 * the incident; this package calls nothing else of the agent but that poster.
 */
package dev.actiongate.agent.escalation;
