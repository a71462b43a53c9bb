package dev.actiongate.agent.approvals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actiongate.agent.records.RecordLog;
import dev.actiongate.agent.testing.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
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

    private Approvals open(RecordLog log) throws IOException {
        return DeskFixture.onLog(dir.resolve("approvals.jsonl"), log);
    }

    @Test
    void anApprovalReviewedBeforeTheRecordsFileWasRotatedStaysApproved() throws Exception {
        Path records = dir.resolve("records.jsonl");
        Path rotated = dir.resolve("records.jsonl.1");
        try (RecordLog log = RecordLog.open(records)) {
            try (Approvals desk = open(log)) {
                desk.request(DeskFixture.draft("a-1", "digest-a-1"));
                assertEquals(200, desk.review("a-1", true, "alice", "go").status());
            }
            // Rotated once the writer has looked at the path since the review: it is known to be in that file.
            Await.until("the review is confirmed in " + records, log::confirmed);
            Files.move(records, rotated); // logrotate's rename, while the service runs
            log.append(Map.of("kind", "decision", "timestamp", Instant.now().toString()), null);
            Await.until(
                    "the log goes on in a new file",
                    () -> Files.exists(records) && Files.readString(records).contains("records_continued"));
            assertTrue(Files.readString(rotated).contains("\"kind\":\"approval_reviewed\""));
            assertFalse(Files.readString(records).contains("\"kind\":\"approval_reviewed\""));

            try (Approvals restarted = open(log)) {
                assertEquals(
                        ApprovalStatus.APPROVED,
                        restarted.get("a-1").status(),
                        "its review was found in the rotated file: " + Files.readString(records));
                assertEquals("a-1", restarted.consume("a-1", "call-1").id());
            }
        }
    }
}
