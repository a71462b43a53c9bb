package dev.actiongate.agent.records;

import java.io.Closeable;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * {@link RecordChain}. Thread-safe: records from any number of threads are never interleaved
 * and the chain stays in file order.
 *
 * <p>Two ways in. {@link #append} hands the record to the operating system before it returns,
 * so a process killed right after still leaves it on disk: that is how decisions are written,
 * before the governed body runs. {@link #appendSoon} queues a record that may follow its event
 * by moments (an outcome); queued records go out with the next {@code append}, in the same
 * system call, or with the background writer's next pass, whichever comes first. A governed
 * call thus pays for one write, and any outcome that ended before a later decision is on disk
 * together with that decision.
 */
public final class RecordLog implements Closeable {

    private static final byte[] PREV_HASH = ",\"prev_hash\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HASH = "\",\"hash\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\"}\n".getBytes(StandardCharsets.US_ASCII);
    private static final int LINK_LENGTH = PREV_HASH.length + 64 + HASH.length + 64 + END.length - 1;

    private static final int SOON_CAPACITY = 16_384;
    private static final long WRITER_MIN_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    private static final long WRITER_MAX_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final Logger LOG = LoggerFactory.getLogger("actiongate");

    private final Path path;
    /**
     * A stream, not a {@code FileChannel}: a channel is closed for good when a thread that is
     * interrupted writes to it, and an application thread with its interrupt flag set must not
     * take the records file, and with it every governed call, down.
     */
    private final FileOutputStream out;
    private final MessageDigest sha256 = RecordChain.sha256();
    private final String continuation;
    private final Queue<Pending> soon = new ConcurrentLinkedQueue<>();
    /** Records queued and not yet written: bounds the queue, and tells {@link #flush} when it is done. */
    private final AtomicInteger outstanding = new AtomicInteger();
    private final Thread writer;
    private volatile boolean closed;
    /** The last record's hash as hex ASCII bytes, ready to be written and hashed. */
    private byte[] lastHash;

    /** A serialised record waiting to be chained and written, and who wants its line once written. */
    private record Pending(byte[] body, Consumer<String> written, boolean queued) {
    }

    private RecordLog(Path path, FileOutputStream out, String lastHash, String continuation) {
        this.path = path;
        this.out = out;
        this.lastHash = lastHash.getBytes(StandardCharsets.US_ASCII);
        this.continuation = continuation;
        this.writer = new Thread(this::writeQueuedRegularly, "actiongate-records");
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
        FileOutputStream out = new FileOutputStream(absolute.toFile(), true);
        try {
            String last = lastLine(absolute);
            if (last == null) {
                return new RecordLog(absolute, out, RecordChain.GENESIS, null);
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
            return new RecordLog(absolute, out, h, h);
        } catch (IOException | RuntimeException e) {
            out.close();
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
     * Appends one record, adding {@code prev_hash} and {@code hash}, together with every queued
     * record, in one write.
     *
     * @param record  the record's fields; must not contain {@code prev_hash} or {@code hash}
     * @param written receives the line as written, without its newline; {@code null} when nobody
     *                needs it, which saves building it
     * @throws IOException when the line could not be written: the caller must not go on as if it had
     */
    public void append(Map<String, ?> record, Consumer<String> written) throws IOException {
        Pending own = new Pending(CanonicalJson.bytes(record), written, false);
        List<Pending> batch = new ArrayList<>(4);
        String[] lines;
        synchronized (this) {
            takeQueued(batch);
            batch.add(own);
            try {
                lines = write(batch);
            } catch (IOException e) {
                reportUnwritten(batch, e);
                throw e;
            }
        }
        tellWritten(batch, lines);
    }

    /**
     * Queues a record to be written with the next {@link #append} or within milliseconds. When
     * the queue is full the caller writes it itself, so memory stays bounded and nothing is dropped.
     *
     * @param written receives the line once it is on disk, or {@code null}
     */
    public void appendSoon(Map<String, ?> record, Consumer<String> written) throws IOException {
        if (closed || outstanding.incrementAndGet() > SOON_CAPACITY) {
            if (!closed) {
                outstanding.decrementAndGet();
            }
            append(record, written);
            return;
        }
        soon.add(new Pending(CanonicalJson.bytes(record), written, true));
    }

    /** Writes every queued record now; called on shutdown so that no outcome is left behind. */
    public void flush() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (outstanding.get() > 0 && System.nanoTime() < deadline) {
            writeQueued();
            if (outstanding.get() > 0) {
                // a record counted but not yet in the queue: its producer is about to add it
                LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(100));
            }
        }
    }

    /**
     * The background writer polls rather than being woken per record: waking a thread would
     * cost the governed call a system call, which is what queuing is meant to save. It polls
     * often while records come and backs off while none do.
     */
    private void writeQueuedRegularly() {
        long pause = WRITER_MIN_PAUSE_NANOS;
        while (!closed) {
            if (writeQueued()) {
                pause = WRITER_MIN_PAUSE_NANOS;
            } else {
                LockSupport.parkNanos(pause);
                pause = Math.min(pause * 2, WRITER_MAX_PAUSE_NANOS);
            }
        }
    }

    /** Writes what is queued; whether there was anything. */
    private boolean writeQueued() {
        if (soon.isEmpty()) {
            return false;
        }
        List<Pending> batch = new ArrayList<>();
        String[] lines;
        synchronized (this) {
            takeQueued(batch);
            if (batch.isEmpty()) {
                return false;
            }
            try {
                lines = write(batch);
            } catch (IOException e) {
                reportUnwritten(batch, e);
                return true;
            }
        }
        tellWritten(batch, lines);
        return true;
    }

    /** Moves queued records into {@code batch}. Caller holds the lock, so queue order is file order. */
    private void takeQueued(List<Pending> batch) {
        Pending next;
        int taken = 0;
        while ((next = soon.poll()) != null) {
            batch.add(next);
            taken++;
        }
        // Counted off once taken: from here on a record is either written or reported unwritten.
        outstanding.addAndGet(-taken);
    }

    /** Chains and writes {@code batch} in one system call; returns the lines someone asked for. Caller holds the lock. */
    private String[] write(List<Pending> batch) throws IOException {
        int size = 0;
        for (Pending pending : batch) {
            size += pending.body().length + LINK_LENGTH;
        }
        ByteBuffer buffer = ByteBuffer.allocate(size);
        byte[] prev = lastHash;
        for (Pending pending : batch) {
            byte[] body = pending.body();
            byte[] hash = RecordChain.link(sha256, prev, body);
            buffer.put(body, 0, body.length - 1)
                    .put(PREV_HASH).put(prev)
                    .put(HASH).put(hash)
                    .put(END);
            prev = hash;
        }
        out.write(buffer.array(), 0, buffer.position());
        lastHash = prev;
        String[] lines = new String[batch.size()];
        int offset = 0;
        for (int i = 0; i < lines.length; i++) {
            int length = batch.get(i).body().length + LINK_LENGTH;
            if (batch.get(i).written() != null) {
                lines[i] = new String(buffer.array(), offset, length - 1, StandardCharsets.UTF_8);
            }
            offset += length;
        }
        return lines;
    }

    /** Queued records taken off the queue and not written must still be seen somewhere. */
    private void reportUnwritten(List<Pending> batch, IOException cause) {
        List<Pending> queued = batch.stream().filter(Pending::queued).toList();
        if (!queued.isEmpty()) {
            LOG.error("{} queued records could not be written to {}: {}; they follow so that they are not lost",
                    queued.size(), path, cause.toString());
            queued.forEach(pending -> LOG.error("unwritten record: {}", new String(pending.body(), StandardCharsets.UTF_8)));
        }
    }

    private static void tellWritten(List<Pending> batch, String[] lines) {
        for (int i = 0; i < lines.length; i++) {
            Consumer<String> written = batch.get(i).written();
            if (written != null) {
                written.accept(lines[i]);
            }
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        flush();
        out.close();
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
