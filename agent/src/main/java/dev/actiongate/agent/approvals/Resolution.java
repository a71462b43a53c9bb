package dev.actiongate.agent.approvals;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * How a call held for approval ended: the {@code verdict} of its {@code approval_resolved}
 * record and of the exception a denied caller sees. The wire names are public contract.
 */
public enum Resolution {
    /** Approved, still the approved call, and the approval was used: the body runs. */
    ALLOW("allow"),
    /** The approval could not be checked, or the call changed while it waited: fail closed. */
    DENY("deny"),
    /** A reviewer rejected it. */
    REJECTED("approval_rejected"),
    /** No reviewer decided in time, or the wait was interrupted. */
    TIMEOUT("approval_timeout"),
    /** Granted, but expired or used by another call before this one could run. */
    EXPIRED("approval_expired");

    private final String wireName;

    Resolution(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public boolean allowed() {
        return this == ALLOW;
    }

    /** The resolution a record names; anything else is an error that lists the names there are. */
    public static Resolution parse(String wireName) {
        for (Resolution resolution : values()) {
            if (resolution.wireName.equals(wireName)) {
                return resolution;
            }
        }
        throw new IllegalArgumentException("unknown approval resolution '" + wireName + "'; expected one of "
                + Arrays.stream(values()).map(Resolution::wireName).collect(Collectors.joining(", ")));
    }
}
