package dev.actiongate.agent.approvals;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The approval desk, as the gate, the admin API and the CLI need it: callers file requests and
 * wait on them, reviewers decide them, and requests nobody decided or used expire. Every change
 * is durable in the desk's store and recorded in the decision records before it takes effect.
 * Expiry is the desk's own business (the file desk sweeps; a database could expire on read), so
 * it is not part of this interface. {@link FileApprovals} keeps requests in a file of this
 * process; a store shared by the replicas of a service implements this same interface.
 */
public interface Approvals extends Closeable {

    /** Writes one record to the decision records; throws when it could not be written. */
    @FunctionalInterface
    interface Recorder {
        void record(Map<String, Object> record) throws IOException;
    }

    /** The decision records as the desk checks its store against them when it opens. */
    @FunctionalInterface
    interface History {
        /**
         * Gives {@code each} the decision records, newest first, at least back to the first whose
         * {@code timestamp} is before {@code since} (more is harmless).
         */
        void since(Instant since, Consumer<Map<String, Object>> each) throws IOException;
    }

    /**
     * Opens the file-based desk at {@code file}, checked against {@code history}, and starts
     * expiring requests in the background.
     *
     * @param validity how long a request may stay pending, and an approval unused
     */
    static Approvals open(Path file, Duration validity, Clock clock, Recorder recorder, History history)
            throws IOException {
        FileApprovals approvals = FileApprovals.open(file, validity, clock, recorder, history);
        approvals.startExpiring();
        return approvals;
    }

    /** Where requests are kept, as messages name it (a file's path). */
    String location();

    /** Whether a reviewer can reach this desk at all (the admin API is up). */
    boolean reviewable();

    void reviewable(boolean value);

    /** The open request for exactly this call, expiring it first if its time is up; else {@code null}. */
    Approval openFor(String digest) throws IOException;

    /**
     * A rejection of exactly this call that still stands (until the request's validity ends), so
     * that a caller retrying after a reviewer said no is told so instead of filing again.
     */
    Approval standingRejection(String digest) throws IOException;

    /** Files a new pending request; durable when this returns. */
    Approval request(ApprovalDraft draft) throws IOException;

    /**
     * Waits, without spinning, until a reviewer decides request {@code id} or it expires.
     *
     * @return the request once decided or expired
     * @throws TimeoutException when {@code timeout} passes first; the request stays pending
     */
    Approval await(String id, Duration timeout) throws InterruptedException, TimeoutException;

    /**
     * Uses approval {@code id} for the call {@code consumer}: single use, and only while valid.
     *
     * @return the consumed approval, or {@code null} when it is not approved (any more)
     */
    Approval consume(String id, String consumer) throws IOException;

    /**
     * A reviewer's approve or reject. Refused, with a record saying so, when the reviewer is not
     * named by the rule, is the actor (or the person acted for) of the call, or the request is no
     * longer pending.
     */
    Review review(String id, boolean approve, String reviewer, String comment);

    /** Pending requests, oldest first. */
    List<Approval> pending();

    /** Request {@code id} as it stands, or {@code null}. */
    Approval get(String id);

    /** Whether a caller in this process is waiting on request {@code id} right now. */
    boolean waiting(String id);

    /** The request as the admin API shows it: its fields plus its age and whether a caller waits on it now. */
    Map<String, Object> describe(Approval approval);
}
