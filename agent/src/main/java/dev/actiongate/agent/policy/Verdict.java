package dev.actiongate.agent.policy;

import java.util.Locale;

/**
 * What a rule, or the policy as a whole, says about a call; ordered from least to most
 * restrictive. {@link #ESCALATE} is never written in a rule: the policy's {@code escalation:}
 * turns a call into one after repeated denials.
 */
public enum Verdict {
    ALLOW(0),
    REQUIRE_APPROVAL(1),
    DENY(2),
    ESCALATE(3);

    private final String wireName = name().toLowerCase(Locale.ROOT);
    /** Explicit rather than the declaration order, which a new verdict must not change by accident. */
    private final int strictness;

    Verdict(int strictness) {
        this.strictness = strictness;
    }

    private int strictness() {
        return strictness;
    }

    /** The lower-case name used in policy files, records and exceptions. */
    public String wireName() {
        return wireName;
    }

    /** The more restrictive of the two: deny over require_approval over allow. */
    public Verdict strictest(Verdict other) {
        return other.strictness() > strictness() ? other : this;
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
