package dev.actiongate.agent.approvals;

import dev.actiongate.agent.records.Timestamps;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The decision records the approval desk writes: a review, a refused review, an expiry, a request
 * the store's word was not taken for. Fields
 * are put in canonical (sorted) order; the kinds and fields are public contract (docs/records.md).
 */
public final class ApprovalRecords {

    private ApprovalRecords() {}

    /** {@code approval_reviewed}: a reviewer's decision, {@code approval} being the request after it. */
    public static Map<String, Object> reviewed(Approval approval, String reviewer, String comment, String verb) {
        return review("approval_reviewed", approval, reviewer, comment, verb, null);
    }

    /** {@code approval_refused}: a review that did not take effect, and why. */
    public static Map<String, Object> refused(
            Approval approval, String reviewer, String comment, String verb, String problem) {
        return review("approval_refused", approval, reviewer, comment, verb, problem);
    }

    /** {@code approval_expired}: a request nobody decided, or an approval nobody used, in time. */
    public static Map<String, Object> expired(Approval approval) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("action", approval.action());
        record.put("actor", approval.actor());
        record.put("decision_id", approval.id());
        record.put("expires_at", Timestamps.of(approval.expiresAt()));
        record.put("kind", "approval_expired");
        record.put("previous_status", approval.status().wireName());
        record.put("requested_at", Timestamps.of(approval.requestedAt()));
        record.put("reviewer", approval.reviewer());
        record.put("tenant", approval.tenant());
        record.put("timestamp", Timestamps.now());
        return record;
    }

    /**
     * {@code approval_store_refused}: a request the store said was open (or whose line's seal did
     * not hold) that the agent closed at start, and why.
     *
     * @param now         the request as it stands now, consumed or refused
     * @param storeStatus what the store's line said, or {@code sealed} when its seal did not hold
     */
    static Map<String, Object> storeRefused(
            Approval now, String store, int line, String storeStatus, String problem, String consumedBy) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("action", now.action());
        record.put("action_digest", now.actionDigest());
        record.put("actor", now.actor());
        record.put("consumed_by", consumedBy);
        record.put("decision_id", now.id());
        record.put("kind", "approval_store_refused");
        record.put("line", line);
        record.put("problem", problem);
        record.put("reviewer", now.reviewer());
        record.put("status", now.status().wireName());
        record.put("store", store);
        record.put("store_status", storeStatus);
        record.put("tenant", now.tenant());
        record.put("timestamp", Timestamps.now());
        return record;
    }

    private static Map<String, Object> review(
            String kind, Approval approval, String reviewer, String comment, String verb, String problem) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("action", approval.action());
        record.put("action_digest", approval.actionDigest());
        record.put("actor", approval.actor());
        record.put("comment", comment);
        record.put("decision_id", approval.id());
        record.put("kind", kind);
        record.put("on_behalf_of", approval.onBehalfOf());
        record.put("policy_version", approval.policyVersion());
        if (problem != null) {
            record.put("problem", problem);
        }
        record.put("requested", verb);
        record.put("reviewer", reviewer);
        record.put("status", approval.status().wireName());
        record.put("tenant", approval.tenant());
        record.put("timestamp", Timestamps.now());
        return record;
    }
}
