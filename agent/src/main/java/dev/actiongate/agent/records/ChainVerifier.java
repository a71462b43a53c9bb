package dev.actiongate.agent.records;

import dev.actiongate.agent.digest.Sha256;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks a records file's hash chain from its first line to its last, and whether a file that
 * begins with a {@code records_continued} record continues the file before it.
 */
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
     * @param continues  when the file begins with a {@code records_continued} record (its writer
     *                   went on in a new file when the one before was deleted, moved away or
     *                   replaced), what it says about that file; else {@code null}
     */
    public record Result(
            boolean intact,
            long records,
            long badLine,
            String problem,
            String lastHash,
            long tornBytes,
            Continuation continues) {

        public Result(boolean intact, long records, long badLine, String problem, String lastHash, long tornBytes) {
            this(intact, records, badLine, problem, lastHash, tornBytes, null);
        }
    }

    /**
     * What a {@code records_continued} record says of the file whose chain it continues.
     *
     * @param previousFile    that file's path when it was written (often the same path)
     * @param previousFileKey its identity then, e.g. {@code (dev=803,ino=1234)}; {@code null} where the platform has none
     * @param previousHash    the hash of the last record known to be in it: this record's {@code prev_hash}
     * @param reason          {@code deleted} (deleted or moved away), {@code replaced} or {@code unreadable}
     * @param rewritten       how many records after that hash were written again after this record
     *                        (they may be in the old file too, when it was moved rather than deleted)
     */
    public record Continuation(
            String previousFile, String previousFileKey, String previousHash, String reason, long rewritten) {}

    /**
     * Whether one file's chain continues in the next.
     *
     * @param holds       whether it does
     * @param description how, or why not, in a sentence
     */
    public record Link(boolean holds, String description) {}

    private ChainVerifier() {}

    /** Checks {@code file}; a first record of kind {@code records_continued} may link to a hash not in it. */
    public static Result verify(Path file) throws IOException {
        return verify(file, null);
    }

    /** As {@link #verify(Path)}, handing every good record to {@code seals} as well, when not {@code null}. */
    public static Result verify(Path file, SealCheck seals) throws IOException {
        long torn = FileTail.partialLine(file);
        Walk walk = new Walk(seals);
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line = reader.readLine();
            while (line != null) {
                String next = reader.readLine();
                if (next == null && torn > 0) {
                    // the part of a line a stopped writer left: not a record, and not tampering
                    break;
                }
                String problem = walk.next(line);
                if (problem != null) {
                    return new Result(false, walk.good, walk.lineNumber, problem, walk.expectedPrev, torn);
                }
                line = next;
            }
        }
        return new Result(true, walk.good, 0, null, walk.expectedPrev, torn, walk.continues);
    }

    /**
     * Checks a chain given line by line (as a database returns it), each line the exact bytes the
     * writer wrote, without its newline.
     */
    public static Result verifyLines(Iterable<String> lines) {
        Walk walk = new Walk(null);
        for (String line : lines) {
            String problem = walk.next(line);
            if (problem != null) {
                return new Result(false, walk.good, walk.lineNumber, problem, walk.expectedPrev, 0);
            }
        }
        return new Result(true, walk.good, 0, null, walk.expectedPrev, 0, walk.continues);
    }

    /** The chain as far as it was walked: each line must continue it. */
    private static final class Walk {
        private final MessageDigest sha256 = Sha256.newDigest();
        private final SealCheck seals;
        private String expectedPrev = RecordChain.GENESIS;
        private long lineNumber;
        private long good;
        private Continuation continues;

        Walk(SealCheck seals) {
            this.seals = seals;
        }

        /** Checks the next line; why it breaks the chain, or {@code null} when it continues it. */
        String next(String line) {
            lineNumber++;
            if (line.isEmpty()) {
                return "empty line";
            }
            Map<String, Object> record;
            try {
                record = CanonicalJson.parse(line);
            } catch (IOException e) {
                return "not a JSON record: "
                        + e.getMessage().lines().findFirst().orElse("");
            }
            Object prev = record.remove("prev_hash");
            Object hash = record.remove("hash");
            String broken = hashProblem(sha256, prev, hash, record, line);
            if (broken != null) {
                return broken;
            }
            if (lineNumber == 1 && "records_continued".equals(record.get("kind"))) {
                // The chain goes on from a file before this one, which verify can check when given.
                if (!prev.equals(record.get("previous_hash"))) {
                    return "a records_continued record whose prev_hash is not its previous_hash";
                }
                continues = new Continuation(
                        text(record.get("previous_file")),
                        text(record.get("previous_file_key")),
                        (String) prev,
                        text(record.get("reason")),
                        record.get("rewritten") instanceof Number n ? n.longValue() : 0);
                expectedPrev = (String) prev;
            }
            if (!prev.equals(expectedPrev)) {
                return lineNumber == 1
                        ? "prev_hash is not the genesis hash: records before this line are missing"
                        : "prev_hash does not match the hash of line " + (lineNumber - 1)
                                + ": a line was deleted, inserted or moved";
            }
            expectedPrev = (String) hash;
            good++;
            if (seals != null) {
                seals.accept(lineNumber, record, (String) prev, (String) hash);
            }
            return null;
        }
    }

    /**
     * Why a record's {@code hash} does not hold for its content and {@code prev_hash}, or its line
     * is not the exact bytes the writer makes of it, or {@code null} when it is good. The bytes
     * count, not only the hash: a JSON reader sees one value for a duplicated key, and another
     * reader may see the other one.
     */
    private static String hashProblem(
            MessageDigest sha256, Object prev, Object hash, Map<String, Object> record, String line) {
        if (!(prev instanceof String previous) || !(hash instanceof String hex)) {
            return "prev_hash or hash is missing";
        }
        byte[] body = CanonicalJson.bytes(record);
        String recomputed = RecordChain.link(sha256, previous, body);
        if (!recomputed.equals(hash)) {
            return "hash does not match the record's content: the line was edited";
        }
        String exact = new String(body, 0, body.length - 1, StandardCharsets.UTF_8) + ",\"prev_hash\":\"" + previous
                + "\",\"hash\":\"" + hex + "\"}";
        return exact.equals(line)
                ? null
                : "the line is not in the canonical form its hash was made of (a key repeated or out of order,"
                        + " spaces, or another spelling of a value): it was altered";
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }

    /**
     * Whether {@code next}, which verified as {@code nextResult}, continues the chain of
     * {@code previous}, which verified as {@code previousResult}: it must begin with a
     * {@code records_continued} record chained from a record of {@code previous}, and the records
     * after that one in {@code previous}, if any, must be the first ones after the continuation
     * record in {@code next}, written again with the same content.
     */
    public static Link link(Path previous, Result previousResult, Path next, Result nextResult) throws IOException {
        Continuation continues = nextResult.continues();
        if (continues == null) {
            return new Link(
                    false, next + " does not begin with a records_continued record: it does not continue " + previous);
        }
        if (continues.previousHash().equals(previousResult.lastHash())) {
            return new Link(true, next + " continues " + previous + " after its last record");
        }
        Resumed resumed = resumedAt(previous, previousResult, continues.previousHash());
        List<Map<String, Object>> after = resumed == null ? null : resumed.after();
        long at = resumed == null ? 0 : resumed.at();
        if (after == null) {
            return new Link(
                    false,
                    next + " continues the chain after hash " + continues.previousHash() + ", which no record of "
                            + previous + " has");
        }
        try (BufferedReader reader = Files.newBufferedReader(next, StandardCharsets.UTF_8)) {
            reader.readLine();
            for (int i = 0; i < after.size(); i++) {
                String text = reader.readLine();
                Map<String, Object> again = text == null ? null : CanonicalJson.parse(text);
                if (again != null) {
                    again.remove("prev_hash");
                    again.remove("hash");
                }
                if (!after.get(i).equals(again)) {
                    return new Link(
                            false,
                            next + " continues " + previous + " after line " + at + ", but line "
                                    + (at + i + 1) + " of " + previous + " is not written again as line " + (i + 2)
                                    + " of "
                                    + next);
                }
            }
        }
        return new Link(
                true,
                next + " continues " + previous + " after line " + at + "; the " + after.size()
                        + " records after it there were written again, unchanged, after the continuation record");
    }

    /** Where in a file a continuation resumes: after line {@code at}, and the records that follow it there. */
    private record Resumed(long at, List<Map<String, Object>> after) {}

    /**
     * The records of {@code previous} after the one whose hash is {@code previousHash}, or all of
     * them when it is the hash before its first record (the file moved before the writer saw any of
     * its lines there, so all were written again); {@code null} when no record has it.
     */
    private static Resumed resumedAt(Path previous, Result previousResult, String previousHash) throws IOException {
        List<Map<String, Object>> after = null;
        long line = 0;
        long at = 0;
        try (BufferedReader reader = Files.newBufferedReader(previous, StandardCharsets.UTF_8)) {
            String text;
            while ((text = reader.readLine()) != null && line < previousResult.records()) {
                line++;
                Map<String, Object> record = CanonicalJson.parse(text);
                Object before = record.remove("prev_hash");
                Object hash = record.remove("hash");
                if (after == null && line == 1 && previousHash.equals(before)) {
                    after = new ArrayList<>();
                }
                if (after != null) {
                    after.add(record);
                } else if (previousHash.equals(hash)) {
                    after = new ArrayList<>();
                    at = line;
                }
            }
        }
        return after == null ? null : new Resumed(at, after);
    }
}
