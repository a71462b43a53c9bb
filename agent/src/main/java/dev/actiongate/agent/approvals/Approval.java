package dev.actiongate.agent.approvals;

import dev.actiongate.agent.records.Timestamps;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One approval request and where it stands. Immutable: every change of status is a new value,
 * written to the store before anyone acts on it.
 *
 * @param id            the id of the decision that asked for approval
 * @param arguments     the masked argument summary reviewers see (never the raw values)
 * @param approvers     who may approve, as the policy wrote it
 * @param reviewers     the people named, groups expanded
 * @param actionDigest  see {@link ActionDigest}
 * @param expiresAt     until when a pending request can be decided, or an approval used
 * @param consumedBy    the decision that ran on this approval, once consumed
 */
public record Approval(
        String id,
        ApprovalStatus status,
        String action,
        String method,
        String actor,
        String onBehalfOf,
        String tenant,
        String environment,
        String callerReason,
        Map<String, Object> arguments,
        List<String> matchedRules,
        String reason,
        List<String> approvers,
        Set<String> reviewers,
        String policyVersion,
        String actionDigest,
        Instant requestedAt,
        Instant expiresAt,
        String reviewer,
        String comment,
        Instant reviewedAt,
        String consumedBy) {

    public Approval {
        matchedRules = List.copyOf(matchedRules);
        approvers = List.copyOf(approvers);
        reviewers = Set.copyOf(reviewers);
    }

    /** The same request after a reviewer's decision. */
    public Approval reviewed(ApprovalStatus decided, String by, String note, Instant at, Instant validUntil) {
        return new Approval(
                id,
                decided,
                action,
                method,
                actor,
                onBehalfOf,
                tenant,
                environment,
                callerReason,
                arguments,
                matchedRules,
                reason,
                approvers,
                reviewers,
                policyVersion,
                actionDigest,
                requestedAt,
                validUntil,
                by,
                note,
                at,
                consumedBy);
    }

    /** The same request in {@code newStatus}, used by {@code consumer} when consumed. */
    public Approval withStatus(ApprovalStatus newStatus, String consumer) {
        return new Approval(
                id,
                newStatus,
                action,
                method,
                actor,
                onBehalfOf,
                tenant,
                environment,
                callerReason,
                arguments,
                matchedRules,
                reason,
                approvers,
                reviewers,
                policyVersion,
                actionDigest,
                requestedAt,
                expiresAt,
                reviewer,
                comment,
                reviewedAt,
                consumer);
    }

    /** The form the admin API shows and the store keeps; {@code age_ms} and {@code waiting} are added by the API. */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("id", id);
        map.put("status", status.wireName());
        map.put("action", action);
        map.put("method", method);
        map.put("actor", actor);
        map.put("on_behalf_of", onBehalfOf);
        map.put("tenant", tenant);
        map.put("environment", environment);
        map.put("caller_reason", callerReason);
        map.put("arguments", arguments);
        map.put("matched_rules", matchedRules);
        map.put("reason", reason);
        map.put("approvers", approvers);
        map.put("reviewers", reviewers.stream().sorted().toList());
        map.put("policy_version", policyVersion);
        map.put("action_digest", actionDigest);
        map.put("requested_at", Timestamps.of(requestedAt));
        map.put("expires_at", Timestamps.of(expiresAt));
        map.put("reviewer", reviewer);
        map.put("comment", comment);
        map.put("reviewed_at", reviewedAt == null ? null : Timestamps.of(reviewedAt));
        map.put("consumed_by", consumedBy);
        return map;
    }

    /** Reads what {@link #toMap} wrote; times in either form a store has held (milliseconds, or nanoseconds before). */
    @SuppressWarnings("unchecked")
    public static Approval fromMap(Map<String, Object> map) {
        return new Approval(
                text(map, "id"),
                ApprovalStatus.parse(text(map, "status")),
                text(map, "action"),
                text(map, "method"),
                text(map, "actor"),
                text(map, "on_behalf_of"),
                text(map, "tenant"),
                text(map, "environment"),
                text(map, "caller_reason"),
                map.get("arguments") instanceof Map<?, ?> args ? (Map<String, Object>) args : Map.of(),
                strings(map.get("matched_rules")),
                text(map, "reason"),
                strings(map.get("approvers")),
                new LinkedHashSet<>(strings(map.get("reviewers"))),
                text(map, "policy_version"),
                text(map, "action_digest"),
                Instant.parse(text(map, "requested_at")),
                Instant.parse(text(map, "expires_at")),
                text(map, "reviewer"),
                text(map, "comment"),
                map.get("reviewed_at") == null ? null : Instant.parse(text(map, "reviewed_at")),
                text(map, "consumed_by"));
    }

    private static String text(Map<String, Object> map, String key) {
        Object value = map.get(key);
        return value == null ? null : value.toString();
    }

    private static List<String> strings(Object value) {
        List<String> out = new ArrayList<>();
        if (value instanceof List<?> list) {
            list.forEach(item -> out.add(String.valueOf(item)));
        }
        return out;
    }
}
