package dev.actiongate.demo;

import java.util.List;

/**
 * Who can decide a call the policy holds for approval, which sets what the demo expects of row 5.
 */
enum Review {
    /**
     * No admin API is configured, so no reviewer could ever answer: the agent refuses the call at
     * once. Its verdict says approval was required (docs/policy.md); {@code deny} is accepted too,
     * as both mean the same refusal.
     */
    NONE(List.of("require_approval", "deny")),
    /** A person decides in the console or the CLI, or nobody does before the rule's timeout. */
    BY_HAND(List.of("allow", "approval_rejected", "approval_timeout")),
    /** {@code --auto-approve-after}: the demo approves the call itself. */
    AUTOMATIC(List.of("allow"));

    @SuppressWarnings("ImmutableEnumChecker") // List.of: immutable, though the type does not say so
    private final List<String> verdicts;

    Review(List<String> verdicts) {
        this.verdicts = verdicts;
    }

    /** The verdicts a held call may end with, the likeliest first. */
    List<String> verdicts() {
        return verdicts;
    }
}
