package dev.actiongate.agent.fleet;

import dev.actiongate.agent.approvals.Approval;
import dev.actiongate.agent.approvals.ApprovalDraft;
import dev.actiongate.agent.approvals.ApprovalRecords;
import dev.actiongate.agent.approvals.ApprovalStatus;
import dev.actiongate.agent.approvals.Approvals;
import dev.actiongate.agent.approvals.Identity;
import dev.actiongate.agent.approvals.Review;
import dev.actiongate.agent.approvals.ReviewRules;
import dev.actiongate.agent.approvals.Waiters;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import org.slf4j.LoggerFactory;

/**
 * The approval desk a fleet shares, in PostgreSQL: a request held on one instance is listed,
 * decided and consumed through any; a row lock decides who consumes an approval, so it runs
 * exactly once across the fleet; a decision is announced with NOTIFY and wakes the caller
 * waiting on its own instance at once. Reviews are recorded in the reviewing instance's
 * records before they are committed, as with the file desk.
 */
public final class FleetApprovals implements Approvals {

    private final FleetDatabase database;
    private final String service;
    private final String instance;
    private final Duration validity;
    private final Clock clock;
    private final Recorder recorder;
    private final Waiters waiters = new Waiters();
    private final Map<String, ApprovalRows.Row> seen = new ConcurrentHashMap<>();
    private volatile boolean reviewable;
    private volatile Closeable owner;

    FleetApprovals(
            FleetDatabase database,
            String service,
            String instance,
            Duration validity,
            Clock clock,
            Recorder recorder) {
        this.database = database;
        this.service = service;
        this.instance = instance;
        this.validity = validity;
        this.clock = clock;
        this.recorder = recorder;
    }

    /** The callers of this instance waiting on requests, woken by the notices of others' decisions. */
    Waiters waiters() {
        return waiters;
    }

    @Override
    public String location() {
        return "fleet store " + database.describe();
    }

    @Override
    public boolean reviewable() {
        return reviewable;
    }

    @Override
    public void reviewable(boolean value) {
        reviewable = value;
    }

    @Override
    public Approval openFor(String digest) throws IOException {
        ApprovalRows.Row open =
                database.inTransaction("finding the open request", c -> ApprovalRows.openFor(c, digest));
        if (open != null && !now().isBefore(open.approval().expiresAt())) {
            expire(open.approval().id());
            return null;
        }
        return open == null ? null : remembered(open);
    }

    @Override
    public Approval standingRejection(String digest) throws IOException {
        ApprovalRows.Row rejected =
                database.inTransaction("finding a rejection", c -> ApprovalRows.rejectedFor(c, digest));
        return rejected != null && now().isBefore(rejected.approval().expiresAt()) ? remembered(rejected) : null;
    }

    @Override
    public Approval request(ApprovalDraft draft) throws IOException {
        Instant now = now();
        Approval pending = draft.pending(now, now.plus(validity));
        database.inTransaction("filing the request", c -> {
            ApprovalRows.insert(c, pending, service, instance);
            return null;
        });
        seen.put(pending.id(), new ApprovalRows.Row(pending, service, instance));
        return pending;
    }

    @Override
    public Approval await(String id, Duration timeout) throws InterruptedException, TimeoutException {
        return waiters.await(id, timeout, () -> current(id));
    }

    /** Request {@code id} as the database has it, or {@code null} when it cannot be read now. */
    Approval current(String id) {
        try {
            return get(id);
        } catch (UncheckedIOException e) {
            return null;
        }
    }

    @Override
    public Approval consume(String id, String consumer) throws IOException {
        Instant now = now();
        Approval[] expired = new Approval[1];
        Approval consumed = database.inTransaction("consuming the approval", c -> {
            ApprovalRows.Row row = ApprovalRows.get(c, id, true);
            if (row == null || row.approval().status() != ApprovalStatus.APPROVED) {
                return null;
            }
            if (!now.isBefore(row.approval().expiresAt())) {
                expired[0] = row.approval();
                ApprovalRows.update(c, row.approval().withStatus(ApprovalStatus.EXPIRED, null));
                return null;
            }
            Approval used = row.approval().withStatus(ApprovalStatus.CONSUMED, consumer);
            ApprovalRows.update(c, used);
            return used;
        });
        if (expired[0] != null) {
            expired(expired[0]);
        }
        return consumed;
    }

    @Override
    public Review review(String id, boolean approve, String reviewer, String comment) {
        String by = reviewer == null ? "" : reviewer.trim();
        String verb = approve ? "approve" : "reject";
        Approval[] recorded = new Approval[1];
        try {
            expireIfDue(id);
            return database.inTransaction("recording the review", c -> {
                ApprovalRows.Row row = ApprovalRows.get(c, id, true);
                if (row == null) {
                    return new Review(404, null, "no approval request " + id);
                }
                Approval approval = row.approval();
                if (Identity.canonical(by).isEmpty()) {
                    return new Review(400, approval, "a reviewer name is required");
                }
                String refusal = ReviewRules.refusal(approval, by, verb);
                if (refusal != null) {
                    recorder.record(ApprovalRecords.refused(approval, by, comment, verb, refusal));
                    return new Review(approval.status() != ApprovalStatus.PENDING ? 409 : 403, approval, refusal);
                }
                Instant now = now();
                Approval reviewed = approval.reviewed(
                        approve ? ApprovalStatus.APPROVED : ApprovalStatus.REJECTED,
                        by,
                        comment,
                        now,
                        approve ? now.plus(validity) : approval.expiresAt());
                // Recorded first: a review the records do not hold never takes effect.
                recorder.record(ApprovalRecords.reviewed(reviewed, by, comment, verb));
                recorded[0] = approval;
                ApprovalRows.update(c, reviewed);
                return new Review(200, reviewed, null, () -> waiters.wake(reviewed));
            });
        } catch (IOException | RuntimeException e) {
            String problem = "the review did not take effect: " + e.getMessage();
            if (recorded[0] != null) {
                // The records already say it was decided: say, as evidence too, that it did not hold.
                try {
                    recorder.record(ApprovalRecords.refused(recorded[0], by, comment, verb, problem));
                } catch (IOException | RuntimeException ignored) {
                    // the 503 is all that is left to tell
                }
            }
            return new Review(503, recorded[0], problem);
        }
    }

    @Override
    public List<Approval> pending() {
        return rows("listing pending requests", ApprovalRows::pending).stream()
                .map(this::remembered)
                .toList();
    }

    @Override
    public Approval get(String id) {
        List<ApprovalRows.Row> row = rows("reading request " + id, c -> {
            ApprovalRows.Row found = ApprovalRows.get(c, id, false);
            return found == null ? List.of() : List.of(found);
        });
        return row.isEmpty() ? null : remembered(row.get(0));
    }

    @Override
    public boolean waiting(String id) {
        return waiters.waiting(id);
    }

    @Override
    public Map<String, Object> describe(Approval approval) {
        Map<String, Object> shown = approval.toMap();
        ApprovalRows.Row row = seen.get(approval.id());
        shown.put("service", row == null ? null : row.service());
        shown.put("instance", row == null ? null : row.instance());
        shown.put(
                "age_ms",
                Math.max(0, Duration.between(approval.requestedAt(), now()).toMillis()));
        shown.put("waiting", waiting(approval.id()));
        return shown;
    }

    /** Expires every open request whose time is up; returns how many this instance expired. */
    int expireDue() throws IOException {
        List<String> due = database.inTransaction("finding requests due to expire", c -> ApprovalRows.due(c, now()));
        int expired = 0;
        for (String id : due) {
            if (expire(id)) {
                expired++;
            }
        }
        return expired;
    }

    private void expireIfDue(String id) throws IOException {
        ApprovalRows.Row row = database.inTransaction("reading request " + id, c -> ApprovalRows.get(c, id, false));
        if (row != null
                && row.approval().status() == ApprovalStatus.PENDING
                && !now().isBefore(row.approval().expiresAt())) {
            expire(id);
        }
    }

    /** Expires request {@code id} if it is open and due; whoever commits it records it, once. */
    private boolean expire(String id) throws IOException {
        Instant now = now();
        Approval before = database.inTransaction("expiring request " + id, c -> {
            ApprovalRows.Row row = ApprovalRows.get(c, id, true);
            if (row == null
                    || !row.approval().status().open()
                    || now.isBefore(row.approval().expiresAt())) {
                return null;
            }
            ApprovalRows.update(
                    c,
                    row.approval()
                            .withStatus(ApprovalStatus.EXPIRED, row.approval().consumedBy()));
            return row.approval();
        });
        if (before == null) {
            return false;
        }
        expired(before);
        return true;
    }

    private void expired(Approval before) {
        waiters.wake(before.withStatus(ApprovalStatus.EXPIRED, before.consumedBy()));
        Map<String, Object> record = ApprovalRecords.expired(before);
        try {
            recorder.record(record);
        } catch (IOException | RuntimeException e) {
            LoggerFactory.getLogger("actiongate")
                    .error("approval {} expired, but its record could not be written ({}): {}", before.id(), e, record);
        }
    }

    private List<ApprovalRows.Row> rows(String what, FleetDatabase.Work<List<ApprovalRows.Row>> work) {
        try {
            return database.inTransaction(what, work);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Approval remembered(ApprovalRows.Row row) {
        if (seen.size() > 10_000) {
            // Only what the console shows next needs its origin; the rest is read again.
            seen.clear();
        }
        seen.put(row.approval().id(), row);
        return row.approval();
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    /** What closing the desk closes: the store it is part of, with its database and threads. */
    void closeWith(Closeable store) {
        owner = store;
    }

    @Override
    public void close() throws IOException {
        Closeable store = owner;
        if (store != null) {
            store.close();
        }
    }
}
