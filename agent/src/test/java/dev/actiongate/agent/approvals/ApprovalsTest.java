package dev.actiongate.agent.approvals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actiongate.agent.testing.Await;
import dev.actiongate.agent.testing.MovingClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApprovalsTest {

    @TempDir
    Path dir;

    private final List<Map<String, Object>> recorded = new ArrayList<>();
    private final MovingClock clock = new MovingClock(Instant.parse("2026-11-25T10:00:00Z"));

    /** Without the sweeper thread: time passes only when a test advances the clock and expires. */
    private FileApprovals open() throws IOException {
        return DeskFixture.inMemory(dir.resolve("approvals.jsonl"), clock, recorded);
    }

    private static ApprovalDraft draft(String id, String digest) {
        return DeskFixture.draft(id, digest, List.of("group:leads"));
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
        assertEquals(
                2,
                Files.readAllLines(dir.resolve("approvals.jsonl")).stream()
                                .filter(l -> !l.isBlank())
                                .count()
                        - 1,
                "compacted to the two open requests, then one line for the consumption");
    }

    @Test
    void timesAreStoredInMillisecondsAndStayTheSameAcrossARestart() throws Exception {
        clock.set(Instant.parse("2026-11-25T10:00:00.123456789Z"));
        Approval filed;
        try (Approvals approvals = open()) {
            filed = approvals.request(draft("a", "da"));
        }
        String written = Files.readAllLines(dir.resolve("approvals.jsonl")).stream()
                .filter(l -> !l.isBlank())
                .findFirst()
                .orElseThrow();
        assertTrue(written.contains("\"requested_at\":\"2026-11-25T10:00:00.123Z\""), written);
        assertTrue(written.contains("\"expires_at\":\"2026-11-25T11:00:00.123Z\""), written);
        try (Approvals reopened = open()) {
            assertEquals(filed.requestedAt(), reopened.get("a").requestedAt(), "what was filed is what was kept");
            assertEquals(filed.expiresAt(), reopened.get("a").expiresAt());
        }
    }

    @Test
    void aStoreWrittenBeforeTimesHadOneFormStillReadsButItsUnsealedRequestIsNotUsed() throws Exception {
        // As the previous version wrote an approved request: Instant.toString, to the nanosecond or the second.
        Files.writeString(
                dir.resolve("approvals.jsonl"),
                "{\"action\":\"refund\",\"action_digest\":\"da\","
                        + "\"actor\":\"bot\",\"approvers\":[\"group:leads\"],\"arguments\":{\"amount\":5},"
                        + "\"caller_reason\":\"t-1\",\"comment\":\"ok\",\"consumed_by\":null,\"environment\":\"prod\","
                        + "\"expires_at\":\"2026-11-25T11:00:00Z\",\"id\":\"a\",\"matched_rules\":[\"r\"],\"method\":\"C#m()\","
                        + "\"on_behalf_of\":\"user-1\",\"policy_version\":\"v1\",\"reason\":\"why\","
                        + "\"requested_at\":\"2026-11-25T10:00:00.123456789Z\",\"reviewed_at\":\"2026-11-25T10:05:00.000000001Z\","
                        + "\"reviewer\":\"alice\",\"reviewers\":[\"alice\",\"bob\"],\"status\":\"approved\",\"tenant\":\"acme\"}\n");
        try (Approvals reopened = open()) {
            Approval a = reopened.get("a");
            assertEquals(ApprovalStatus.REFUSED, a.status(), "nothing tells a line of that version from a forged one");
            assertEquals(Instant.parse("2026-11-25T10:00:00.123456789Z"), a.requestedAt());
            assertEquals(Instant.parse("2026-11-25T11:00:00Z"), a.expiresAt());
            assertEquals(Instant.parse("2026-11-25T10:05:00.000000001Z"), a.reviewedAt());
            assertNull(reopened.openFor("da"));
            assertNull(reopened.consume("a", "call-2"));
        }
        String rewritten = Files.readString(dir.resolve("approvals.jsonl"));
        assertTrue(rewritten.contains("\"requested_at\":\"2026-11-25T10:00:00.123Z\""), rewritten);
        assertTrue(rewritten.contains("\"expires_at\":\"2026-11-25T11:00:00.000Z\""), rewritten);
        assertTrue(rewritten.contains("\"reviewed_at\":\"2026-11-25T10:05:00.000Z\""), rewritten);
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
    void separationOfDutiesComparesCanonicalIdentities() throws Exception {
        try (Approvals approvals = open()) {
            approvals.request(actorDraft("a", "olivia", null, Set.of("Olivia", "omar")));
            approvals.request(actorDraft("b", "olivia ", null, Set.of("olivia", "omar")));
            approvals.request(actorDraft("c", "\uff4f\uff4c\uff49\uff56\uff49\uff41", null, Set.of("olivia", "omar")));
            approvals.request(actorDraft("d", "bot", "OLIVIA", Set.of("olivia", "omar")));
            for (String id : List.of("a", "b", "c")) {
                Review refused = approvals.review(id, true, id.equals("a") ? "Olivia" : "olivia", null);
                assertEquals(403, refused.status(), id + ": " + refused.error());
                assertTrue(refused.error().contains("is the actor of this call"), refused.error());
            }
            Review forWhom = approvals.review("d", true, "olivia", null);
            assertEquals(403, forWhom.status(), forWhom.error());
            assertTrue(forWhom.error().contains("person acted for"), forWhom.error());
            assertEquals(200, approvals.review("a", true, " Omar", null).status(), "approvers match canonically too");
        }
    }

    private static ApprovalDraft actorDraft(String id, String actor, String onBehalfOf, Set<String> reviewers) {
        return DeskFixture.draft(id, "d" + id, actor, onBehalfOf, List.copyOf(reviewers), reviewers);
    }

    @Test
    void anInterruptedCallerDoesNotCloseTheStoreForEveryoneElse() throws Exception {
        try (Approvals approvals = open()) {
            Thread.currentThread().interrupt();
            try {
                approvals.request(draft("a", "da"));
                assertThrows(
                        InterruptedException.class,
                        () -> approvals.await("a", Duration.ofSeconds(5)),
                        "the interrupted caller itself stops waiting");
            } finally {
                Thread.interrupted();
            }
            CompletableFuture<Approval> other =
                    CompletableFuture.supplyAsync(() -> requestQuietly(approvals, draft("b", "db")));
            assertEquals("b", other.get(10, TimeUnit.SECONDS).id(), "another caller files its request");
            Review review = approvals.review("b", true, "alice", null);
            assertEquals(200, review.status(), review.error());
            assertEquals("b", approvals.consume("b", "call-2").id());
        }
        try (Approvals reopened = open()) {
            assertEquals(ApprovalStatus.PENDING, reopened.get("a").status(), "the interrupted write was kept whole");
        }
    }

    private static Approval requestQuietly(Approvals approvals, ApprovalDraft draft) {
        try {
            return approvals.request(draft);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aWaiterTimesOutWhileNobodyDecides() throws Exception {
        try (Approvals approvals = open()) {
            approvals.request(draft("a", "da"));
            assertThrows(TimeoutException.class, () -> approvals.await("a", Duration.ofMillis(50)));
            assertFalse(approvals.waiting("a"), "a caller that gave up is no longer counted");
            assertEquals(ApprovalStatus.PENDING, approvals.get("a").status(), "the request stays pending");
        }
    }

    @Test
    void aWaiterWakesOnTheReview() throws Exception {
        try (Approvals approvals = open()) {
            approvals.request(draft("a", "da"));
            CompletableFuture<Approval> waited = waitOn(approvals, "a");
            // The review comes once the caller waits: the wake-up, not an earlier decision, ends the wait.
            Review review = approvals.review("a", true, "alice", null);
            assertTrue(review.done());
            assertFalse(waited.isDone(), "the caller goes on only when the channel wakes it");
            review.wake().run();
            assertEquals(
                    ApprovalStatus.APPROVED, waited.get(10, TimeUnit.SECONDS).status());
        }
    }

    @Test
    void aWaiterWakesWhenItsRequestExpires() throws Exception {
        try (FileApprovals approvals = open()) {
            approvals.request(draft("a", "da"));
            CompletableFuture<Approval> waited = waitOn(approvals, "a");
            assertEquals(0, approvals.expireDue(), "nothing is due before the clock moves");
            clock.advance(Duration.ofMinutes(60));
            assertEquals(1, approvals.expireDue());
            assertEquals(
                    ApprovalStatus.EXPIRED, waited.get(10, TimeUnit.SECONDS).status());
        }
    }

    @Test
    void theSweeperExpiresAnUnusedApprovalOnceItsTimeIsUp() throws Exception {
        List<Map<String, Object>> written = new java.util.concurrent.CopyOnWriteArrayList<>(); // two threads write
        try (Approvals approvals = Approvals.open(
                dir.resolve("approvals.jsonl"), Duration.ofHours(1), clock, written::add, (since, each) -> {})) {
            approvals.request(draft("a", "da"));
            assertTrue(approvals.review("a", true, "alice", null).done());
            clock.advance(Duration.ofMinutes(61));
            // The sweeper looks once a second, on its own thread: no call to expireDue here.
            Await.until(
                    "approval a expired by the sweeper",
                    () -> written.stream().anyMatch(r -> "approval_expired".equals(r.get("kind"))));
            assertEquals(ApprovalStatus.EXPIRED, approvals.get("a").status());
        }
    }

    @Test
    void requestsAndUnusedApprovalsExpire() throws Exception {
        try (FileApprovals approvals = open()) {
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
        try (Approvals approvals = FileApprovals.open(
                dir.resolve("approvals.jsonl"),
                Duration.ofHours(1),
                clock,
                record -> {
                    throw new IOException("disk full");
                },
                (since, each) -> {})) { // nothing is ever recorded
            approvals.request(draft("a", "da"));
            Review review = approvals.review("a", true, "alice", null);
            assertEquals(503, review.status());
            assertEquals(ApprovalStatus.PENDING, approvals.get("a").status());
        }
    }

    @Test
    void theDigestBindsEveryPartOfTheCall() {
        String base = ActionDigest.of("refund", "bot", "u", "acme", "prod", Map.of("amount", 5L, "to", "x"), "v1");
        assertEquals(
                base,
                ActionDigest.of("refund", "bot", "u", "acme", "prod", Map.of("to", "x", "amount", 5L), "v1"),
                "key order does not matter");
        assertTrue(!base.equals(
                ActionDigest.of("refund", "bot", "u", "acme", "prod", Map.of("amount", 6L, "to", "x"), "v1")));
        assertTrue(!base.equals(
                ActionDigest.of("refund", "bot", "u", "acme", "prod", Map.of("amount", 5L, "to", "x"), "v2")));
        assertTrue(!base.equals(
                ActionDigest.of("refund", "eve", "u", "acme", "prod", Map.of("amount", 5L, "to", "x"), "v1")));
    }

    @Test
    void resolutionsKeepTheirWireNames() {
        assertEquals(
                List.of("allow", "deny", "approval_rejected", "approval_timeout", "approval_expired"),
                Arrays.stream(Resolution.values()).map(Resolution::wireName).toList());
        for (Resolution resolution : Resolution.values()) {
            assertEquals(resolution, Resolution.parse(resolution.wireName()));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Resolution.parse("rejected"));
        assertEquals(
                "unknown approval resolution 'rejected'; expected one of allow, deny, approval_rejected,"
                        + " approval_timeout, approval_expired",
                e.getMessage());
    }

    /** A caller waiting on {@code id} in a thread of its own, returned once it is counted as waiting. */
    private static CompletableFuture<Approval> waitOn(Approvals approvals, String id) throws InterruptedException {
        CompletableFuture<Approval> waited = new CompletableFuture<>();
        Thread caller = new Thread(
                () -> {
                    try {
                        waited.complete(approvals.await(id, Duration.ofSeconds(30)));
                    } catch (InterruptedException | TimeoutException | RuntimeException e) {
                        waited.completeExceptionally(e);
                    }
                },
                "approvals-test-caller");
        caller.setDaemon(true);
        caller.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!approvals.waiting(id)) {
            assertFalse(waited.isDone(), () -> "the caller stopped waiting: " + waited);
            assertTrue(System.nanoTime() < deadline, "the caller did not start waiting within 10s");
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        return waited;
    }
}
