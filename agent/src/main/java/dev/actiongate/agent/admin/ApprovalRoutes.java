package dev.actiongate.agent.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.actiongate.agent.admin.AdminServer.Answer;
import dev.actiongate.agent.approvals.Approval;
import dev.actiongate.agent.approvals.Approvals;
import dev.actiongate.agent.approvals.Identity;
import dev.actiongate.agent.approvals.Review;
import dev.actiongate.agent.gate.Gate;
import dev.actiongate.agent.gate.GateState;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET /approvals}, {@code GET /approvals/{id}}, {@code POST /approvals/{id}/approve} and
 * {@code /reject} with {@code {"reviewer": "...", "comment": "..."}}. Authentication is the
 * server's: with reviewers' own tokens, the token says who reviews and the admin token reviews
 * nothing. What a reviewer may do is the approval desk's.
 */
final class ApprovalRoutes {

    private static final Pattern ONE = Pattern.compile("/approvals/([A-Za-z0-9-]{1,64})/?");
    private static final Pattern REVIEW = Pattern.compile("/approvals/([A-Za-z0-9-]{1,64})/(approve|reject)/?");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Gate gate;
    private final boolean ownTokens;

    /** @param ownTokens whether reviewers have tokens of their own, so that only those review */
    ApprovalRoutes(Gate gate, boolean ownTokens) {
        this.gate = gate;
        this.ownTokens = ownTokens;
    }

    Answer answer(String method, String path, byte[] body, AdminServer.Caller caller) {
        GateState state = gate.state();
        Approvals approvals = state == null ? null : state.approvals();
        if (approvals == null) {
            return new Answer(
                    503,
                    Map.of(
                            "error",
                            state == null
                                    ? "the agent is still starting"
                                    : "approvals are unavailable: " + state.approvalsProblem()));
        }
        if (path.equals("/approvals") || path.equals("/approvals/")) {
            return method.equals("GET") ? pending(approvals, caller) : new Answer(405, Map.of("error", "use GET"));
        }
        Matcher one = ONE.matcher(path);
        if (one.matches()) {
            return method.equals("GET") ? one(approvals, one.group(1)) : new Answer(405, Map.of("error", "use GET"));
        }
        Matcher review = REVIEW.matcher(path);
        if (review.matches()) {
            return method.equals("POST")
                    ? review(approvals, review.group(1), review.group(2).equals("approve"), body, caller)
                    : new Answer(405, Map.of("error", "use POST"));
        }
        return new Answer(404, Map.of("error", "no such resource: " + path));
    }

    private static Answer pending(Approvals approvals, AdminServer.Caller caller) {
        List<Map<String, Object>> pending =
                approvals.pending().stream().map(approvals::describe).toList();
        // A reviewer's own token says who reviews: the console shows the name instead of asking for it.
        return new Answer(
                200,
                caller.admin()
                        ? Map.of("approvals", pending)
                        : Map.of("approvals", pending, "reviewer", caller.reviewer()));
    }

    private static Answer one(Approvals approvals, String id) {
        Approval approval = approvals.get(id);
        return approval == null
                ? new Answer(404, Map.of("error", "no approval request " + id))
                : new Answer(200, approvals.describe(approval));
    }

    private Answer review(Approvals approvals, String id, boolean approve, byte[] body, AdminServer.Caller caller) {
        String reviewer;
        String comment;
        try {
            JsonNode request = body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
            if (request == null || !request.isObject()) {
                return new Answer(
                        400,
                        Map.of(
                                "error",
                                "the body must be a JSON object such as"
                                        + " {\"reviewer\": \"alice\", \"comment\": \"...\"}"));
            }
            reviewer = request.hasNonNull("reviewer") ? request.get("reviewer").asText() : null;
            comment = request.hasNonNull("comment") ? request.get("comment").asText() : null;
        } catch (IOException e) {
            return new Answer(400, Map.of("error", "the body is not JSON: " + e.getMessage()));
        }
        if (ownTokens && caller.admin()) {
            return new Answer(
                    403,
                    Map.of(
                            "error",
                            "reviewers have tokens of their own (reviewer_tokens_file):"
                                    + " review with yours, not with the admin token"));
        }
        if (!caller.admin()) {
            if (reviewer != null && !Identity.same(reviewer, caller.reviewer())) {
                return new Answer(
                        403,
                        Map.of(
                                "error",
                                "this token is " + caller.reviewer() + "'s: it cannot review" + " as " + reviewer));
            }
            reviewer = caller.reviewer();
        }
        Review done = approvals.review(id, approve, reviewer, comment);
        return done.done()
                ? new Answer(200, approvals.describe(done.approval()), done.wake())
                : new Answer(done.status(), Map.of("error", done.error()));
    }
}
