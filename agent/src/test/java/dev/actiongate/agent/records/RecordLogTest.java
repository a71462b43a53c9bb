package dev.actiongate.agent.records;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actiongate.agent.testing.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordLogTest {

    @TempDir
    Path dir;

    private static Map<String, Object> record(int n) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("kind", "decision");
        record.put("decision_id", DecisionIds.next());
        record.put("n", n);
        record.put("text", "ünïcødé \"quoted\" \n newline");
        record.put("nothing", null);
        record.put("arguments", Map.of("z", 1, "a", List.of("x", Map.of("k", true))));
        return record;
    }

    /** Runs {@code work} on {@code threads} threads at once and waits for every one. */
    private static void onThreads(int threads, Callable<Void> work) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Void>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(work));
            }
            for (Future<Void> future : futures) {
                future.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    private Path write(int count) throws IOException {
        Path file = dir.resolve("records.jsonl");
        try (RecordLog log = RecordLog.open(file)) {
            for (int i = 0; i < count; i++) {
                log.append(record(i), null);
            }
        }
        return file;
    }

    @Test
    void chainVerifiesAndContinuesAcrossReopen() throws IOException {
        Path file = write(5);
        try (RecordLog log = RecordLog.open(file)) {
            assertEquals(ChainVerifier.verify(file).lastHash(), log.continuedFrom());
            log.append(record(5), null);
        }
        ChainVerifier.Result result = ChainVerifier.verify(file);
        assertTrue(result.intact(), String.valueOf(result));
        assertEquals(6, result.records());
        assertEquals(6, Files.readAllLines(file).size());
    }

    @Test
    void queuedRecordsGoOutWithTheNextAppendInOrderAndTellTheirLines() throws IOException {
        Path file = dir.resolve("records.jsonl");
        List<String> told = new ArrayList<>();
        try (RecordLog log = RecordLog.open(file)) {
            log.append(record(0), null);
            log.appendSoon(record(1), told::add);
            log.appendSoon(record(2), told::add);
            log.append(record(3), told::add);
            List<String> lines = Files.readAllLines(file);
            assertEquals(4, lines.size(), "queued records are written with the next append, before it");
            for (int i = 0; i < 4; i++) {
                assertEquals(i, ((Number) CanonicalJson.parse(lines.get(i)).get("n")).intValue());
            }
            assertEquals(lines.subList(1, 4), told, "each caller hears of its own line, as written");
            log.appendSoon(record(4), told::add);
            log.flush();
            assertEquals(5, Files.readAllLines(file).size(), "flush writes what is queued");
        }
        assertTrue(ChainVerifier.verify(file).intact());
    }

    /** Writes {@code count} records, lets {@code edit} change the file's lines, and verifies what is left. */
    private ChainVerifier.Result tampered(int count, Consumer<List<String>> edit) throws IOException {
        Path file = write(count);
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        edit.accept(lines);
        Files.write(file, lines);
        return ChainVerifier.verify(file);
    }

    private static void assertBrokenAt(int line, String problem, ChainVerifier.Result result) {
        assertFalse(result.intact(), String.valueOf(result));
        assertEquals(line, result.badLine(), String.valueOf(result));
        assertTrue(result.problem().contains(problem), result.problem());
    }

    @Test
    void editedLineIsCaught() throws IOException {
        assertBrokenAt(
                3, "edited", tampered(5, lines -> lines.set(2, lines.get(2).replace("\"n\":2", "\"n\":7"))));
    }

    @Test
    void deletedLineIsCaught() throws IOException {
        assertBrokenAt(2, "deleted", tampered(5, lines -> lines.remove(1)));
    }

    @Test
    void swappedLinesAreCaught() throws IOException {
        assertBrokenAt(3, "", tampered(5, lines -> java.util.Collections.swap(lines, 2, 3)));
    }

    @Test
    void truncatedHeadIsCaught() throws IOException {
        assertBrokenAt(1, "", tampered(3, lines -> lines.remove(0)));
    }

    @Test
    void aLastLineThatIsNotARecordRefusesToContinueTheChain() throws IOException {
        Path file = write(2);
        Files.writeString(file, "{\"kind\":\"not a record\"}\n", java.nio.file.StandardOpenOption.APPEND);
        IOException e = assertThrows(IOException.class, () -> RecordLog.open(file));
        assertTrue(e.getMessage().contains("cannot be continued"), e.getMessage());
    }

    @Test
    void aLineTornByAKillIsSetAsideAndTheChainGoesOn() throws IOException {
        Path file = write(2);
        Files.writeString(file, "{\"kind\":\"decis", java.nio.file.StandardOpenOption.APPEND);
        ChainVerifier.Result beforeRestart = ChainVerifier.verify(file);
        assertTrue(beforeRestart.intact(), "a cut-short last line is not tampering: " + beforeRestart);
        assertEquals(2, beforeRestart.records());
        assertEquals(14, beforeRestart.tornBytes());
        try (RecordLog log = RecordLog.open(file)) {
            log.append(record(2), null);
        }
        ChainVerifier.Result result = ChainVerifier.verify(file);
        assertTrue(result.intact(), String.valueOf(result));
        assertEquals(3, result.records());
        try (var listing = Files.list(dir)) {
            Path aside = listing.filter(p -> p.getFileName().toString().startsWith("records.jsonl.torn-"))
                    .findFirst()
                    .orElseThrow();
            assertEquals("{\"kind\":\"decis", Files.readString(aside), "the fragment is kept, not dropped");
        }
    }

    @Test
    void unwritablePathFails() throws IOException {
        Path notADirectory = Files.writeString(dir.resolve("file.txt"), "x");
        assertThrows(IOException.class, () -> RecordLog.open(notADirectory.resolve("records.jsonl")));
    }

    @Test
    void concurrentAppendsAreNeitherLostNorInterleaved() throws Exception {
        Path file = dir.resolve("records.jsonl");
        int threads = 8;
        int perThread = 2_000;
        try (RecordLog log = RecordLog.open(file)) {
            onThreads(threads, () -> {
                for (int i = 0; i < perThread; i++) {
                    log.append(record(i), null);
                }
                return null;
            });
        }
        ChainVerifier.Result result = ChainVerifier.verify(file);
        assertTrue(result.intact(), String.valueOf(result));
        assertEquals((long) threads * perThread, result.records());
        Set<Object> ids = new HashSet<>();
        for (String line : Files.readAllLines(file)) {
            ids.add(CanonicalJson.parse(line).get("decision_id"));
        }
        assertEquals(threads * perThread, ids.size(), "decision ids are unique");
    }

    @Test
    void journaledAppendsReachTheFileWithinMomentsAndCloseEmptiesTheJournal() throws Exception {
        Path file = dir.resolve("records.jsonl");
        try (RecordLog log = RecordLog.open(file, true)) {
            for (int i = 0; i < 3; i++) {
                log.append(record(i), null);
            }
            Await.until("the background writer copies the journal to the file", () -> lineCount(file) == 3);
            log.flush();
            assertEquals(
                    List.of(),
                    RecordJournal.leftOver(RecordLog.journalOf(file)),
                    "after a flush (as at shutdown) the next start has nothing to look at");
            log.append(record(3), null);
            assertEquals(1, RecordJournal.leftOver(RecordLog.journalOf(file)).size(), "only what came since");
        }
        ChainVerifier.Result result = ChainVerifier.verify(file);
        assertTrue(result.intact(), String.valueOf(result));
        assertEquals(4, result.records());
        assertEquals(
                List.of(),
                RecordJournal.leftOver(RecordLog.journalOf(file)),
                "a clean close leaves nothing to recover");
    }

    @Test
    void linesAKilledProcessLeftInTheJournalAreAppendedOnceAtTheNextOpen() throws IOException {
        Path file = write(3);
        // What a killed process leaves: its journal holds lines already in the file, lines that
        // continue it and never got there, and a line torn half-way through.
        Path scratch = Files.copy(file, dir.resolve("scratch.jsonl"));
        try (RecordLog log = RecordLog.open(scratch)) {
            for (int i = 3; i < 6; i++) {
                log.append(record(i), null);
            }
        }
        List<String> all = Files.readAllLines(scratch);
        try (RecordJournal journal = RecordJournal.open(RecordLog.journalOf(file))) {
            journal.reset(64 << 10);
            for (String line : all) {
                journal.put(java.nio.ByteBuffer.wrap((line + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            }
            journal.put(
                    java.nio.ByteBuffer.wrap("{\"kind\":\"decis".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        try (RecordLog log = RecordLog.open(file, true)) {
            log.append(record(6), null);
        }
        ChainVerifier.Result result = ChainVerifier.verify(file);
        assertTrue(result.intact(), String.valueOf(result));
        assertEquals(7, result.records());
        assertEquals(all, Files.readAllLines(file).subList(0, 6), "the missing lines, each once, in chain order");
    }

    @Test
    void aJournalWhoseRecordsFileWasMovedAwayIsKeptAsideNotAppendedToANewFile() throws IOException {
        Path file = write(2);
        try (RecordJournal journal = RecordJournal.open(RecordLog.journalOf(file))) {
            journal.reset(64 << 10);
            for (String line : Files.readAllLines(file)) {
                journal.put(java.nio.ByteBuffer.wrap((line + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            }
        }
        Files.move(file, dir.resolve("moved.jsonl"));
        try (RecordLog log = RecordLog.open(file, true)) {
            log.append(record(0), null);
        }
        assertEquals(1, Files.readAllLines(file).size());
        try (var listing = Files.list(dir)) {
            assertEquals(
                    1,
                    listing.filter(p -> p.getFileName().toString().contains(".journal.orphaned-"))
                            .count());
        }
    }

    @Test
    void aSecondWriterOfTheSameRecordsFileLeavesTheFirstOnesJournalAlone() throws IOException {
        Path file = dir.resolve("records.jsonl");
        try (RecordLog first = RecordLog.open(file, true)) {
            first.append(record(0), null);
            try (RecordLog second = RecordLog.open(file, true)) {
                assertTrue(first.journaled());
                assertFalse(second.journaled(), "the journal is locked by the first: the second writes directly");
                second.append(record(1), null);
            }
            first.append(record(2), null);
        }
        try (RecordLog again = RecordLog.open(file, true)) {
            assertTrue(again.journaled(), "the lock goes with its writer");
        }
        assertEquals(3, Files.readAllLines(file).size(), "nothing lost; the chain is broken where the writers met");
    }

    @Test
    void aPartLineWhileAnotherWriterHoldsTheJournalIsItsWriteUnderWayAndIsLeftAlone() throws IOException {
        Path file = dir.resolve("records.jsonl");
        try (RecordLog first = RecordLog.open(file, true)) {
            first.append(record(0), null);
            first.flush();
            Files.writeString(file, "{\"kind\":\"decis", java.nio.file.StandardOpenOption.APPEND);
            long size = Files.size(file);
            assertThrows(IOException.class, () -> RecordLog.open(file, true));
            assertEquals(size, Files.size(file), "the other writer's file is not cut");
            try (var listing = Files.list(dir)) {
                assertEquals(
                        0,
                        listing.filter(p -> p.getFileName().toString().contains(".torn-"))
                                .count());
            }
        }
    }

    @Test
    void withoutAUsableJournalDecisionsAreWrittenDirectly() throws IOException {
        Path file = dir.resolve("records.jsonl");
        Files.createDirectory(RecordLog.journalOf(file));
        try (RecordLog log = RecordLog.open(file, true)) {
            assertFalse(log.journaled());
            log.append(record(0), null);
            assertEquals(1, Files.readAllLines(file).size(), "written before append returns");
        }
    }

    @Test
    void aSmallJournalWrapsAroundWithoutLosingOrTearingALine() throws Exception {
        Path file = dir.resolve("records.jsonl");
        int threads = 4;
        int perThread = 2_000;
        try (RecordLog log = RecordLog.open(file, 16 << 10)) {
            onThreads(threads, () -> {
                for (int i = 0; i < perThread; i++) {
                    log.append(record(i), null);
                    log.appendSoon(record(-i), null);
                }
                return null;
            });
        }
        ChainVerifier.Result result = ChainVerifier.verify(file);
        assertTrue(result.intact(), String.valueOf(result));
        assertEquals(2L * threads * perThread, result.records());
    }

    @Test
    void decisionIdsAreTimeOrderedUuidV7() {
        String previous = DecisionIds.next();
        for (int i = 0; i < 10_000; i++) {
            String next = DecisionIds.next();
            assertTrue(next.compareTo(previous) > 0, previous + " then " + next);
            assertEquals('7', next.charAt(14));
            previous = next;
        }
    }

    @Test
    void aThreadWithItsInterruptFlagSetCannotCloseTheRecordsFile() throws Exception {
        Path file = dir.resolve("records.jsonl");
        try (RecordLog log = RecordLog.open(file)) {
            Thread.currentThread().interrupt();
            try {
                log.append(record(0), null);
            } finally {
                assertTrue(Thread.interrupted(), "the flag is the application's: left as it was");
            }
            log.append(record(1), null);
            assertEquals(2, Files.readAllLines(file).size());
        }
        assertTrue(ChainVerifier.verify(file).intact());
    }

    private static long lineCount(Path file) {
        try {
            return Files.readAllLines(file).size();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, Object> firstRecord(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            return lines.isEmpty() || !lines.get(0).endsWith("}") ? Map.of() : CanonicalJson.parse(lines.get(0));
        } catch (IOException e) {
            return Map.of();
        }
    }

    private static boolean continued(Path file) {
        return "records_continued".equals(firstRecord(file).get("kind"));
    }

    /** The {@code n} of every record in {@code file} that has one; none while the file is missing. */
    private static Set<Integer> numbers(Path file) {
        Set<Integer> numbers = new HashSet<>();
        try {
            for (String line : Files.readAllLines(file)) {
                if (CanonicalJson.parse(line).get("n") instanceof Number n) {
                    numbers.add(n.intValue());
                }
            }
        } catch (IOException e) {
            return Set.of();
        }
        return numbers;
    }

    private static Set<Integer> range(int from, int to) {
        Set<Integer> numbers = new HashSet<>();
        for (int i = from; i < to; i++) {
            numbers.add(i);
        }
        return numbers;
    }

    private static Set<String> hashes(Path file) throws IOException {
        Set<String> hashes = new HashSet<>();
        for (String line : Files.readAllLines(file)) {
            hashes.add((String) CanonicalJson.parse(line).get("hash"));
        }
        return hashes;
    }

    @Test
    void aDeletedRecordsFileIsNoticedAndTheLogGoesOnInANewFileThatSaysWhichChainItContinues() throws Exception {
        Path file = dir.resolve("records.jsonl");
        try (RecordLog log = RecordLog.open(file)) {
            for (int i = 0; i < 5; i++) {
                log.append(record(i), null);
            }
            // Records reach the file from a queue, and count as in it only once the writer's next
            // look finds the same file: delete it only then, or all of them are rightly written again.
            Await.until("five records confirmed in the file", log::confirmed);
            Set<String> before = hashes(file);
            String key = String.valueOf(
                    Files.readAttributes(file, BasicFileAttributes.class).fileKey());
            Files.delete(file);
            for (int i = 5; i < 10; i++) {
                log.append(record(i), null);
            }
            Await.until("a new records file that begins with records_continued", () -> continued(file));
            for (int i = 10; i < 15; i++) {
                log.append(record(i), null);
            }
            Map<String, Object> continuation = firstRecord(file);
            assertEquals(file.toString(), continuation.get("previous_file"));
            assertEquals(key, continuation.get("previous_file_key"));
            assertEquals("deleted", continuation.get("reason"));
            assertTrue(
                    before.contains((String) continuation.get("previous_hash")),
                    "it continues a record of the deleted file: " + continuation);
            assertEquals(continuation.get("previous_hash"), continuation.get("prev_hash"));
            assertNull(log.problem());
        }
        assertTrue(
                numbers(file).containsAll(range(5, 15)),
                "every record written after the deletion is in the new file: " + numbers(file));
        ChainVerifier.Result result = ChainVerifier.verify(file);
        assertTrue(result.intact(), String.valueOf(result));
        assertEquals("deleted", result.continues().reason());
        assertEquals(firstRecord(file).get("previous_hash"), result.continues().previousHash());
    }

    @Test
    void aRenamedJournaledRecordsFileGoesOnInANewFileAndTheTwoVerifyAsOneChain() throws Exception {
        Path file = dir.resolve("records.jsonl");
        Path old = dir.resolve("records.jsonl.1");
        try (RecordLog log = RecordLog.open(file, true)) {
            for (int i = 0; i < 5; i++) {
                log.append(record(i), null);
            }
            Await.until("five records confirmed in the file", log::confirmed);
            Files.move(file, old);
            for (int i = 5; i < 10; i++) {
                log.append(record(i), null);
            }
            Await.until("a new records file that begins with records_continued", () -> continued(file));
            for (int i = 10; i < 15; i++) {
                log.append(record(i), null);
            }
            assertTrue(log.journaled(), "the journal, still at its path, goes on");
        }
        Set<Integer> all = new HashSet<>(numbers(old));
        all.addAll(numbers(file));
        assertEquals(range(0, 15), all);
        ChainVerifier.Result before = ChainVerifier.verify(old);
        ChainVerifier.Result after = ChainVerifier.verify(file);
        assertTrue(before.intact(), String.valueOf(before));
        assertTrue(after.intact(), String.valueOf(after));
        ChainVerifier.Link link = ChainVerifier.link(old, before, file, after);
        assertTrue(link.holds(), link.description());
        ChainVerifier.Link backwards = ChainVerifier.link(file, after, old, before);
        assertFalse(backwards.holds(), backwards.description());
    }

    @Test
    void aFolderThatIsGoneDeniesEveryAppendNamingThePathAndWritingResumesWhenItIsBack() throws Exception {
        Path folder = dir.resolve("logs");
        Path file = folder.resolve("records.jsonl");
        Set<Integer> written = new HashSet<>();
        try (RecordLog log = RecordLog.open(file, true)) {
            log.append(record(0), null);
            Await.until("the first record in the file", () -> numbers(file).size() == 1);
            Files.delete(RecordLog.journalOf(file));
            Files.delete(file);
            Files.delete(folder);
            int[] n = {1};
            IOException[] denied = new IOException[1];
            Await.until("an append denied", () -> {
                try {
                    log.append(record(n[0]), null);
                    written.add(n[0]++);
                    return false;
                } catch (IOException e) {
                    denied[0] = e;
                    return true;
                }
            });
            assertTrue(denied[0].getMessage().contains(file.toString()), denied[0].getMessage());
            assertTrue(denied[0].getMessage().contains("denied"), denied[0].getMessage());
            assertEquals(denied[0].getMessage(), log.problem());
            Files.createDirectory(folder);
            Await.until("appends accepted again", () -> {
                try {
                    log.append(record(n[0]), null);
                    written.add(n[0]++);
                    return true;
                } catch (IOException e) {
                    return false;
                }
            });
            assertTrue(Files.isRegularFile(RecordLog.journalOf(file)), "the journal is made again at its path");
            assertTrue(log.journaled());
            assertNull(log.problem());
        }
        written.remove(0);
        assertTrue(continued(file), String.valueOf(firstRecord(file)));
        assertTrue(
                numbers(file).containsAll(written), "every record accepted after the folder went is in the new file");
        assertTrue(ChainVerifier.verify(file).intact());
    }

    @Test
    void aDeletedJournalIsMadeAgainAndTheRecordsFileGoesOnUnbroken() throws Exception {
        Path file = dir.resolve("records.jsonl");
        Path journal = RecordLog.journalOf(file);
        try (RecordLog log = RecordLog.open(file, true)) {
            log.append(record(0), null);
            Object key =
                    Files.readAttributes(journal, BasicFileAttributes.class).fileKey();
            Files.delete(journal);
            Await.until("a new journal", () -> Files.exists(journal));
            assertNotEquals(
                    key,
                    Files.readAttributes(journal, BasicFileAttributes.class).fileKey());
            for (int i = 1; i < 5; i++) {
                log.append(record(i), null);
            }
        }
        assertEquals(range(0, 5), numbers(file));
        ChainVerifier.Result result = ChainVerifier.verify(file);
        assertTrue(result.intact(), String.valueOf(result));
        assertNull(result.continues(), "the records file never changed");
    }

    @Test
    void aFileThatReplacesTheRecordsFileIsMovedAsideNotAppendedTo() throws Exception {
        Path file = dir.resolve("records.jsonl");
        try (RecordLog log = RecordLog.open(file)) {
            log.append(record(0), null);
            Path other = Files.writeString(dir.resolve("other"), "not ours\n");
            Files.move(other, file, StandardCopyOption.REPLACE_EXISTING);
            Await.until("a new records file that begins with records_continued", () -> continued(file));
            log.append(record(1), null);
            assertEquals("replaced", firstRecord(file).get("reason"));
        }
        try (var listing = Files.list(dir)) {
            List<Path> aside = listing.filter(p -> p.getFileName().toString().startsWith("records.jsonl.foreign-"))
                    .toList();
            assertEquals(1, aside.size(), "the other file is kept");
            assertEquals("not ours\n", Files.readString(aside.get(0)));
        }
        assertTrue(ChainVerifier.verify(file).intact());
    }

    @Test
    void aContinuationRecordThatWasEditedBreaksTheChain() throws Exception {
        Path file = dir.resolve("records.jsonl");
        try (RecordLog log = RecordLog.open(file)) {
            log.append(record(0), null);
            Files.delete(file);
            Await.until("a new records file that begins with records_continued", () -> continued(file));
            log.append(record(1), null);
        }
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        lines.set(0, lines.get(0).replace("\"reason\":\"deleted\"", "\"reason\":\"replaced\""));
        Files.write(file, lines);
        ChainVerifier.Result result = ChainVerifier.verify(file);
        assertFalse(result.intact());
        assertEquals(1, result.badLine());
    }
}
