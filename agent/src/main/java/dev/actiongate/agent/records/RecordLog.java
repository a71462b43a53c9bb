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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The decision records file: JSON Lines, appended one whole line per record and chained by
 * {@link RecordChain}. A record given to {@link #append} is handed to the operating system
 * before the method returns, so a process killed right after still leaves it on disk; that is
 * how decisions are written. Records that may follow their event by a few milliseconds
 * (outcomes) go through {@link #appendSoon}, which a background writer batches into one write
 * per burst so that the governed call does not pay for a second system call. Thread-safe:
 * records from any number of threads are never interleaved and the chain stays in file order.
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
    private final Queue<Pending> soon = new ConcurrentLinkedQueue<>();
    private final Thread writer;
    private volatile boolean closed;
    /** Records queued and not yet written, including a batch the writer holds right now. */
    private final AtomicInteger outstanding = new AtomicInteger();

    private static final int SOON_CAPACITY = 16_384;
    private static final int BATCH = 512;
    private static final long WRITER_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    private static final Logger LOG = LoggerFactory.getLogger("actiongate");

    /** A record waiting for the background writer, and who wants its line once written. */
    private record Pending(Map<String, ?> record, Consumer<String> written) {
    }

    private RecordLog(Path path, FileChannel channel, String lastHash, String continuation) {
        this.path = path;
        this.channel = channel;
        this.lastHash = lastHash;
        this.continuation = continuation;
        this.writer = new Thread(this::writeSoonRecords, "actiongate-records");
        this.writer.setDaemon(true);
        this.writer.start();
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
            ByteBuffer line = ByteBuffer.allocate(body.length - 1 + PREV_HASH.length + 64 + HASH.length + 64 + END.length);
            String hash = putLine(line, body, lastHash);
            line.flip();
            while (line.hasRemaining()) {
                channel.write(line);
            }
            lastHash = hash;
            return new String(line.array(), 0, line.limit() - 1, StandardCharsets.UTF_8);
        }
    }

    /** Puts one chained line into {@code buffer}; returns its hash. Caller holds the lock. */
    private String putLine(ByteBuffer buffer, byte[] body, String prevHash) {
        String hash = RecordChain.link(sha256, prevHash, body);
        buffer.put(body, 0, body.length - 1)
                .put(PREV_HASH).put(prevHash.getBytes(StandardCharsets.US_ASCII))
                .put(HASH).put(hash.getBytes(StandardCharsets.US_ASCII))
                .put(END);
        return hash;
    }

    /**
     * Queues a record for the background writer; when the queue is full the caller writes it
     * itself, so memory stays bounded and nothing is dropped.
     *
     * @param written receives the line once it is on disk
     */
    public void appendSoon(Map<String, ?> record, Consumer<String> written) throws IOException {
        if (closed || outstanding.incrementAndGet() > SOON_CAPACITY) {
            if (!closed) {
                outstanding.decrementAndGet();
            }
            written.accept(append(record));
            return;
        }
        soon.add(new Pending(record, written));
    }

    /**
     * Writes every queued record now and waits (up to five seconds) for a batch the background
     * writer is busy with; called on shutdown so no outcome is left behind.
     */
    public void flush() {
        drain();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (outstanding.get() > 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    /**
     * The background writer polls rather than being woken per record: waking a thread costs
     * the governed call a system call, which is what queuing is meant to save.
     */
    private void writeSoonRecords() {
        while (!closed) {
            if (!drain()) {
                LockSupport.parkNanos(WRITER_PAUSE_NANOS);
            }
        }
    }

    /** Writes what is queued, in batches; whether there was anything. */
    private boolean drain() {
        boolean any = false;
        List<Pending> batch = new ArrayList<>(BATCH);
        Pending next;
        while ((next = soon.poll()) != null) {
            batch.add(next);
            if (batch.size() == BATCH) {
                writeBatch(batch);
                batch.clear();
            }
            any = true;
        }
        if (!batch.isEmpty()) {
            writeBatch(batch);
        }
        return any;
    }

    private void writeBatch(List<Pending> batch) {
        try {
            writeChained(batch);
        } finally {
            outstanding.addAndGet(-batch.size());
        }
    }

    private void writeChained(List<Pending> batch) {
        byte[][] bodies = new byte[batch.size()][];
        int size = 0;
        for (int i = 0; i < bodies.length; i++) {
            bodies[i] = CanonicalJson.bytes(batch.get(i).record());
            size += bodies[i].length - 1 + PREV_HASH.length + 64 + HASH.length + 64 + END.length;
        }
        String[] lines = new String[bodies.length];
        synchronized (this) {
            ByteBuffer buffer = ByteBuffer.allocate(size);
            String hash = lastHash;
            for (int i = 0; i < bodies.length; i++) {
                int start = buffer.position();
                hash = putLine(buffer, bodies[i], hash);
                lines[i] = new String(buffer.array(), start, buffer.position() - start - 1, StandardCharsets.UTF_8);
            }
            buffer.flip();
            try {
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                lastHash = hash;
            } catch (IOException e) {
                LOG.error("{} records could not be written to {} ({}); they follow so that they are not lost:",
                        lines.length, path, e.toString());
                for (String line : lines) {
                    LOG.error("unwritten record: {}", line);
                }
                return;
            }
        }
        for (int i = 0; i < lines.length; i++) {
            batch.get(i).written().accept(lines[i]);
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        flush();
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
