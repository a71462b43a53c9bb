package dev.actiongate.agent.policy;

import java.util.Locale;

/** What a rule, or the policy as a whole, says about a call; ordered from least to most restrictive. */
public enum Verdict {
    ALLOW,
    REQUIRE_APPROVAL,
    DENY;

    private final String wireName = name().toLowerCase(Locale.ROOT);

    /** The lower-case name used in policy files, records and exceptions. */
    public String wireName() {
        return wireName;
    }

    /** The more restrictive of the two: deny over require_approval over allow. */
    public Verdict strictest(Verdict other) {
        return other.ordinal() > ordinal() ? other : this;
    }

    /** Parses a policy file's verdict, or returns {@code null} when it names none. */
    public static Verdict parse(String text) {
        for (Verdict verdict : values()) {
            if (verdict.wireName.equals(text)) {
                return verdict;
            }
        }
        return null;
    }
}
