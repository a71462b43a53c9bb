package dev.actiongate.agent.policy;

/** Whether verdicts are enforced or only recorded. */
public enum Mode {
    /** A verdict other than allow stops the call. */
    ENFORCE,
    /** Every verdict is recorded with {@code enforced: false}; the body always runs. */
    MONITOR
}
