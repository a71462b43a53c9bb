package dev.actiongate.agent.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actiongate.ActionContext;
import dev.actiongate.ActionDeniedException;
import dev.actiongate.agent.approvals.ApprovalStatus;
import dev.actiongate.agent.approvals.Approvals;
import dev.actiongate.agent.approvals.DeskFixture;
import dev.actiongate.agent.policy.PolicyException;
import dev.actiongate.agent.testing.MovingClock;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Calls held for approval, in-process: a {@link Gate} with an approvals desk over a store in the
 * test's folder, its records in the gate's sink. The verdict logic of fail-fast calls that are
 * retried after a review, a restart or an expiry needs no forked JVM; the forked ApprovalsTest
 * keeps the admin API, waiting callers and the records file end to end.
 */
class HeldCallsTest extends GateCase {

    private static final String POLICY = """
            version: "held-1"
            escalation:
              after_denials: 2
              within: 10m
            rules:
              - id: owner-approval
                action: send_customer_email
                verdict: require_approval
                approvers: [olivia]
                approval_timeout: 45s
            """;

    @TempDir
    Path dir;

    private final MovingClock clock = new MovingClock(Instant.parse("2026-12-07T10:00:00Z"));
    private Approvals desk;

    @AfterEach
    void closeDesk() throws IOException {
        if (desk != null) {
            desk.close();
        }
    }

    /** A gate whose desk (opened anew, as at a start) keeps approvals valid for {@code validity}. */
    private Gate start(Duration validity) throws IOException, PolicyException {
        closeDesk();
        desk = DeskFixture.recording(
                dir.resolve("approvals.jsonl"), validity, clock, record -> sink.append(record, null), (since, each) -> {
                    List<Map<String, Object>> records = sink.all();
                    for (int i = records.size() - 1; i >= 0; i--) {
                        each.accept(records.get(i));
                    }
                });
        desk.reviewable(true); // as the admin API does once reviewers can answer
        GateState state = state(POLICY);
        return gate(new GateState(state.policy(), null, sink, null, HOST_1, desk, null));
    }

    /** A fail-fast send to {@code to}: the token when it runs. */
    @SuppressWarnings("try") // the scope is open while the call runs; nothing reads it here
    private Object send(Gate gate, String to) throws Exception {
        try (ActionContext.Scope ignored = ActionContext.builder()
                .actor("support-bot")
                .approval(ActionContext.Approval.FAIL_FAST)
                .open()) {
            return gate.enter(send, new Object[] {to, "hi"});
        }
    }

    private ActionDeniedException denied(Gate gate, String to) {
        return assertThrows(ActionDeniedException.class, () -> send(gate, to));
    }

    /** The request a fail-fast call filed: denied approval_pending, its decision the request. */
    private String filed(Gate gate, String to) {
        ActionDeniedException pending = denied(gate, to);
        assertEquals("approval_pending", pending.verdict(), pending.getMessage());
        String id = desk.pending().get(0).id();
        assertEquals(id, pending.decisionId(), "the request is the held call's decision");
        return id;
    }

    @Test
    void retryingARejectedCallCountsTowardEscalation() throws Exception {
        Gate gate = start(Duration.ofHours(1));
        String id = filed(gate, "z@x.example");
        assertEquals(200, desk.review(id, false, "olivia", "no").status());
        assertEquals("deny", denied(gate, "z@x.example").verdict());
        assertEquals("deny", denied(gate, "z@x.example").verdict());
        ActionDeniedException third = denied(gate, "z@x.example");
        assertEquals("escalate", third.verdict(), "an agent loop retrying a rejected call is escalated");
        assertEquals(
                List.of(third.decisionId()),
                sink.kinds("incident").stream().map(i -> i.get("decision_id")).toList(),
                "one incident, for the escalated retry");
    }

    @Test
    void approvalGrantedBeforeARestartIsConsumedByARetryAfterIt() throws Exception {
        Gate before = start(Duration.ofHours(1));
        String id = filed(before, "p@x.example");
        assertEquals(200, desk.review(id, true, "olivia", "go").status());

        Gate after = start(Duration.ofHours(1));
        Object token = send(after, "p@x.example");
        assertNotNull(token, "the approved call runs after the restart");
        after.exit(token, null);
        Map<String, Object> retry = sink.kinds("decision").stream()
                .filter(d -> "allow".equals(d.get("verdict")))
                .findFirst()
                .orElseThrow();
        assertEquals(id, retry.get("approval_consumed"));
        assertEquals(1, sink.kinds("outcome").size(), "its body ran once");
    }

    @Test
    void anExpiredApprovalIsNeverUsed() throws Exception {
        Gate gate = start(Duration.ofSeconds(2));
        String id = filed(gate, "e@x.example");
        assertEquals(200, desk.review(id, true, "olivia", null).status());
        clock.advance(Duration.ofSeconds(3));
        assertEquals(1, DeskFixture.expireDue(desk));
        assertEquals(ApprovalStatus.EXPIRED, desk.get(id).status());

        ActionDeniedException late = denied(gate, "e@x.example");
        assertEquals("approval_pending", late.verdict(), late.getMessage());
        assertNotEquals(id, late.decisionId(), "a new request, not the expired approval");
        assertEquals(List.of(), sink.kinds("outcome"), "no body ran");
        assertTrue(
                sink.kinds("approval_expired").stream()
                        .anyMatch(r -> id.equals(r.get("decision_id")) && "approved".equals(r.get("previous_status"))),
                sink.kinds("approval_expired").toString());
    }
}
