package dev.actiongate.agent.records;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The end of a records file, read backwards in blocks: where its last line starts and what it
 * says. Opening a log (to continue its chain, or to set a torn line aside), continuing in a new
 * file and verifying all need this, and a file of gigabytes must not be read from its start.
 */
final class FileTail {

    private static final int BLOCK = 8192;

    private FileTail() {}

    /** Where the line that ends at {@code end} starts: just after the last newline before {@code end}, or 0. */
    static long lineStart(RandomAccessFile in, long end) throws IOException {
        long start = end;
        byte[] block = new byte[BLOCK];
        while (start > 0) {
            int n = (int) Math.min(block.length, start);
            in.seek(start - n);
            in.readFully(block, 0, n);
            for (int i = n - 1; i >= 0; i--) {
                if (block[i] == '\n') {
                    return start - n + i + 1;
                }
            }
            start -= n;
        }
        return 0;
    }

    /** What a backward scan does with each line; {@code false} stops it. */
    @FunctionalInterface
    interface LineVisitor {
        boolean visit(byte[] line) throws IOException;
    }

    /**
     * Visits the lines of {@code in} that end before {@code end}, last first, without their line
     * ends, until {@code visitor} says stop: a block is read once however many lines it holds.
     *
     * @param end just after a newline (or 0): the bytes of a line its writer did not finish are not given
     */
    static void linesBackwards(RandomAccessFile in, long end, LineVisitor visitor) throws IOException {
        long position = end;
        byte[] carry = new byte[0]; // the part of a line that began in a block not read yet
        byte[] block = new byte[BLOCK];
        while (position > 0) {
            int n = (int) Math.min(block.length, position);
            position -= n;
            in.seek(position);
            in.readFully(block, 0, n);
            byte[] data = new byte[n + carry.length];
            System.arraycopy(block, 0, data, 0, n);
            System.arraycopy(carry, 0, data, n, carry.length);
            int lineEnd = data.length;
            for (int i = data.length - 1; i >= 0; i--) {
                if (data[i] == '\n') {
                    if (lineEnd > i + 1 && !visitor.visit(Arrays.copyOfRange(data, i + 1, lineEnd))) {
                        return;
                    }
                    lineEnd = i;
                }
            }
            carry = Arrays.copyOf(data, lineEnd);
        }
        if (carry.length > 0) {
            visitor.visit(carry);
        }
    }

    /** How many bytes follow the file's last newline: the part of a line its writer did not finish. */
    static long partialLine(RandomAccessFile in) throws IOException {
        long length = in.length();
        return length - lineStart(in, length);
    }

    /** How many bytes follow the last newline of {@code file}. */
    static long partialLine(Path file) throws IOException {
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            return partialLine(in);
        }
    }

    /** The last non-empty line of {@code file}, without its line end, or {@code null} when it has none. */
    static String lastLine(Path file) throws IOException {
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long end = in.length();
            while (end > 0) {
                in.seek(end - 1);
                int c = in.read();
                if (c != '\n' && c != '\r') {
                    break;
                }
                end--;
            }
            if (end == 0) {
                return null;
            }
            long start = lineStart(in, end);
            byte[] line = new byte[(int) (end - start)];
            in.seek(start);
            in.readFully(line);
            return new String(line, StandardCharsets.UTF_8);
        }
    }
}
