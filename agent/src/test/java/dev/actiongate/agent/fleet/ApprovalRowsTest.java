package dev.actiongate.agent.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.actiongate.agent.records.CanonicalJson;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A row of {@code actiongate_approvals} set to approved by someone other than a review (no
 * reviewer, no time of review) is refused, naming the approval, instead of failing later in the
 * call that would run on it.
 */
class ApprovalRowsTest {

    @Test
    void anApprovedRowWithoutAReviewIsRefusedNamingIt() {
        SQLException refused = assertThrows(SQLException.class, () -> ApprovalRows.parse(body("approved", null, null)));
        assertEquals(
                "approval ap-1 is approved in actiongate_approvals but names no reviewer or time of review:"
                        + " no review wrote it",
                refused.getMessage());
        assertThrows(SQLException.class, () -> ApprovalRows.parse(body("consumed", "olivia", null)));
    }

    @Test
    void reviewedAndPendingRowsAreRead() throws SQLException {
        assertEquals(
                "olivia",
                ApprovalRows.parse(body("approved", "olivia", "2026-12-07T03:00:00.000Z"))
                        .reviewer());
        assertEquals("ap-1", ApprovalRows.parse(body("pending", null, null)).id());
    }

    private static String body(String status, String reviewer, String reviewedAt) {
        Map<String, Object> row = new HashMap<>();
        row.put("id", "ap-1");
        row.put("status", status);
        row.put("action", "send_customer_email");
        row.put("method", "com.example.Mailer#send(java.lang.String)");
        row.put("actor", "bot");
        row.put("arguments", Map.of());
        row.put("matched_rules", List.of("owner-approval"));
        row.put("reason", "approval required");
        row.put("approvers", List.of("olivia"));
        row.put("reviewers", List.of());
        row.put("action_digest", "00");
        row.put("requested_at", "2026-12-07T02:59:00.000Z");
        row.put("expires_at", "2026-12-07T03:59:00.000Z");
        row.put("reviewer", reviewer);
        row.put("reviewed_at", reviewedAt);
        return new String(CanonicalJson.bytes(row), StandardCharsets.UTF_8);
    }
}
