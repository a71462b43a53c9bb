package dev.actiongate.agent.approvals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The approvals store as evidence: its lines are sealed, and at open it is checked against the
 * decision records, so that a cut, forged or edited line never lets a call run.
 */
class StoreEvidenceTest {

    @TempDir
    Path dir;

    private final List<Map<String, Object>> recorded = new ArrayList<>();
    private final Clock clock = Clock.fixed(Instant.now().truncatedTo(ChronoUnit.MILLIS), ZoneOffset.UTC);

    private Path store() {
        return dir.resolve("approvals.jsonl");
    }

    private FileApprovals open() throws IOException {
        return DeskFixture.inMemory(store(), clock, recorded);
    }

    private static ApprovalDraft draft(String id, String digest) {
        return DeskFixture.draft(id, digest);
    }

    private List<String> lines() throws IOException {
        return Files.readAllLines(store()).stream().filter(l -> !l.isBlank()).toList();
    }

    private List<Map<String, Object>> storeRefusals(String id) {
        return recorded.stream()
                .filter(r -> "approval_store_refused".equals(r.get("kind")) && id.equals(r.get("decision_id")))
                .toList();
    }

    /** The decision record of a call that ran on approval {@code id}, as the gate writes it. */
    private void aCallRanOn(String id, String decision) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("approval_consumed", id);
        record.put("decision_id", decision);
        record.put("kind", "decision");
        record.put("verdict", "allow");
        recorded.add(record);
    }

    @Test
    void anApprovalTheRecordsShowUsedIsNeverUsedAgainWhenTheStoreLineThatSaysSoIsCut() throws Exception {
        try (FileApprovals approvals = open()) {
            approvals.request(draft("a", "da"));
            assertEquals(200, approvals.review("a", true, "alice", "ok").status());
            assertEquals("a", approvals.consume("a", "call-1").id());
            aCallRanOn("a", "call-1");
        }
        List<String> lines = lines();
        Files.write(store(), lines.subList(0, lines.size() - 1));
        try (FileApprovals reopened = open()) {
            assertEquals(ApprovalStatus.CONSUMED, reopened.get("a").status());
            assertNull(reopened.openFor("da"));
            assertNull(reopened.consume("a", "call-2"), "used once, before the restart");
        }
        Map<String, Object> refusal = storeRefusals("a").get(0);
        assertEquals("consumed", refusal.get("status"));
        assertEquals("approved", refusal.get("store_status"));
        assertEquals("call-1", refusal.get("consumed_by"));
        assertEquals(store().toAbsolutePath().toString(), refusal.get("store"));
    }

    @Test
    void aWaitingCallThatRanIsFoundThroughItsResolution() throws Exception {
        try (FileApprovals approvals = open()) {
            approvals.request(draft("a", "da"));
            approvals.review("a", true, "alice", "ok");
        }
        recorded.add(Map.of("kind", "approval_resolved", "approval_id", "a", "decision_id", "a", "verdict", "allow"));
        try (FileApprovals reopened = open()) {
            assertEquals(ApprovalStatus.CONSUMED, reopened.get("a").status());
        }
    }

    @Test
    void anApprovedLineWithoutItsReviewInTheRecordsIsRefusedEvenWhenSealedWithTheKey() throws Exception {
        try (FileApprovals approvals = open()) {
            approvals.request(draft("a", "da"));
        }
        Approval pending;
        try (FileApprovals reading = open()) {
            pending = reading.get("a");
        }
        List<String> lines = new ArrayList<>(lines());
        String last = lines.get(lines.size() - 1);
        String previous = last.substring(last.length() - 66, last.length() - 2);
        Approval forged = pending.reviewed(
                ApprovalStatus.APPROVED,
                "alice",
                "sure",
                clock.instant(),
                clock.instant().plus(Duration.ofHours(1)));
        StoreKey key = StoreKey.openOrCreate(store().toAbsolutePath());
        lines.add(StoreLines.seal(forged, previous, key).text().strip());
        Files.write(store(), lines);

        try (FileApprovals reopened = open()) {
            assertEquals(ApprovalStatus.REFUSED, reopened.get("a").status());
            assertNull(reopened.consume("a", "call-1"));
            assertNull(reopened.openFor("da"), "not open either: a new call files a new request");
            assertTrue(reopened.pending().isEmpty());
        }
        Map<String, Object> refusal = storeRefusals("a").get(0);
        assertEquals("refused", refusal.get("status"));
        assertEquals("approved", refusal.get("store_status"));
        assertTrue(refusal.get("problem").toString().contains("approval_reviewed"), refusal.toString());
        assertTrue(lines().get(lines().size() - 1).contains("\"status\":\"refused\""), "the store says so too");
    }

    @Test
    void anApprovalByAnotherReviewerThanTheRecordedOneIsRefused() throws Exception {
        try (FileApprovals approvals = open()) {
            approvals.request(draft("a", "da"));
            approvals.review("a", true, "alice", "ok");
        }
        recorded.replaceAll(r -> "approval_reviewed".equals(r.get("kind")) ? withReviewer(r, "bob") : r);
        try (FileApprovals reopened = open()) {
            assertEquals(ApprovalStatus.REFUSED, reopened.get("a").status());
        }
    }

    private static Map<String, Object> withReviewer(Map<String, Object> record, String reviewer) {
        Map<String, Object> changed = new LinkedHashMap<>(record);
        changed.put("reviewer", reviewer);
        return changed;
    }

    @Test
    void aGenuineApprovalSurvivesTheCheck() throws Exception {
        try (FileApprovals approvals = open()) {
            approvals.request(draft("a", "da"));
            approvals.review("a", true, "alice", "ok");
        }
        try (FileApprovals reopened = open()) {
            assertEquals(ApprovalStatus.APPROVED, reopened.get("a").status());
            assertEquals("a", reopened.consume("a", "call-1").id());
        }
        assertEquals(
                0,
                recorded.stream()
                        .filter(r -> "approval_store_refused".equals(r.get("kind")))
                        .count());
    }

    @Test
    void withNoOpenRequestTheRecordsAreNotRead() throws Exception {
        try (FileApprovals approvals = open()) {
            approvals.request(draft("a", "da"));
            approvals.review("a", false, "alice", "no");
        }
        try (FileApprovals reopened =
                FileApprovals.open(store(), Duration.ofHours(1), clock, recorded::add, (since, each) -> {
                    throw new AssertionError("read the records for nothing");
                })) {
            assertNull(reopened.get("a"));
        }
    }

    @Test
    void anEditedLineIsReportedWithItsLineAndItsRequestRefused() throws Exception {
        try (FileApprovals approvals = open()) {
            approvals.request(draft("a", "da"));
            approvals.request(draft("b", "db"));
            approvals.review("b", true, "alice", "ok");
        }
        List<String> lines = new ArrayList<>(lines());
        lines.set(2, lines.get(2).replace("\"comment\":\"ok\"", "\"comment\":\"OK\""));
        Files.write(store(), lines);
        try (FileApprovals reopened = open()) {
            assertEquals(ApprovalStatus.PENDING, reopened.get("a").status(), "its lines hold");
            assertEquals(ApprovalStatus.REFUSED, reopened.get("b").status());
        }
        Map<String, Object> refusal = storeRefusals("b").get(0);
        assertEquals(3, refusal.get("line"));
        assertEquals("sealed", refusal.get("store_status"));
        assertTrue(refusal.get("problem").toString().contains("seal does not hold"), refusal.toString());
    }

    @Test
    void aLineMovedOrFollowingARemovedOneDoesNotHold() throws Exception {
        try (FileApprovals approvals = open()) {
            approvals.request(draft("a", "da"));
            approvals.request(draft("b", "db"));
            approvals.request(draft("c", "dc"));
        }
        List<String> lines = new ArrayList<>(lines());
        lines.remove(1);
        Files.write(store(), lines);
        try (FileApprovals reopened = open()) {
            assertEquals(ApprovalStatus.PENDING, reopened.get("a").status());
            assertNull(reopened.get("b"));
            assertEquals(ApprovalStatus.REFUSED, reopened.get("c").status(), "chained to a line that is gone");
        }
    }

    @Test
    void anUnsealedStoreFromBeforeSealingIsRefusedLineByLine() throws Exception {
        try (FileApprovals approvals = open()) {
            approvals.request(draft("a", "da"));
        }
        String line = lines().get(0);
        Files.writeString(store(), line.substring(0, line.length() - 74) + "}\n", StandardCharsets.UTF_8);
        try (FileApprovals reopened = open()) {
            assertEquals(ApprovalStatus.REFUSED, reopened.get("a").status());
        }
        assertTrue(storeRefusals("a").get(0).get("problem").toString().contains("not sealed"));
    }

    @Test
    void aStoreWhoseKeyVanishedIsRefusedAndTheKeyIsMadeAnew() throws Exception {
        try (FileApprovals approvals = open()) {
            approvals.request(draft("a", "da"));
        }
        Files.delete(dir.resolve("approvals.jsonl.key"));
        try (FileApprovals reopened = open()) {
            assertEquals(ApprovalStatus.REFUSED, reopened.get("a").status());
        }
        assertTrue(storeRefusals("a").get(0).get("problem").toString().contains("made anew"));
        assertEquals(
                "rw-------",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("approvals.jsonl.key"))));
    }

    @Test
    void aKeyFileOthersMayReadIsRefused() throws Exception {
        try (FileApprovals approvals = open()) {
            approvals.request(draft("a", "da"));
        }
        Files.setPosixFilePermissions(dir.resolve("approvals.jsonl.key"), PosixFilePermissions.fromString("rw-r--r--"));
        IOException e = assertThrows(IOException.class, this::open);
        assertTrue(e.getMessage().contains("chmod 600"), e.getMessage());
    }
}
