package dev.actiongate.agent.approvals;

/**
 * What a reviewer's approve or reject came to, in HTTP terms so that every channel answers alike.
 *
 * @param status   200 done, 400 malformed, 403 refused (not an approver, own call), 404 unknown id,
 *                 409 already decided or expired, 503 the decision could not be recorded
 * @param approval the request after the review; {@code null} when unknown
 * @param error    why it was refused; {@code null} when done
 */
public record Review(int status, Approval approval, String error) {

    public boolean done() {
        return status == 200;
    }
}
