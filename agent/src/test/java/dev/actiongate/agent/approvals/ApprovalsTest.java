package dev.actiongate.agent.approvals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApprovalsTest {

    @TempDir
    Path dir;

    private final List<Map<String, Object>> recorded = new ArrayList<>();
    private final MutableClock clock = new MutableClock();

    /** Without the sweeper thread: time passes only when a test advances the clock and expires. */
    private Approvals open() throws IOException {
        return FileApprovals.open(dir.resolve("approvals.jsonl"), Duration.ofHours(1), clock, recorded::add);
    }

    private static ApprovalDraft draft(String id, String digest) {
        return new ApprovalDraft(id, "refund", "C#m()", "bot", "user-1", "acme", "prod", "t-1", Map.of("amount", 5),
                List.of("r"), "why", List.of("group:leads"), Set.of("alice", "bob"), "v1", digest);
    }

    private long kinds(String kind) {
        return recorded.stream().filter(r -> kind.equals(r.get("kind"))).count();
    }

    @Test
    void aStoreHasOneProcessAtATime() throws Exception {
        try (Approvals first = open()) {
            first.request(draft("a", "da"));
            IOException e = assertThrows(IOException.class, this::open);
            assertTrue(e.getMessage().contains("in use by another process"), e.getMessage());
        }
        try (Approvals again = open()) {
            assertEquals(ApprovalStatus.PENDING, again.get("a").status(), "the lock went with the first");
        }
    }

    @Test
    void pendingAndApprovedRequestsSurviveARestartClosedOnesDoNot() throws Exception {
        try (Approvals approvals = open()) {
            approvals.request(draft("a", "da"));
            approvals.request(draft("b", "db"));
            approvals.request(draft("c", "dc"));
            assertTrue(approvals.review("b", true, "alice", "ok").done());
            assertTrue(approvals.review("c", false, "bob", "no").done());
        }
        try (Approvals reopened = open()) {
            assertEquals(ApprovalStatus.PENDING, reopened.get("a").status());
            assertEquals(ApprovalStatus.APPROVED, reopened.openFor("db").status());
            assertNull(reopened.get("c"), "rejected requests are history, kept in the records only");
            assertEquals("b", reopened.consume("b", "call-2").id());
            assertNull(reopened.consume("b", "call-3"), "single use");
        }
        assertEquals(2, Files.readAllLines(dir.resolve("approvals.jsonl")).stream().filter(l -> !l.isBlank())
                .count() - 1, "compacted to the two open requests, then one line for the consumption");
    }

    @Test
    void timesAreStoredInMillisecondsAndAStoreWrittenWithNanosecondsStillLoads() throws Exception {
        Path file = dir.resolve("approvals.jsonl");
        try (Approvals approvals = open()) {
            approvals.request(draft("a", "da"));
        }
        String written = Files.readAllLines(file).stream().filter(l -> !l.isBlank()).findFirst().orElseThrow();
        assertTrue(written.contains("\"requested_at\":\"2026-11-25T10:00:00.000Z\""), written);
        assertTrue(written.contains("\"expires_at\":\"2026-11-25T11:00:00.000Z\""), written);
        // As a store written before times had one form holds them: Instant.toString, to the nanosecond.
        Files.writeString(file, written.replace("2026-11-25T10:00:00.000Z", "2026-11-25T10:00:00.123456789Z")
                .replace("2026-11-25T11:00:00.000Z", "2026-11-25T11:00:00Z") + "\n");
        try (Approvals reopened = open()) {
            Approval a = reopened.get("a");
            assertEquals(Instant.parse("2026-11-25T10:00:00.123456789Z"), a.requestedAt());
            assertEquals(Instant.parse("2026-11-25T11:00:00Z"), a.expiresAt());
            assertEquals("2026-11-25T10:00:00.123Z", a.toMap().get("requested_at"));
        }
    }

    @Test
    void reviewersAreCheckedAndEveryRefusalIsRecorded() throws Exception {
        try (Approvals approvals = open()) {
            approvals.request(draft("a", "da"));
            assertEquals(403, approvals.review("a", true, "bot", null).status());
            assertEquals(403, approvals.review("a", true, "user-1", null).status());
            assertEquals(403, approvals.review("a", true, "mallory", null).status());
            assertEquals(400, approvals.review("a", true, "", null).status());
            assertEquals(404, approvals.review("zzz", true, "alice", null).status());
            assertEquals(200, approvals.review("a", false, "alice", "no").status());
            assertEquals(409, approvals.review("a", true, "bob", null).status());
            assertEquals(4, kinds("approval_refused"));
            assertEquals(1, kinds("approval_reviewed"));
        }
    }

    @Test
    void aWaiterWakesOnTheReviewAndTimesOutWithout() throws Exception {
        try (Approvals approvals = open()) {
            approvals.request(draft("a", "da"));
            assertThrows(TimeoutException.class, () -> approvals.await("a", Duration.ofMillis(50)));
            // The review comes once the caller waits: the wake-up, not an earlier decision, ends the wait.
            Thread reviewer = new Thread(() -> {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (!approvals.waiting("a") && System.nanoTime() < deadline) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                }
                approvals.review("a", true, "alice", null).wake().run();
            });
            reviewer.start();
            assertEquals(ApprovalStatus.APPROVED, approvals.await("a", Duration.ofSeconds(10)).status());
            reviewer.join();
        }
    }

    @Test
    void requestsAndUnusedApprovalsExpire() throws Exception {
        try (Approvals approvals = open()) {
            approvals.request(draft("a", "da"));
            approvals.request(draft("b", "db"));
            assertTrue(approvals.review("b", true, "alice", null).done());
            clock.advance(Duration.ofMinutes(61));
            assertNull(approvals.openFor("db"), "an approval unused for longer than its validity is gone");
            assertEquals(1, approvals.expireDue());
            assertEquals(ApprovalStatus.EXPIRED, approvals.get("a").status());
            assertEquals(409, approvals.review("a", true, "alice", null).status());
            assertEquals(2, kinds("approval_expired"));
        }
    }

    @Test
    void aTornLastLineIsDroppedButDamageElsewhereIsAnError() throws Exception {
        try (Approvals approvals = open()) {
            approvals.request(draft("a", "da"));
        }
        Path file = dir.resolve("approvals.jsonl");
        Files.writeString(file, "{\"id\":\"b\",\"sta", StandardOpenOption.APPEND);
        try (Approvals reopened = open()) {
            assertNotNull(reopened.get("a"));
        }
        Files.writeString(file, "garbage\n" + Files.readString(file));
        IOException e = assertThrows(IOException.class, this::open);
        assertTrue(e.getMessage().contains("approvals.jsonl:1: not an approval"), e.getMessage());
    }

    @Test
    void aReviewThatCannotBeRecordedDoesNotTakeEffect() throws Exception {
        try (Approvals approvals = FileApprovals.open(dir.resolve("approvals.jsonl"), Duration.ofHours(1), clock, record -> {
            throw new IOException("disk full");
        })) {
            approvals.request(draft("a", "da"));
            Review review = approvals.review("a", true, "alice", null);
            assertEquals(503, review.status());
            assertEquals(ApprovalStatus.PENDING, approvals.get("a").status());
        }
    }

    @Test
    void theDigestBindsEveryPartOfTheCall() {
        String base = ActionDigest.of("refund", "bot", "u", "acme", "prod", Map.of("amount", 5L, "to", "x"), "v1");
        assertEquals(base, ActionDigest.of("refund", "bot", "u", "acme", "prod", Map.of("to", "x", "amount", 5L), "v1"),
                "key order does not matter");
        assertTrue(!base.equals(ActionDigest.of("refund", "bot", "u", "acme", "prod", Map.of("amount", 6L, "to", "x"), "v1")));
        assertTrue(!base.equals(ActionDigest.of("refund", "bot", "u", "acme", "prod", Map.of("amount", 5L, "to", "x"), "v2")));
        assertTrue(!base.equals(ActionDigest.of("refund", "eve", "u", "acme", "prod", Map.of("amount", 5L, "to", "x"), "v1")));
    }

    private static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-11-25T10:00:00Z");

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
