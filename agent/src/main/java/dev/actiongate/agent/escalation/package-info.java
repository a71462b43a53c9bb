/**
 * Escalation: counting denied attempts per actor, action and tenant in a sliding window, and
 * delivering incidents to a webhook. The gate decides when to escalate and records the
 * incident; this package calls nothing else of the agent.
 */
package dev.actiongate.agent.escalation;
