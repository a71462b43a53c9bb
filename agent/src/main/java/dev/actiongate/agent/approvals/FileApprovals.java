package dev.actiongate.agent.approvals;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.slf4j.LoggerFactory;

/**
 * The approval desk of one process, its requests in an {@link ApprovalStore} file. The store's
 * monitor orders every change; a sweeper thread expires requests whose time is up.
 */
public final class FileApprovals implements Approvals {

    private final ApprovalStore store;
    private final Duration validity;
    private final Clock clock;
    private final Recorder recorder;
    private final Waiters waiters = new Waiters();
    private volatile boolean reviewable;
    private volatile Thread sweeper;

    private FileApprovals(ApprovalStore store, Duration validity, Clock clock, Recorder recorder) {
        this.store = store;
        this.validity = validity;
        this.clock = clock;
        this.recorder = recorder;
    }

    /**
     * Opens the store at {@code file}, refusing what its seals or {@code history} (the decision
     * records) contradict; nothing expires until {@link #startExpiring} (or a call to
     * {@link #expireDue}), so that a test decides when time passes.
     *
     * @param validity how long a request may stay pending, and an approval unused
     */
    static FileApprovals open(Path file, Duration validity, Clock clock, Recorder recorder, History history)
            throws IOException {
        ApprovalStore store = ApprovalStore.open(file);
        try {
            StoreReconciliation.run(store, history, recorder);
        } catch (IOException | RuntimeException e) {
            store.close();
            throw e;
        }
        return new FileApprovals(store, validity, clock, recorder);
    }

    /** Starts the background sweeper that expires requests whose time is up, once a second. */
    void startExpiring() {
        Thread expiry = new Thread(this::expireForever, "actiongate-approval-expiry");
        expiry.setDaemon(true);
        sweeper = expiry;
        expiry.start();
    }

    @Override
    public String location() {
        return store.path().toString();
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
        synchronized (store) {
            Approval open = store.openFor(digest);
            if (open != null && !now().isBefore(open.expiresAt())) {
                expire(open);
                return null;
            }
            return open;
        }
    }

    @Override
    public Approval standingRejection(String digest) {
        synchronized (store) {
            Approval rejected = store.rejectedFor(digest);
            return rejected != null && now().isBefore(rejected.expiresAt()) ? rejected : null;
        }
    }

    @Override
    public Approval request(ApprovalDraft draft) throws IOException {
        Instant now = now();
        Approval pending = draft.pending(now, now.plus(validity));
        synchronized (store) {
            store.put(pending);
        }
        return pending;
    }

    @Override
    public Approval await(String id, Duration timeout) throws InterruptedException, TimeoutException {
        return waiters.await(id, timeout, () -> get(id));
    }

    @Override
    public Approval consume(String id, String consumer) throws IOException {
        synchronized (store) {
            Approval approval = store.get(id);
            if (approval == null || approval.status() != ApprovalStatus.APPROVED) {
                return null;
            }
            if (!now().isBefore(approval.expiresAt())) {
                expire(approval);
                return null;
            }
            Approval consumed = approval.withStatus(ApprovalStatus.CONSUMED, consumer);
            store.put(consumed);
            return consumed;
        }
    }

    @Override
    public Review review(String id, boolean approve, String reviewer, String comment) {
        String by = reviewer == null ? "" : reviewer.trim();
        String verb = approve ? "approve" : "reject";
        synchronized (store) {
            Approval approval = store.get(id);
            if (approval == null) {
                return new Review(
                        404, null, "no approval request " + id + " (it may have been closed before a restart)");
            }
            if (Identity.canonical(by).isEmpty()) {
                return new Review(400, approval, "a reviewer name is required");
            }
            if (approval.status() == ApprovalStatus.PENDING && !now().isBefore(approval.expiresAt())) {
                try {
                    approval = expire(approval);
                } catch (IOException e) {
                    return new Review(503, approval, "the expiry could not be recorded: " + e.getMessage());
                }
            }
            String refusal = ReviewRules.refusal(approval, by, verb);
            if (refusal == null) {
                return decide(approval, approve, by, comment, verb);
            }
            try {
                recorder.record(ApprovalRecords.refused(approval, by, comment, verb, refusal));
            } catch (IOException | RuntimeException e) {
                return new Review(
                        503, approval, refusal + " (and the refusal could not be recorded: " + e.getMessage() + ")");
            }
            return new Review(approval.status() != ApprovalStatus.PENDING ? 409 : 403, approval, refusal);
        }
    }

    /** Records, then stores, a decision {@code by} may take. Caller holds the store's lock. */
    private Review decide(Approval approval, boolean approve, String by, String comment, String verb) {
        Instant now = now();
        Approval reviewed = approval.reviewed(
                approve ? ApprovalStatus.APPROVED : ApprovalStatus.REJECTED,
                by,
                comment,
                now,
                approve ? now.plus(validity) : approval.expiresAt());
        try {
            recorder.record(ApprovalRecords.reviewed(reviewed, by, comment, verb));
        } catch (IOException | RuntimeException e) {
            return new Review(
                    503, approval, "the review could not be recorded, so it did not take effect: " + e.getMessage());
        }
        try {
            store.put(reviewed);
        } catch (IOException | RuntimeException e) {
            // The records already say it was decided: say, as evidence too, that it did not hold.
            String problem = "the review was recorded but the approvals store " + store.path()
                    + " could not keep it, so it did not take effect: " + e.getMessage();
            try {
                recorder.record(ApprovalRecords.refused(approval, by, comment, verb, problem));
            } catch (IOException | RuntimeException ignored) {
                // the 503 below is all that is left to tell
            }
            return new Review(503, approval, problem);
        }
        return new Review(200, reviewed, null, () -> waiters.wake(reviewed));
    }

    @Override
    public List<Approval> pending() {
        synchronized (store) {
            List<Approval> pending = new ArrayList<>();
            for (Approval approval : store.all()) {
                if (approval.status() == ApprovalStatus.PENDING) {
                    pending.add(approval);
                }
            }
            pending.sort(Comparator.comparing(Approval::requestedAt));
            return pending;
        }
    }

    @Override
    public Approval get(String id) {
        synchronized (store) {
            return store.get(id);
        }
    }

    @Override
    public boolean waiting(String id) {
        return waiters.waiting(id);
    }

    @Override
    public Map<String, Object> describe(Approval approval) {
        Map<String, Object> shown = approval.toMap();
        shown.put(
                "age_ms",
                Math.max(0, Duration.between(approval.requestedAt(), now()).toMillis()));
        shown.put("waiting", waiting(approval.id()));
        return shown;
    }

    /** Expires every open request whose time is up; returns how many. The sweeper calls it once a second. */
    int expireDue() {
        Instant now = now();
        int expired = 0;
        synchronized (store) {
            for (Approval approval : store.all()) {
                if (approval.status().open() && !now.isBefore(approval.expiresAt())) {
                    try {
                        expire(approval);
                        expired++;
                    } catch (IOException e) {
                        // tried again on the next sweep; a caller never uses an approval past its expiry anyway
                    }
                }
            }
        }
        return expired;
    }

    private void expireForever() {
        while (true) {
            try {
                Thread.sleep(1000);
                expireDue();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // keep sweeping: one bad request must not stop expiry of the others
            }
        }
    }

    /** Caller holds the store's lock. */
    private Approval expire(Approval approval) throws IOException {
        Approval expired = approval.withStatus(ApprovalStatus.EXPIRED, approval.consumedBy());
        Map<String, Object> record = ApprovalRecords.expired(approval);
        // Stored first: a store that fails is retried by the next sweep, and must not leave one
        // approval_expired record per attempt behind.
        store.put(expired);
        waiters.wake(expired);
        try {
            recorder.record(record);
        } catch (IOException | RuntimeException e) {
            LoggerFactory.getLogger("actiongate")
                    .error(
                            "approval {} expired, but its record could not be written ({}): {}",
                            approval.id(),
                            e,
                            record);
        }
        return expired;
    }

    /** The desk's time, to the millisecond that the store and the records keep. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    @Override
    public void close() throws IOException {
        Thread expiry = sweeper;
        if (expiry != null) {
            expiry.interrupt();
        }
        store.close();
    }
}
