package dev.actiongate.agent.records;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.LoggerFactory;

/**
 * The latest records of a records file, newest first, read backwards from its end so that a file
 * of gigabytes costs only the part that is recent enough to matter. Others check what they hold
 * against the records (the approvals store does at start); this reads, it never judges: a line
 * that is not JSON is no evidence of anything and is skipped, and so is the part of a line its
 * writer has not finished.
 *
 * <p>A file that continues another ({@code records_continued}: the records file was rotated,
 * moved or replaced while in use) is followed back into the one it continues, when the records
 * asked for go back further than its first, as long as that file is still beside it
 * ({@link PreviousFile}).
 */
public final class RecentRecords {

    /** Files followed back at most. */
    private static final int FILES = 1_000;

    private RecentRecords() {}

    /** What reading one file gave. */
    private record Read(int given, boolean reachedSince, Map<String, Object> first) {}

    /**
     * Gives {@code each} the records of {@code file}, newest first, and stops at the first record
     * whose {@code timestamp} is before {@code since}. Records are in chain order, and their
     * timestamps only roughly so (a decision is stamped when it starts): give {@code since} a
     * margin. A file that does not exist has no records. Reaching the first record of a file that
     * continues another, the records go on with that file's, from the record it continues.
     *
     * @return how many records were given
     */
    public static int newestFirst(Path file, Instant since, Consumer<Map<String, Object>> each) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        int given = 0;
        Path current = file.toAbsolutePath();
        String from = null;
        Set<Path> read = new HashSet<>();
        while (read.add(current.toRealPath()) && read.size() <= FILES) {
            Read one = read(current, from, since, each);
            given += one.given();
            Map<String, Object> first = one.first();
            if (one.reachedSince()
                    || first == null
                    || !"records_continued".equals(first.get("kind"))
                    || RecordChain.GENESIS.equals(first.get("previous_hash"))) {
                break; // what was asked for, or the chain's beginning (all its records were written again here)
            }
            Path previous = PreviousFile.of(current, first);
            if (previous == null) {
                LoggerFactory.getLogger("actiongate")
                        .warn(
                                "{} continues the records file that was at {} (file {}) after hash {}, which is no"
                                        + " longer beside it (moved elsewhere, compressed or deleted): the records"
                                        + " before its first are not read",
                                current,
                                first.get("previous_file"),
                                first.get("previous_file_key"),
                                first.get("previous_hash"));
                break;
            }
            from = (String) first.get("previous_hash");
            current = previous;
        }
        return given;
    }

    /**
     * Gives the records of {@code file}, newest first, from the one whose hash is {@code from}
     * ({@code null}: from its last), until one before {@code since}.
     */
    private static Read read(Path file, String from, Instant since, Consumer<Map<String, Object>> each)
            throws IOException {
        int[] given = {0};
        boolean[] reached = {false};
        boolean[] started = {from == null};
        AtomicReference<Map<String, Object>> first = new AtomicReference<>();
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long end = in.length() - FileTail.partialLine(in);
            FileTail.linesBackwards(in, end, bytes -> {
                Map<String, Object> record;
                try {
                    record = CanonicalJson.parse(new String(bytes, StandardCharsets.UTF_8));
                } catch (IOException | RuntimeException notJson) {
                    return true;
                }
                first.set(record);
                if (!started[0]) {
                    // written again after the continuation record in the file that continues this one
                    started[0] = from.equals(record.get("hash"));
                    if (!started[0]) {
                        return true;
                    }
                }
                if (record.get("timestamp") instanceof String text && before(text, since)) {
                    reached[0] = true;
                    return false;
                }
                given[0]++;
                each.accept(record);
                return true;
            });
        }
        return new Read(given[0], reached[0], first.get());
    }

    private static boolean before(String timestamp, Instant since) {
        try {
            return Instant.parse(timestamp).isBefore(since);
        } catch (DateTimeParseException e) {
            return false;
        }
    }
}
