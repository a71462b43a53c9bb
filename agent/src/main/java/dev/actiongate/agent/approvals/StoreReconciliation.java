package dev.actiongate.agent.approvals;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.LoggerFactory;

/**
 * The approvals store checked against the decision records when it is opened. The records are
 * sealed and the store's lines are not evidence on their own: a store cut back to before an
 * approval was used, or given an {@code approved} line no reviewer wrote, must not let a call run.
 * So an open request the records show used is closed as consumed, and an approval the records do
 * not show a reviewer giving is refused; each is recorded ({@code approval_store_refused}) and
 * logged at ERROR, as is each line whose seal did not hold.
 */
final class StoreReconciliation {

    /**
     * How far before the oldest open request the records are read: a record's timestamp is taken
     * when its event starts, so the file is only roughly in time order.
     */
    static final Duration MARGIN = Duration.ofMinutes(5);

    private StoreReconciliation() {}

    /** What the records say of one open request that the store does not. */
    record Finding(Approval approval, ApprovalStatus now, String consumedBy, String problem) {}

    /** What the records say of the requests in question: who used them, and who reviewed them how. */
    private record Evidence(Map<String, String> consumers, Map<String, Set<String>> reviews) {}

    /** Reports the lines the store refused when it was opened, then checks its open requests against {@code history}. */
    static void run(ApprovalStore store, Approvals.History history, Approvals.Recorder recorder) throws IOException {
        StoreLines.Read opened = store.opened();
        for (StoreLines.Broken broken : opened.broken()) {
            Approval refused = store.get(broken.id());
            report(store, recorder, refused, broken.line(), "sealed", broken.problem(), null);
        }
        List<Approval> open = new ArrayList<>();
        store.all().stream().filter(a -> a.status().open()).forEach(open::add);
        for (Finding finding : findings(open, history)) {
            Approval before = finding.approval();
            store.put(before.withStatus(finding.now(), finding.consumedBy()));
            Integer line = opened.lineOf().get(before.id());
            report(
                    store,
                    recorder,
                    store.get(before.id()),
                    line == null ? 0 : line,
                    before.status().wireName(),
                    finding.problem(),
                    finding.consumedBy());
        }
    }

    /** The open requests in {@code open} that the records contradict; reads no records when there are none. */
    static List<Finding> findings(List<Approval> open, Approvals.History history) throws IOException {
        List<Finding> findings = new ArrayList<>();
        if (open.isEmpty()) {
            return findings;
        }
        Evidence evidence = evidence(open, history);
        for (Approval approval : open) {
            String consumer = evidence.consumers().get(approval.id());
            Set<String> reviews = evidence.reviews().getOrDefault(approval.id(), Set.of());
            if (consumer != null) {
                findings.add(new Finding(
                        approval,
                        ApprovalStatus.CONSUMED,
                        consumer,
                        "the decision records show it used by decision " + consumer + ", but the store's last line"
                                + " for it says " + approval.status().wireName()
                                + ": a line was cut from the store, or the store was put back to an earlier copy"));
            } else if (approval.status() == ApprovalStatus.APPROVED
                    && !reviews.contains("approved " + approval.reviewer())) {
                findings.add(new Finding(
                        approval,
                        ApprovalStatus.REFUSED,
                        null,
                        "the store says it was approved by " + approval.reviewer() + ", but the decision records have"
                                + " no approval_reviewed record of that review: the line was not written by a review"
                                + " in this agent"));
            } else if (approval.status() == ApprovalStatus.PENDING && !reviews.isEmpty()) {
                findings.add(new Finding(
                        approval,
                        ApprovalStatus.REFUSED,
                        null,
                        "the store says it is pending, but the decision records show it reviewed ("
                                + String.join(", ", reviews)
                                + "): a line was cut from the store, or the store was put back to an earlier"
                                + " copy"));
            }
        }
        return findings;
    }

    private static Evidence evidence(List<Approval> open, Approvals.History history) throws IOException {
        Set<String> ids = new HashSet<>();
        Instant oldest = Instant.MAX;
        for (Approval approval : open) {
            ids.add(approval.id());
            oldest = approval.requestedAt().isBefore(oldest) ? approval.requestedAt() : oldest;
        }
        Map<String, String> consumers = new HashMap<>();
        Map<String, Set<String>> reviews = new HashMap<>();
        history.since(oldest.minus(MARGIN), record -> {
            Object kind = record.get("kind");
            if ("decision".equals(kind) && ids.contains(text(record, "approval_consumed"))) {
                consumers.putIfAbsent(text(record, "approval_consumed"), text(record, "decision_id"));
            } else if ("approval_resolved".equals(kind)
                    && "allow".equals(record.get("verdict"))
                    && ids.contains(text(record, "approval_id"))) {
                consumers.putIfAbsent(text(record, "approval_id"), text(record, "decision_id"));
            } else if ("approval_reviewed".equals(kind) && ids.contains(text(record, "decision_id"))) {
                reviews.computeIfAbsent(text(record, "decision_id"), id -> new HashSet<>())
                        .add(text(record, "status") + " " + text(record, "reviewer"));
            }
        });
        return new Evidence(consumers, reviews);
    }

    private static String text(Map<String, Object> record, String key) {
        Object value = record.get(key);
        return value == null ? null : value.toString();
    }

    private static void report(
            ApprovalStore store,
            Approvals.Recorder recorder,
            Approval now,
            int line,
            String storeStatus,
            String problem,
            String consumedBy) {
        Map<String, Object> record =
                ApprovalRecords.storeRefused(now, store.path().toString(), line, storeStatus, problem, consumedBy);
        LoggerFactory.getLogger("actiongate")
                .error(
                        "approval {} in the approvals store {}:{} is {}: {}; it can never be used",
                        now.id(),
                        store.path(),
                        line,
                        now.status().wireName(),
                        problem);
        try {
            recorder.record(record);
        } catch (IOException | RuntimeException e) {
            LoggerFactory.getLogger("actiongate").error("and its record could not be written ({}): {}", e, record);
        }
    }
}
