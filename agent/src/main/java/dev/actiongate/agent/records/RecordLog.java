package dev.actiongate.agent.records;

import java.io.Closeable;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Map;

/**
 * The decision records file: JSON Lines, appended one whole line per record and chained by
 * {@link RecordChain}. A record is handed to the operating system before {@link #append}
 * returns, so a process killed right after still leaves it on disk. Thread-safe: records from
 * any number of threads are never interleaved and the chain stays in file order.
 */
public final class RecordLog implements Closeable {

    private static final byte[] PREV_HASH = ",\"prev_hash\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HASH = "\",\"hash\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\"}\n".getBytes(StandardCharsets.US_ASCII);

    private final Path path;
    private final FileChannel channel;
    private final MessageDigest sha256 = RecordChain.sha256();
    private final String continuation;
    private String lastHash;

    private RecordLog(Path path, FileChannel channel, String lastHash, String continuation) {
        this.path = path;
        this.channel = channel;
        this.lastHash = lastHash;
        this.continuation = continuation;
    }

    /**
     * Opens {@code path} for appending, creating it and its folder when missing, and continues
     * the chain of the records already in it.
     */
    public static RecordLog open(Path path) throws IOException {
        Path absolute = path.toAbsolutePath();
        Path parent = absolute.getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        FileChannel channel = FileChannel.open(absolute, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        try {
            String last = lastLine(absolute);
            if (last == null) {
                return new RecordLog(absolute, channel, RecordChain.GENESIS, null);
            }
            Object hash = null;
            try {
                hash = CanonicalJson.parse(last).get("hash");
            } catch (IOException ignored) {
                // reported below
            }
            if (!(hash instanceof String h) || h.length() != 64) {
                throw new IOException("the last line of " + absolute + " is not a decision record with a hash;"
                        + " its chain cannot be continued (run 'verify' on it, then move it aside)");
            }
            return new RecordLog(absolute, channel, h, h);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** The absolute path of the records file. */
    public Path path() {
        return path;
    }

    /** The hash this log continued from when it was opened, or {@code null} for a new file. */
    public String continuedFrom() {
        return continuation;
    }

    /**
     * Appends one record, adding {@code prev_hash} and {@code hash}.
     *
     * @param record the record's fields; must not contain {@code prev_hash} or {@code hash}
     * @return the line as written, without its newline
     * @throws IOException when the line could not be written: the caller must not go on as if it had
     */
    public String append(Map<String, ?> record) throws IOException {
        byte[] body = CanonicalJson.bytes(record);
        synchronized (this) {
            String hash = RecordChain.link(sha256, lastHash, body);
            ByteBuffer line = ByteBuffer.allocate(body.length - 1 + PREV_HASH.length + 64 + HASH.length + 64 + END.length);
            line.put(body, 0, body.length - 1)
                    .put(PREV_HASH).put(lastHash.getBytes(StandardCharsets.US_ASCII))
                    .put(HASH).put(hash.getBytes(StandardCharsets.US_ASCII))
                    .put(END)
                    .flip();
            while (line.hasRemaining()) {
                channel.write(line);
            }
            lastHash = hash;
            return new String(line.array(), 0, line.limit() - 1, StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /** The last non-empty line of {@code file}, or {@code null} when it has none. */
    private static String lastLine(Path file) throws IOException {
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
            long start = end;
            byte[] chunk = new byte[8192];
            while (start > 0) {
                int n = (int) Math.min(chunk.length, start);
                in.seek(start - n);
                in.readFully(chunk, 0, n);
                int newline = -1;
                for (int i = n - 1; i >= 0; i--) {
                    if (chunk[i] == '\n') {
                        newline = i;
                        break;
                    }
                }
                if (newline >= 0) {
                    start = start - n + newline + 1;
                    break;
                }
                start -= n;
            }
            byte[] line = new byte[(int) (end - start)];
            in.seek(start);
            in.readFully(line);
            return new String(line, StandardCharsets.UTF_8);
        }
    }
}
