package dev.actiongate.agent.policy;

import java.time.Duration;

/**
 * The policy's {@code escalation:} block: after {@code afterDenials} denied attempts of the same
 * action by the same actor for the same tenant within {@code within}, the next attempt is
 * escalated: denied, and an incident is recorded.
 *
 * @param afterDenials how many denials within the window make the next attempt an incident
 * @param within       the sliding window the denials are counted in
 * @param withinText   the window as the policy wrote it, for records and messages
 */
public record Escalation(int afterDenials, Duration within, String withinText) {}
