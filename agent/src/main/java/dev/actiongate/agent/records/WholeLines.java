package dev.actiongate.agent.records;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A write that failed part-way (the disk filled up, a file size limit) leaves part of a line at
 * the file's end; the next write that succeeds, once there is room again, would follow it on the
 * same line and break the chain there. A fault is not tampering: the file is cut back to its last
 * whole line before anything else is written, and the lines are written again in full.
 */
final class WholeLines {

    private static final Logger LOG = LoggerFactory.getLogger("actiongate");

    private WholeLines() {}

    /** Writes the whole lines in the first {@code length} bytes of {@code lines} to {@code out}, the file at {@code file}. */
    static void write(OutputStream out, byte[] lines, int length, Path file) throws IOException {
        try {
            out.write(lines, 0, length);
        } catch (IOException e) {
            cutBack(file, e);
            throw e;
        }
    }

    /** Cuts {@code file} back to just after its last newline; logs what it cut, and why it could not. */
    static void cutBack(Path file, IOException fault) {
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "rw")) {
            long length = in.length();
            long end = FileTail.lineStart(in, length);
            if (end < length) {
                in.setLength(end);
                LOG.warn(
                        "a write to {} failed part-way ({}): the {} bytes of a line it left were cut, so that the"
                                + " chain goes on with whole lines",
                        file,
                        fault.toString(),
                        length - end);
            }
        } catch (IOException | RuntimeException e) {
            LOG.error(
                    "a write to {} failed part-way ({}) and the part of a line it left could not be cut ({}): the next"
                            + " start sets it aside",
                    file,
                    fault.toString(),
                    e.toString());
        }
    }
}
