package dev.actiongate.agent.policy;

import java.util.Locale;

/** Whether verdicts are enforced or only recorded. */
public enum Mode {
    /** A verdict other than allow stops the call. */
    ENFORCE,
    /** Every verdict is recorded with {@code enforced: false}; the body always runs. */
    MONITOR;

    /** Independent of the JVM's default locale, so a Turkish one cannot spell it differently. */
    private final String wireName = name().toLowerCase(Locale.ROOT);

    /** The name in policies, records, {@code /status} and the log: {@code enforce} or {@code monitor}. */
    public String wireName() {
        return wireName;
    }
}
