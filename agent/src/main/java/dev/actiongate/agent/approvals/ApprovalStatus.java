package dev.actiongate.agent.approvals;

import java.util.Locale;

/** Where an approval request is in its life; only {@link #PENDING} and {@link #APPROVED} are open. */
public enum ApprovalStatus {
    /** Asked, no reviewer has decided yet. */
    PENDING,
    /** A reviewer approved it; the next call with the same digest runs once. */
    APPROVED,
    /** A reviewer rejected it. */
    REJECTED,
    /** Nobody decided, or nobody used the approval, within {@code approval_validity}. */
    EXPIRED,
    /** A call ran on it; it can never be used again. */
    CONSUMED,
    /**
     * The agent would not take the store's word for it: its line's seal did not hold, or the
     * decision records contradict it (see {@code StoreReconciliation}); never usable.
     */
    REFUSED;

    private final String wireName = name().toLowerCase(Locale.ROOT);

    public String wireName() {
        return wireName;
    }

    public boolean open() {
        return this == PENDING || this == APPROVED;
    }

    public static ApprovalStatus parse(String text) {
        for (ApprovalStatus status : values()) {
            if (status.wireName.equals(text)) {
                return status;
            }
        }
        throw new IllegalArgumentException("unknown approval status '" + text + "'");
    }
}
