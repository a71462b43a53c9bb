package dev.actiongate.agent.records;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Map;

/** Checks a records file's hash chain from its first line to its last. */
public final class ChainVerifier {

    /**
     * The verdict on a file.
     *
     * @param intact     whether every line is a record whose hash and link are right
     * @param records    how many records were checked and found good
     * @param badLine    the first bad line (1-based), or 0 when intact
     * @param problem    why that line is bad, or {@code null}
     * @param lastHash   the hash of the last good record
     * @param tornBytes  the length of a last line cut short (no newline: its writer was stopped
     *                   mid-write), not checked; 0 when the file ends with a whole line
     */
    public record Result(boolean intact, long records, long badLine, String problem, String lastHash,
                         long tornBytes) {
    }

    private ChainVerifier() {
    }

    public static Result verify(Path file) throws IOException {
        MessageDigest sha256 = RecordChain.sha256();
        String expectedPrev = RecordChain.GENESIS;
        long lineNumber = 0;
        long good = 0;
        long torn = tornTail(file);
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line = reader.readLine();
            while (line != null) {
                String next = reader.readLine();
                if (next == null && torn > 0) {
                    // the part of a line a stopped writer left: not a record, and not tampering
                    break;
                }
                lineNumber++;
                if (line.isEmpty()) {
                    return new Result(false, good, lineNumber, "empty line", expectedPrev, torn);
                }
                Map<String, Object> record;
                try {
                    record = CanonicalJson.parse(line);
                } catch (IOException e) {
                    return new Result(false, good, lineNumber,
                            "not a JSON record: " + e.getMessage().lines().findFirst().orElse(""), expectedPrev, torn);
                }
                Object prev = record.remove("prev_hash");
                Object hash = record.remove("hash");
                if (!(prev instanceof String) || !(hash instanceof String)) {
                    return new Result(false, good, lineNumber, "prev_hash or hash is missing", expectedPrev, torn);
                }
                String recomputed = RecordChain.link(sha256, (String) prev, CanonicalJson.bytes(record));
                if (!recomputed.equals(hash)) {
                    return new Result(false, good, lineNumber,
                            "hash does not match the record's content: the line was edited", expectedPrev, torn);
                }
                if (!prev.equals(expectedPrev)) {
                    return new Result(false, good, lineNumber, lineNumber == 1
                            ? "prev_hash is not the genesis hash: records before this line are missing"
                            : "prev_hash does not match the hash of line " + (lineNumber - 1)
                              + ": a line was deleted, inserted or moved", expectedPrev, torn);
                }
                expectedPrev = (String) hash;
                good++;
                line = next;
            }
        }
        return new Result(true, good, 0, null, expectedPrev, torn);
    }

    /** How many bytes follow the file's last newline: the part of a line its writer did not finish. */
    static long tornTail(Path file) throws IOException {
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long length = in.length();
            long at = length;
            while (at > 0) {
                in.seek(at - 1);
                if (in.read() == '\n') {
                    break;
                }
                at--;
            }
            return length - at;
        }
    }
}
