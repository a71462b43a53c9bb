package dev.actiongate.agent.approvals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actiongate.agent.records.RecentRecords;
import dev.actiongate.agent.records.RecordLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store checked at start against real records files: when the records file was rotated
 * while the service ran, the review of an approval is in the file it continues, and is found
 * there.
 */
class RotatedRecordsTest {

    @TempDir
    Path dir;

    private FileApprovals open(RecordLog log) throws IOException {
        return FileApprovals.open(
                dir.resolve("approvals.jsonl"),
                Duration.ofHours(1),
                Clock.systemUTC(),
                record -> log.append(record, null),
                (since, each) -> RecentRecords.newestFirst(log.path(), since, each));
    }

    private static ApprovalDraft draft(String id) {
        return new ApprovalDraft(
                id,
                "refund",
                "C#m()",
                "bot",
                "user-1",
                "acme",
                "prod",
                "t-1",
                Map.of("amount", 5),
                List.of("r"),
                "why",
                List.of("alice"),
                Set.of("alice", "bob"),
                "v1",
                "digest-" + id);
    }

    @Test
    void anApprovalReviewedBeforeTheRecordsFileWasRotatedStaysApproved() throws Exception {
        Path records = dir.resolve("records.jsonl");
        Path rotated = dir.resolve("records.jsonl.1");
        try (RecordLog log = RecordLog.open(records)) {
            try (FileApprovals desk = open(log)) {
                desk.request(draft("a-1"));
                assertEquals(200, desk.review("a-1", true, "alice", "go").status());
            }
            Thread.sleep(200); // the writer has looked at the path since: the review is known to be in that file
            Files.move(records, rotated); // logrotate's rename, while the service runs
            log.append(Map.of("kind", "decision", "timestamp", Instant.now().toString()), null);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!Files.exists(records) || !Files.readString(records).contains("records_continued")) {
                assertTrue(System.nanoTime() < deadline, "the log goes on in a new file");
                Thread.sleep(5);
            }
            assertTrue(Files.readString(rotated).contains("\"kind\":\"approval_reviewed\""));
            assertFalse(Files.readString(records).contains("\"kind\":\"approval_reviewed\""));

            try (FileApprovals restarted = open(log)) {
                assertEquals(
                        ApprovalStatus.APPROVED,
                        restarted.get("a-1").status(),
                        "its review was found in the rotated file: " + Files.readString(records));
                assertEquals("a-1", restarted.consume("a-1", "call-1").id());
            }
        }
    }
}
