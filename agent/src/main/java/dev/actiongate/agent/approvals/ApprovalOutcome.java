package dev.actiongate.agent.approvals;

/**
 * How a call held for approval ended: the {@code verdict} of its {@code approval_resolved}
 * record and of the exception a denied caller sees. The wire names are public contract.
 */
public enum ApprovalOutcome {
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

    ApprovalOutcome(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public boolean allowed() {
        return this == ALLOW;
    }
}
