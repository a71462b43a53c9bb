package dev.actiongate.agent.gate;

import dev.actiongate.agent.policy.Mode;

/**
 * What ops switched at run time, on top of the policy: governing off altogether, or the mode
 * forced to monitor or enforce. Immutable; the gate swaps it whole.
 *
 * @param enabled {@code false}: governed methods run unrecorded
 * @param mode    the mode in force whatever the policy says, or {@code null} for the policy's
 * @param by      who switched, as they said when they did
 * @param since   when, ISO-8601
 */
public record Switches(boolean enabled, Mode mode, String by, String since) {

    /** Nothing switched: the policy decides. */
    public static final Switches NONE = new Switches(true, null, null, null);
}
