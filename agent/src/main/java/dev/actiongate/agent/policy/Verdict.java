package dev.actiongate.agent.policy;

import java.util.Locale;

/**
 * What a rule, or the policy as a whole, says about a call; ordered from least to most
 * restrictive. {@link #ESCALATE} is never written in a rule: the policy's {@code escalation:}
 * turns a call into one after repeated denials.
 */
public enum Verdict {
    ALLOW,
    REQUIRE_APPROVAL,
    DENY,
    ESCALATE;

    private final String wireName = name().toLowerCase(Locale.ROOT);

    /** The lower-case name used in policy files, records and exceptions. */
    public String wireName() {
        return wireName;
    }

    /** The more restrictive of the two: deny over require_approval over allow. */
    public Verdict strictest(Verdict other) {
        return other.ordinal() > ordinal() ? other : this;
    }

    /** Parses a rule's or a default's verdict, or returns {@code null} when it names none a rule may give. */
    public static Verdict parse(String text) {
        for (Verdict verdict : values()) {
            if (verdict != ESCALATE && verdict.wireName.equals(text)) {
                return verdict;
            }
        }
        return null;
    }
}
