package dev.actiongate.agent.records;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actiongate.agent.testing.Await;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The latest records of a real records file, newest first, and of the files it continues after a rotation. */
class RecentRecordsTest {

    @TempDir
    Path dir;

    @Test
    void readsNewestFirstAndStopsAtTheFirstRecordBeforeSince() throws Exception {
        Path file = dir.resolve("records.jsonl");
        StringBuilder text = new StringBuilder();
        Instant start = Instant.parse("2026-12-01T10:00:00Z");
        for (int i = 0; i < 500; i++) {
            // long lines, so that lines cross the blocks the file is read in
            String pad = "x".repeat(i % 7 == 0 ? 9000 : 40);
            text.append("{\"kind\":\"decision\",\"n\":")
                    .append(i)
                    .append(",\"pad\":\"")
                    .append(pad)
                    .append("\",\"timestamp\":\"")
                    .append(start.plusSeconds(i))
                    .append("\"}\n");
            if (i == 250) {
                text.append("not json\n");
            }
        }
        text.append("{\"kind\":\"decision\",\"n\":500,\"timest"); // a line its writer has not finished
        Files.writeString(file, text, StandardCharsets.UTF_8);

        List<Object> seen = new ArrayList<>();
        int given = RecentRecords.newestFirst(file, start.plusSeconds(400), r -> seen.add(r.get("n")));
        assertEquals(100, given);
        assertEquals(499, ((Number) seen.get(0)).intValue());
        assertEquals(400, ((Number) seen.get(seen.size() - 1)).intValue());

        List<Map<String, Object>> all = new ArrayList<>();
        RecentRecords.newestFirst(file, Instant.EPOCH, all::add);
        assertEquals(500, all.size(), "every whole JSON line, back to the first");
        assertEquals(0, ((Number) all.get(499).get("n")).intValue());
    }

    @Test
    void aMissingFileHasNoRecords() throws Exception {
        assertEquals(0, RecentRecords.newestFirst(dir.resolve("none.jsonl"), Instant.EPOCH, r -> {}));
    }

    /** Record {@code n}, stamped now, as a log writes it. */
    private static Map<String, Object> record(int n) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("kind", "decision");
        record.put("n", n);
        record.put("timestamp", Timestamps.now());
        return record;
    }

    /** The {@code n} of each record given, newest first, back to {@code since}. */
    private static List<Integer> numbers(Path file, Instant since) throws IOException {
        List<Integer> numbers = new ArrayList<>();
        RecentRecords.newestFirst(file, since, record -> {
            if (record.get("n") instanceof Number n) {
                numbers.add(n.intValue());
            }
        });
        return numbers;
    }

    private static List<Integer> downFrom(int last) {
        List<Integer> numbers = new ArrayList<>();
        for (int i = last; i >= 0; i--) {
            numbers.add(i);
        }
        return numbers;
    }

    /**
     * Writes records {@code from} to {@code to} (exclusive) with {@code log}, then moves its file
     * to {@code aside}, as a rotation does, and waits for the log to go on in a new file.
     */
    private static void writeThenRotate(RecordLog log, int from, int to, Path aside) throws Exception {
        for (int i = from; i < to; i++) {
            log.append(record(i), null);
        }
        // Rotated once the writer has looked at the path since: records a look found there are not written again.
        Await.until("records up to " + (to - 1) + " confirmed in " + log.path(), log::confirmed);
        Files.move(log.path(), aside);
        log.append(record(to), null);
        Await.until(
                "the log goes on in a new file",
                () -> Files.exists(log.path()) && Files.readString(log.path()).contains("\"n\":" + to + ","));
        Map<String, Object> continued =
                CanonicalJson.parse(Files.readAllLines(log.path()).get(0));
        assertNotEquals(RecordChain.GENESIS, continued.get("previous_hash"), "the records were in the old file");
    }

    @Test
    void aFileThatContinuesARotatedOneIsFollowedBackIntoItWhenTheWindowReachesBeyondItsFirstRecord() throws Exception {
        Path file = dir.resolve("records.jsonl");
        Instant start = Instant.now().minusSeconds(1);
        try (RecordLog log = RecordLog.open(file)) {
            writeThenRotate(log, 0, 5, dir.resolve("records.jsonl.2"));
            writeThenRotate(log, 6, 10, dir.resolve("archived-by-hand.jsonl")); // found by its inode
            for (int i = 11; i < 15; i++) {
                log.append(record(i), null);
            }
        }
        assertTrue(Files.readAllLines(file).get(0).contains("\"kind\":\"records_continued\""));
        assertEquals(downFrom(14), numbers(file, start), "every record once, newest first, across both rotations");

        Instant recent = Instant.now().plusSeconds(60);
        assertEquals(List.of(), numbers(file, recent), "a window the newest file covers reads no further");
    }

    @Test
    void aRecordWrittenAgainInTheNewFileIsGivenOnceFromThere() throws Exception {
        // Record 5 goes into the moved file when the writer writes it before it next looks at the
        // path; a look in the moment between the move and the append gives the other case (nothing
        // written again). That moment is short: a few rotations give the case under test.
        for (int attempt = 0; attempt < 20; attempt++) {
            Path each = Files.createDirectory(dir.resolve("attempt-" + attempt));
            Path file = each.resolve("records.jsonl");
            Path old = each.resolve("records.jsonl.1");
            try (RecordLog log = RecordLog.open(file)) {
                writeThenRotate(log, 0, 5, old);
            }
            Map<String, Object> continued =
                    CanonicalJson.parse(Files.readAllLines(file).get(0));
            if (((Number) continued.get("rewritten")).intValue() == 0) {
                assertEquals(downFrom(5), numbers(file, Instant.EPOCH), "nothing written again");
                continue;
            }
            assertTrue(Files.readString(old).contains("\"n\":5,"), "record 5 is in the old file");
            assertEquals(downFrom(5), numbers(file, Instant.EPOCH), "record 5 once, from the new file");
            return;
        }
        throw new AssertionError("in 20 rotations the writer never wrote a record into the moved file");
    }

    @Test
    void aPreviousFileThatIsGoneOrIsAnotherChainIsNotRead() throws Exception {
        Path file = dir.resolve("records.jsonl");
        Path old = dir.resolve("records.jsonl.1");
        try (RecordLog log = RecordLog.open(file)) {
            writeThenRotate(log, 0, 5, old);
        }
        Files.delete(old);
        assertEquals(List.of(5), numbers(file, Instant.EPOCH), "only what is there");

        // another file by the rotated one's name, from another chain: its records are not this chain's
        try (RecordLog other = RecordLog.open(old)) {
            for (int i = 100; i < 103; i++) {
                other.append(record(i), null);
            }
        }
        assertEquals(List.of(5), numbers(file, Instant.EPOCH), "a name is not enough");
    }
}
