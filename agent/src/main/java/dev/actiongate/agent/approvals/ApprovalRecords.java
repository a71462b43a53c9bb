package dev.actiongate.agent.approvals;

import dev.actiongate.agent.records.Timestamps;
import java.util.LinkedHashMap;
import java.util.Map;

/** The decision records the approval desk writes, as evidence of every review, refusal and expiry. */
final class ApprovalRecords {

    private ApprovalRecords() {
    }

    /** An {@code approval_expired} record for {@code approval}, as it stood before it expired. */
    static Map<String, Object> expired(Approval approval) {
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

    /** An {@code approval_reviewed} or {@code approval_refused} record; {@code refusal} says why it was refused. */
    static Map<String, Object> review(String kind, Approval approval, String reviewer, String comment, String verb,
                                      String refusal) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("action", approval.action());
        record.put("action_digest", approval.actionDigest());
        record.put("actor", approval.actor());
        record.put("comment", comment);
        record.put("decision_id", approval.id());
        record.put("kind", kind);
        record.put("on_behalf_of", approval.onBehalfOf());
        record.put("policy_version", approval.policyVersion());
        if (refusal != null) {
            record.put("problem", refusal);
        }
        record.put("requested", verb);
        record.put("reviewer", reviewer);
        record.put("status", approval.status().wireName());
        record.put("tenant", approval.tenant());
        record.put("timestamp", Timestamps.now());
        return record;
    }
}
