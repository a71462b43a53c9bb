package dev.actiongate.agent.approvals;

import dev.actiongate.agent.records.Timestamps;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.LoggerFactory;

/**
 * The approval desk: callers file requests and wait on them, reviewers decide them, and requests
 * nobody decided or used expire. Every change is durable in the {@link ApprovalStore} and
 * recorded in the decision records before it takes effect.
 */
public final class Approvals implements Closeable {

    /** Writes one record to the decision records; throws when it could not be written. */
    @FunctionalInterface
    public interface Recorder {
        void record(Map<String, Object> record) throws IOException;
    }

    private final ApprovalStore store;
    private final Duration validity;
    private final Clock clock;
    private final Recorder recorder;
    private final Map<String, CompletableFuture<Approval>> decided = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> waiters = new ConcurrentHashMap<>();
    private volatile boolean reviewable;
    private volatile Thread sweeper;

    private Approvals(ApprovalStore store, Duration validity, Clock clock, Recorder recorder) {
        this.store = store;
        this.validity = validity;
        this.clock = clock;
        this.recorder = recorder;
    }

    /**
     * Opens the store at {@code file} and starts expiring requests in the background.
     *
     * @param validity how long a request may stay pending, and an approval unused
     */
    public static Approvals open(Path file, Duration validity, Clock clock, Recorder recorder) throws IOException {
        Approvals approvals = new Approvals(ApprovalStore.open(file), validity, clock, recorder);
        Thread sweeper = new Thread(approvals::expireForever, "actiongate-approval-expiry");
        sweeper.setDaemon(true);
        approvals.sweeper = sweeper;
        sweeper.start();
        return approvals;
    }

    public Path path() {
        return store.path();
    }

    /** Whether a reviewer can reach this desk at all (the admin API is up). */
    public boolean reviewable() {
        return reviewable;
    }

    public void reviewable(boolean value) {
        reviewable = value;
    }

    /** The open request for exactly this call, expiring it first if its time is up; else {@code null}. */
    public Approval openFor(String digest) throws IOException {
        synchronized (store) {
            Approval open = store.openFor(digest);
            if (open != null && !clock.instant().isBefore(open.expiresAt())) {
                expire(open);
                return null;
            }
            return open;
        }
    }

    /**
     * A rejection of exactly this call that still stands (until the request's validity ends), so
     * that a caller retrying after a reviewer said no is told so instead of filing again.
     */
    public Approval standingRejection(String digest) {
        synchronized (store) {
            Approval rejected = store.rejectedFor(digest);
            return rejected != null && clock.instant().isBefore(rejected.expiresAt()) ? rejected : null;
        }
    }

    /**
     * Files a new pending request; durable when this returns. The draft's status, times and review
     * fields are ignored: the desk sets them.
     */
    public Approval request(Approval draft) throws IOException {
        Instant now = clock.instant();
        Approval pending = new Approval(draft.id(), ApprovalStatus.PENDING, draft.action(), draft.method(),
                draft.actor(), draft.onBehalfOf(), draft.tenant(), draft.environment(), draft.callerReason(),
                draft.arguments(), draft.matchedRules(), draft.reason(), draft.approvers(), draft.reviewers(),
                draft.policyVersion(), draft.actionDigest(), now, now.plus(validity), null, null, null, null);
        synchronized (store) {
            store.put(pending);
        }
        return pending;
    }

    /**
     * Waits, without spinning, until a reviewer decides request {@code id} or it expires.
     *
     * @return the request once decided or expired
     * @throws TimeoutException when {@code timeout} passes first; the request stays pending
     */
    public Approval await(String id, Duration timeout) throws InterruptedException, TimeoutException {
        CompletableFuture<Approval> decision = decided.computeIfAbsent(id, key -> new CompletableFuture<>());
        synchronized (store) {
            Approval now = store.get(id);
            if (now != null && now.status() != ApprovalStatus.PENDING) {
                return now;
            }
        }
        AtomicInteger count = waiters.computeIfAbsent(id, key -> new AtomicInteger());
        count.incrementAndGet();
        try {
            return decision.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("approval " + id + " failed", e.getCause());
        } finally {
            if (count.decrementAndGet() == 0) {
                waiters.remove(id, count);
            }
        }
    }

    /**
     * Uses approval {@code id} for the call {@code consumer}: single use, and only while valid.
     *
     * @return the consumed approval, or {@code null} when it is not approved (any more)
     */
    public Approval consume(String id, String consumer) throws IOException {
        synchronized (store) {
            Approval approval = store.get(id);
            if (approval == null || approval.status() != ApprovalStatus.APPROVED) {
                return null;
            }
            if (!clock.instant().isBefore(approval.expiresAt())) {
                expire(approval);
                return null;
            }
            Approval consumed = approval.withStatus(ApprovalStatus.CONSUMED, consumer);
            store.put(consumed);
            return consumed;
        }
    }

    /**
     * A reviewer's approve or reject. Refused, with a record saying so, when the reviewer is not
     * named by the rule, is the actor (or the person acted for) of the call, or the request is no
     * longer pending.
     */
    public Review review(String id, boolean approve, String reviewer, String comment) {
        String by = reviewer == null ? "" : reviewer.trim();
        String verb = approve ? "approve" : "reject";
        synchronized (store) {
            Approval approval = store.get(id);
            if (approval == null) {
                return new Review(404, null, "no approval request " + id + " (it may have been closed before a restart)");
            }
            if (by.isEmpty()) {
                return new Review(400, approval, "a reviewer name is required");
            }
            if (approval.status() == ApprovalStatus.PENDING && !clock.instant().isBefore(approval.expiresAt())) {
                try {
                    approval = expire(approval);
                } catch (IOException e) {
                    return new Review(503, approval, "the expiry could not be recorded: " + e.getMessage());
                }
            }
            String refusal = null;
            int status = 403;
            if (approval.status() != ApprovalStatus.PENDING) {
                status = 409;
                refusal = "approval " + id + " is already " + approval.status().wireName()
                        + (approval.reviewer() == null ? "" : " (by " + approval.reviewer() + " at " + approval.reviewedAt() + ")")
                        + "; it cannot be decided again";
            } else if (by.equals(approval.actor()) || by.equals(approval.onBehalfOf())) {
                refusal = "separation of duties: " + by + " is the " + (by.equals(approval.actor()) ? "actor" : "person acted for")
                        + " of this call and cannot " + verb + " it";
            } else if (!approval.reviewers().contains(by)) {
                refusal = by + " is not an approver of this call; approvers: " + String.join(", ", approval.approvers());
            }
            if (refusal != null) {
                try {
                    recorder.record(reviewRecord("approval_refused", approval, by, comment, verb, refusal));
                } catch (IOException | RuntimeException e) {
                    return new Review(503, approval, refusal + " (and the refusal could not be recorded: " + e.getMessage() + ")");
                }
                return new Review(status, approval, refusal);
            }
            Instant now = clock.instant();
            Approval reviewed = approval.reviewed(approve ? ApprovalStatus.APPROVED : ApprovalStatus.REJECTED, by,
                    comment, now, approve ? now.plus(validity) : approval.expiresAt());
            try {
                recorder.record(reviewRecord("approval_reviewed", reviewed, by, comment, verb, null));
            } catch (IOException | RuntimeException e) {
                return new Review(503, approval, "the review could not be recorded, so it did not take effect: "
                        + e.getMessage());
            }
            try {
                store.put(reviewed);
            } catch (IOException | RuntimeException e) {
                // The records already say it was decided: say, as evidence too, that it did not hold.
                String problem = "the review was recorded but the approvals store " + store.path()
                        + " could not keep it, so it did not take effect: " + e.getMessage();
                try {
                    recorder.record(reviewRecord("approval_refused", approval, by, comment, verb, problem));
                } catch (IOException | RuntimeException ignored) {
                    // the 503 below is all that is left to tell
                }
                return new Review(503, approval, problem);
            }
            return new Review(200, reviewed, null, () -> complete(reviewed));
        }
    }

    /** Pending requests, oldest first. */
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

    public Approval get(String id) {
        synchronized (store) {
            return store.get(id);
        }
    }

    /** Whether a caller in this process is waiting on request {@code id} right now. */
    public boolean waiting(String id) {
        AtomicInteger count = waiters.get(id);
        return count != null && count.get() > 0;
    }

    /** The request as the admin API shows it: its fields plus its age and whether a caller waits on it now. */
    public Map<String, Object> describe(Approval approval) {
        Map<String, Object> shown = approval.toMap();
        shown.put("age_ms", Math.max(0, Duration.between(approval.requestedAt(), clock.instant()).toMillis()));
        shown.put("waiting", waiting(approval.id()));
        return shown;
    }

    /** Expires every open request whose time is up; returns how many. */
    public int expireDue() {
        Instant now = clock.instant();
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
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("action", approval.action());
        record.put("actor", approval.actor());
        record.put("decision_id", approval.id());
        record.put("expires_at", approval.expiresAt().toString());
        record.put("kind", "approval_expired");
        record.put("previous_status", approval.status().wireName());
        record.put("requested_at", approval.requestedAt().toString());
        record.put("reviewer", approval.reviewer());
        record.put("tenant", approval.tenant());
        record.put("timestamp", Timestamps.now());
        // Stored first: a store that fails is retried by the next sweep, and must not leave one
        // approval_expired record per attempt behind.
        store.put(expired);
        complete(expired);
        try {
            recorder.record(record);
        } catch (IOException | RuntimeException e) {
            LoggerFactory.getLogger("actiongate").error("approval {} expired, but its record could not be written ({}): {}",
                    approval.id(), e, record);
        }
        return expired;
    }

    private void complete(Approval approval) {
        CompletableFuture<Approval> waiting = decided.remove(approval.id());
        if (waiting != null) {
            waiting.complete(approval);
        }
    }

    private static Map<String, Object> reviewRecord(String kind, Approval approval, String reviewer, String comment,
                                                    String verb, String refusal) {
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

    @Override
    public void close() throws IOException {
        Thread expiry = sweeper;
        if (expiry != null) {
            expiry.interrupt();
        }
        store.close();
    }
}
