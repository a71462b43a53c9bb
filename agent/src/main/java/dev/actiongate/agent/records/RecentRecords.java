package dev.actiongate.agent.records;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The latest records of a records file, newest first, read backwards from its end so that a file
 * of gigabytes costs only the part that is recent enough to matter. Others check what they hold
 * against the records (the approvals store does at start); this reads, it never judges: a line
 * that is not JSON is no evidence of anything and is skipped, and so is the part of a line its
 * writer has not finished.
 */
public final class RecentRecords {

    private RecentRecords() {}

    /**
     * Gives {@code each} the records of {@code file}, newest first, and stops at the first record
     * whose {@code timestamp} is before {@code since}. Records are in chain order, and their
     * timestamps only roughly so (a decision is stamped when it starts): give {@code since} a
     * margin. A file that does not exist has no records.
     *
     * @return how many records were given
     */
    public static int newestFirst(Path file, Instant since, Consumer<Map<String, Object>> each) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        int[] given = {0};
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long end = in.length() - FileTail.partialLine(in);
            FileTail.linesBackwards(in, end, bytes -> {
                Map<String, Object> record;
                try {
                    record = CanonicalJson.parse(new String(bytes, StandardCharsets.UTF_8));
                } catch (IOException | RuntimeException notJson) {
                    return true;
                }
                if (record.get("timestamp") instanceof String text && before(text, since)) {
                    return false;
                }
                given[0]++;
                each.accept(record);
                return true;
            });
        }
        return given[0];
    }

    private static boolean before(String timestamp, Instant since) {
        try {
            return Instant.parse(timestamp).isBefore(since);
        } catch (DateTimeParseException e) {
            return false;
        }
    }
}
