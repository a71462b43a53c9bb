/**
 * Posting JSON to an http(s) URL off the caller's thread: one {@link dev.actiongate.agent.webhook.JsonPoster}
 * per endpoint, with its own daemon thread, connect and answer timeouts. Incidents
 * ({@code escalation}) and the checkpoint trail ({@code records}) both leave through it; what to
 * do when an attempt fails (retry, give up, report) is theirs.
 *
 * <p>Uses the JDK only.
 */
package dev.actiongate.agent.webhook;
