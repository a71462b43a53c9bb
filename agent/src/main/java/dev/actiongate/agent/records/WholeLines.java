package dev.actiongate.agent.records;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A write that failed part-way (the disk filled up, a file size limit) leaves some of its lines,
 * and part of one, at the file's end; the lines are written again once there is room, so what the
 * failed write left would break the chain there. A fault is not tampering: the file is cut back
 * to where it was before that write, found by the chain itself (the first line written names the
 * hash of the line before it), and nothing else is written in between.
 */
final class WholeLines {

    private static final Logger LOG = LoggerFactory.getLogger("actiongate");

    private WholeLines() {}

    /**
     * Writes the first {@code length} bytes of {@code lines}, whole chained lines, to {@code out},
     * the file at {@code file}; when that fails, cuts the file back to before them.
     */
    static void write(OutputStream out, byte[] lines, int length, Path file) throws IOException {
        try {
            out.write(lines, 0, length);
        } catch (IOException e) {
            cutBack(file, previousHash(lines, length), length, e);
            throw e;
        }
    }

    /** The {@code prev_hash} of the first line in {@code lines}, or {@code null} when it cannot be read. */
    private static byte[] previousHash(byte[] lines, int length) {
        for (int i = 0; i < length; i++) {
            if (lines[i] == '\n') {
                // a chained line ends with "prev_hash":"P","hash":"H"}\n: P ends 76 bytes before the newline
                int end = i - 2 - 64 - 10;
                return end - 64 >= 0 ? Arrays.copyOfRange(lines, end - 64, end) : null;
            }
        }
        return null;
    }

    /**
     * Cuts {@code file} back to just after the line whose hash is {@code before}, looked for in
     * the last {@code written} bytes and a little more; to empty when {@code before} is the genesis
     * hash and the file holds no line before the failed write. Logs what it cut, and why it could not.
     */
    static void cutBack(Path file, byte[] before, int written, IOException fault) {
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "rw")) {
            long length = in.length();
            long end = before == null ? -1 : endOfLine(in, length, before, written);
            if (end < 0) {
                end = FileTail.lineStart(in, length); // no chain to go by: at least no part of a line
            }
            if (end < length) {
                in.setLength(end);
                LOG.warn(
                        "a write to {} failed part-way ({}): the {} bytes it left were cut, so that the chain goes"
                                + " on whole when the records are written again",
                        file,
                        fault.toString(),
                        length - end);
            }
        } catch (IOException | RuntimeException e) {
            LOG.error(
                    "a write to {} failed part-way ({}) and what it left could not be cut ({}): the next start sets a"
                            + " part of a line aside",
                    file,
                    fault.toString(),
                    e.toString());
        }
    }

    /** Where the line with hash {@code hash} ends in the file's last {@code written} + 64 KB bytes, or -1. */
    private static long endOfLine(RandomAccessFile in, long length, byte[] hash, int written) throws IOException {
        long from = Math.max(0, length - written - (64 << 10));
        byte[] tail = new byte[(int) (length - from)];
        in.seek(from);
        in.readFully(tail);
        byte[] marker = ("\"hash\":\"" + new String(hash, StandardCharsets.US_ASCII) + "\"}\n")
                .getBytes(StandardCharsets.US_ASCII);
        for (int at = tail.length - marker.length; at >= 0; at--) {
            if (Arrays.equals(tail, at, at + marker.length, marker, 0, marker.length)) {
                return from + at + marker.length;
            }
        }
        boolean genesis = new String(hash, StandardCharsets.US_ASCII).equals(RecordChain.GENESIS);
        return genesis && from == 0 ? 0 : -1;
    }
}
