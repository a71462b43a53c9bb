package dev.actiongate.agent.policy;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Who may approve a call that the policy holds for approval, and how long it may wait. When
 * several rules ask for approval, one reviewer must satisfy all of them, the shortest timeout
 * applies, and fail-fast wins if any rule asks for it.
 *
 * @param approvers as the rules wrote them ({@code alice}, {@code group:support-leads}), for
 *                  records and reviewers' screens
 * @param reviewers the people named, with groups expanded: a reviewer must be one of them
 * @param timeout   how long a waiting caller waits, or {@code null} for the configured default
 * @param failFast  {@code true} when a rule said {@code approval: fail_fast}
 */
public record ApprovalRequirement(List<String> approvers, Set<String> reviewers, Duration timeout, boolean failFast) {

    public ApprovalRequirement {
        approvers = List.copyOf(approvers);
        reviewers = Set.copyOf(reviewers);
    }

    /** What two rules asking for approval require together. */
    ApprovalRequirement and(ApprovalRequirement other) {
        List<String> names = new java.util.ArrayList<>(approvers);
        other.approvers.stream().filter(name -> !names.contains(name)).forEach(names::add);
        Set<String> both = new java.util.HashSet<>(reviewers);
        both.retainAll(other.reviewers);
        Duration shorter = timeout == null
                ? other.timeout
                : other.timeout == null ? timeout : (timeout.compareTo(other.timeout) <= 0 ? timeout : other.timeout);
        return new ApprovalRequirement(names, both, shorter, failFast || other.failFast);
    }
}
