package dev.actiongate.agent.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.actiongate.agent.admin.AdminServer.Answer;
import dev.actiongate.agent.approvals.Identity;
import dev.actiongate.agent.gate.Gate;
import java.io.IOException;
import java.util.Map;

/**
 * {@code POST /governance} {@code {"enabled": false, "mode": "monitor", "by": "alice", "reason": "..."}}:
 * the kill switch. With reviewers' own tokens, a switch that can let calls run undecided or
 * unenforced (off, {@code monitor}, or back to the policy's own mode) needs a name the API can
 * vouch for: it is made with a reviewer's token, whose name the record keeps as {@code by}, and
 * the admin token, which names nobody, is refused. Without them, {@code by} is what the caller says.
 */
final class GovernanceRoute {

    /** The {@code trigger} of a switch whose {@code by} is the name of the token that sent it. */
    static final String BY_TOKEN = "admin-api:reviewer-token";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Gate gate;
    private final boolean ownTokens;

    /** @param ownTokens whether reviewers have tokens of their own, so that a weakening switch needs one */
    GovernanceRoute(Gate gate, boolean ownTokens) {
        this.gate = gate;
        this.ownTokens = ownTokens;
    }

    Answer answer(byte[] bytes, AdminServer.Caller caller) {
        JsonNode body;
        try {
            body = JSON.readTree(bytes);
        } catch (IOException e) {
            return new Answer(400, Map.of("error", "the body is not JSON: " + e.getMessage()));
        }
        if (body == null
                || !body.isObject()
                || (body.has("enabled") && !body.get("enabled").isBoolean())) {
            return new Answer(
                    400,
                    Map.of(
                            "error",
                            "expected {\"enabled\": true|false, \"mode\":"
                                    + " \"monitor|enforce|policy\", \"by\": \"NAME\", \"reason\": \"...\"}"));
        }
        Boolean enabled = body.has("enabled") ? body.get("enabled").booleanValue() : null;
        String mode = body.hasNonNull("mode") ? body.get("mode").asText() : null;
        String by = body.hasNonNull("by") ? body.get("by").asText() : null;
        String trigger = "admin-api";
        if (!caller.admin()) {
            if (by != null && !Identity.same(by, caller.reviewer())) {
                return new Answer(
                        403,
                        Map.of(
                                "error",
                                "this token is " + caller.reviewer() + "'s: it cannot switch governing as " + by));
            }
            by = caller.reviewer();
            trigger = BY_TOKEN;
        } else if (ownTokens && weakens(enabled, mode)) {
            return new Answer(
                    403,
                    Map.of(
                            "error",
                            "reviewers have tokens of their own (reviewer_tokens_file): switching governing off,"
                                    + " to monitor or back to the policy's mode takes one of those, so that the"
                                    + " record names who did it; the admin token names nobody"));
        }
        try {
            String result = gate.switchGoverning(
                    enabled,
                    mode,
                    by,
                    body.hasNonNull("reason") ? body.get("reason").asText() : null,
                    trigger);
            return new Answer(200, Map.of("result", result));
        } catch (IllegalArgumentException e) {
            return new Answer(400, Map.of("error", e.getMessage()));
        } catch (IllegalStateException e) {
            return new Answer(503, Map.of("error", e.getMessage()));
        }
    }

    /** Whether the switch can let a call run that enforcing would deny. */
    private static boolean weakens(Boolean enabled, String mode) {
        return Boolean.FALSE.equals(enabled) || "monitor".equals(mode) || "policy".equals(mode);
    }
}
