package dev.actiongate.agent.approvals;

/**
 * What a reviewer's approve or reject came to, in HTTP terms so that every channel answers alike.
 *
 * @param status   200 done, 400 malformed, 403 refused (not an approver, own call), 404 unknown id,
 *                 409 already decided or expired, 503 the decision could not be recorded
 * @param approval the request after the review; {@code null} when unknown
 * @param error    why it was refused; {@code null} when done
 * @param wake     lets the caller waiting on the request go on; the channel runs it once the
 *                 reviewer has the answer, so that a call (and maybe its whole process) cannot
 *                 finish before the reviewer hears that the review took effect
 */
public record Review(int status, Approval approval, String error, Runnable wake) {

    /** A review that changed nothing: no one to wake. */
    public Review(int status, Approval approval, String error) {
        this(status, approval, error, Review::wakeNobody);
    }

    private static void wakeNobody() {
        // nobody waits on a review that changed nothing
    }

    public boolean done() {
        return status == 200;
    }
}
