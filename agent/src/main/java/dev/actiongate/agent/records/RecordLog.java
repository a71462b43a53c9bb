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
import java.util.HashMap;
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
 * <p>Two ways in. {@link #append} has the record on disk, in the operating system's hands,
 * before it returns, so a process killed right after still leaves it there: that is how
 * decisions are written, before the governed body runs. {@link #appendSoon} queues a record
 * that may follow its event by moments (an outcome); queued records go out with the next
 * {@code append}, or with the background writer's next pass, whichever comes first.
 *
 * <p>Where "on disk" is depends on how the log was opened. Journaled (the default), a record is
 * copied into a memory-mapped {@link RecordJournal} beside the records file, which costs no
 * system call, and the background writer appends the journal's new lines to the records file
 * every millisecond or so; a process killed before that leaves them in the journal, and the
 * next {@link #open} appends them to the records file. Unjournaled, every {@code append} writes
 * to the records file itself, one system call per governed call.
 */
public final class RecordLog implements Closeable {

    private static final byte[] PREV_HASH = ",\"prev_hash\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HASH = "\",\"hash\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\"}\n".getBytes(StandardCharsets.US_ASCII);
    private static final int LINK_LENGTH = PREV_HASH.length + 64 + HASH.length + 64 + END.length - 1;

    private static final int SOON_CAPACITY = 16_384;
    private static final long WRITER_MIN_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
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
    /** Set while the background writer sleeps long, so that the next record wakes it. */
    private volatile boolean writerIdle;
    private volatile boolean closed;
    /** Where decisions go first when journaled; {@code null} when every append writes the records file. */
    private final RecordJournal journal;
    /** Guards writing the records file from the journal, and {@link #copied}. */
    private final Object copyLock = new Object();
    /** How far (in {@link RecordJournal#end()} bytes) the journal is in the records file. */
    private volatile long copied;
    private final byte[] copyBuffer = new byte[256 << 10];
    private String lastCopyProblem;
    /** The last record's hash as hex ASCII bytes, ready to be written and hashed. */
    private byte[] lastHash;

    /** A serialised record waiting to be chained and written, and who wants its line once written. */
    private record Pending(byte[] body, Consumer<String> written, boolean queued) {
    }

    private RecordLog(Path path, FileOutputStream out, String lastHash, String continuation, RecordJournal journal) {
        this.path = path;
        this.out = out;
        this.journal = journal;
        this.lastHash = lastHash.getBytes(StandardCharsets.US_ASCII);
        this.continuation = continuation;
        this.writer = new Thread(this::writeQueuedRegularly, "actiongate-records");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /**
     * Opens {@code path} for appending, creating it and its folder when missing, and continues
     * the chain of the records already in it. Every append writes the file itself.
     */
    public static RecordLog open(Path path) throws IOException {
        return open(path, false);
    }

    /**
     * As {@link #open(Path)}; when {@code journaled}, decisions go through a journal at
     * {@link #journalOf(Path)}, and records a previous process left there and not in the records
     * file are appended to it first.
     */
    public static RecordLog open(Path path, boolean journaled) throws IOException {
        return open(path, journaled ? RecordJournal.DEFAULT_SIZE : 0);
    }

    /** As {@link #open(Path, boolean)}, with a journal of {@code journalSize} bytes, none when 0. */
    static RecordLog open(Path path, int journalSize) throws IOException {
        Path absolute = path.toAbsolutePath();
        Path parent = absolute.getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        boolean existed = Files.exists(absolute);
        Path journalPath = journalOf(absolute);
        // The journal's lock first: while another process holds it, the file is that process's
        // to write, and a part of a line at its end may be a write still under way.
        RecordJournal journal = null;
        boolean otherWriter = false;
        if (journalSize > 0) {
            try {
                journal = RecordJournal.open(journalPath);
            } catch (RecordJournal.Locked e) {
                otherWriter = true;
                LOG.warn("{}: this process writes {} directly, without a journal; the two processes' records"
                        + " interleave, which breaks the hash chain where they do. Give every process a records"
                        + " file of its own", e.getMessage(), absolute);
            } catch (IOException | RuntimeException e) {
                cannotUse(journalPath, absolute, e);
            }
        }
        FileOutputStream out = null;
        try {
            if (existed && !otherWriter) {
                setTornTailAside(absolute);
            }
            out = new FileOutputStream(absolute.toFile(), true);
            String last = lastLine(absolute);
            String continuation = null;
            String lastHash = RecordChain.GENESIS;
            if (last != null) {
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
                continuation = h;
                lastHash = h;
            }
            if (journal != null) {
                try {
                    List<String> leftOver = journal.leftOver();
                    if (!leftOver.isEmpty()) {
                        lastHash = recover(absolute, out, existed, lastHash, leftOver, journalPath);
                    }
                    journal.reset(journalSize);
                } catch (IOException | RuntimeException e) {
                    journal.close();
                    journal = null;
                    cannotUse(journalPath, absolute, e);
                }
            }
            return new RecordLog(absolute, out, lastHash, continuation, journal);
        } catch (IOException | RuntimeException e) {
            if (out != null) {
                out.close();
            }
            if (journal != null) {
                journal.close();
            }
            throw e;
        }
    }

    /** The journal only makes writing cheaper: without one, every decision is written to the file directly. */
    private static void cannotUse(Path journalPath, Path file, Exception cause) {
        LOG.warn("the journal {} cannot be used ({}); decisions are written to {} directly, one write per governed"
                + " call", journalPath, cause.toString(), file);
    }

    /**
     * A process killed in the middle of a write can leave the records file ending in part of a
     * line (every whole line ends with its newline). That part moves to a file of its own beside
     * the records file, {@code <records>.torn-<millis>}, so that the chain can go on: with a
     * journal, the whole line is still in it and is appended again; without one, the call it was
     * written for never got past the gate.
     */
    private static void setTornTailAside(Path file) throws IOException {
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "rw")) {
            long length = in.length();
            if (length == 0) {
                return;
            }
            in.seek(length - 1);
            if (in.read() == '\n') {
                return;
            }
            long start = length - 1;
            byte[] one = new byte[1];
            while (start > 0) {
                in.seek(start - 1);
                in.readFully(one);
                if (one[0] == '\n') {
                    break;
                }
                start--;
            }
            byte[] tail = new byte[(int) Math.min(length - start, Integer.MAX_VALUE)];
            in.seek(start);
            in.readFully(tail);
            Path aside = file.resolveSibling(file.getFileName() + ".torn-" + System.currentTimeMillis());
            Files.write(aside, tail);
            in.setLength(start);
            LOG.warn("{} ended in part of a line ({} bytes), left by a process stopped while writing it; moved to {}"
                    + " so that the chain goes on", file, tail.length, aside);
        }
    }

    /** Where the journal of the records file {@code records} is: beside it, named after it. */
    public static Path journalOf(Path records) {
        Path absolute = records.toAbsolutePath();
        return absolute.resolveSibling(absolute.getFileName() + ".journal");
    }

    /**
     * Appends the journal lines that continue the records file's chain: what a process that
     * was killed had put in its journal and not yet in the file. The chain says which lines
     * those are, so nothing is appended twice and nothing foreign is appended at all.
     *
     * @return the hash the file's chain now ends with
     */
    private static String recover(Path file, FileOutputStream out, boolean existed, String lastHash,
                                  List<String> leftOver, Path journalPath) throws IOException {
        String hash = lastHash;
        if (existed) {
            List<String> continuing = continuing(leftOver, lastHash);
            if (!continuing.isEmpty()) {
                StringBuilder missing = new StringBuilder();
                continuing.forEach(line -> missing.append(line).append('\n'));
                out.write(missing.toString().getBytes(StandardCharsets.UTF_8));
                hash = link(RecordChain.sha256(), continuing.get(continuing.size() - 1))[1];
                LOG.warn("appended {} records to {} from {}: the process that wrote them stopped before it could",
                        continuing.size(), file, journalPath);
            }
        }
        String journalEnd = null;
        MessageDigest sha256 = RecordChain.sha256();
        for (int i = leftOver.size() - 1; i >= 0 && journalEnd == null; i--) {
            String[] link = link(sha256, leftOver.get(i));
            journalEnd = link == null ? null : link[1];
        }
        if (journalEnd != null && !journalEnd.equals(hash)) {
            // The records file was moved away or cut: the journal's lines belong to the file it
            // had, not to this one. Kept, since they may be the only copy.
            Path aside = journalPath.resolveSibling(journalPath.getFileName() + ".orphaned-" + System.currentTimeMillis());
            Files.copy(journalPath, aside);
            LOG.warn("{} holds {} lines that do not continue {} (moved away or cut since); kept as {}", journalPath,
                    leftOver.size(), file, aside);
        }
        return hash;
    }

    /**
     * The records a process left in the journal of {@code records} that continue its chain from
     * {@code lastHash}, in chain order: what it put there and had not yet written to the file
     * when it was killed. Empty when there is no journal or the process closed it.
     */
    public static List<String> leftInJournal(Path records, String lastHash) throws IOException {
        return continuing(RecordJournal.leftOver(journalOf(records)), lastHash);
    }

    private static List<String> continuing(List<String> lines, String lastHash) {
        Map<String, String> byPrevious = new HashMap<>();
        MessageDigest sha256 = RecordChain.sha256();
        for (String line : lines) {
            String[] link = link(sha256, line);
            if (link != null) {
                byPrevious.put(link[0], line);
            }
        }
        List<String> continuing = new ArrayList<>();
        String hash = lastHash;
        String line;
        while ((line = byPrevious.remove(hash)) != null) {
            continuing.add(line);
            hash = link(sha256, line)[1];
        }
        return continuing;
    }

    /** A journal line's {@code prev_hash} and {@code hash}, or {@code null} when its hash does not hold. */
    private static String[] link(MessageDigest sha256, String line) {
        try {
            Map<String, Object> record = CanonicalJson.parse(line);
            if (record.remove("prev_hash") instanceof String prev && record.remove("hash") instanceof String hash
                    && RecordChain.link(sha256, prev, CanonicalJson.bytes(record)).equals(hash)) {
                return new String[] {prev, hash};
            }
        } catch (IOException | RuntimeException ignored) {
            // a torn or foreign line: not ours to append
        }
        return null;
    }

    /** The absolute path of the records file. */
    public Path path() {
        return path;
    }

    /** Whether decisions go through the journal at {@link #journalOf(Path)}. */
    public boolean journaled() {
        return journal != null;
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
        if (journal != null) {
            synchronized (this) {
                try {
                    copyFromJournal();
                    // Everything is in the records file: nothing for the next start to look at.
                    journal.clear();
                } catch (IOException e) {
                    LOG.error("records stay in {} and are appended to {} at the next start: {}", journal.path(), path,
                            e.toString());
                }
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
            boolean busy = writeQueued();
            if (journal != null) {
                try {
                    busy |= copyFromJournal();
                    lastCopyProblem = null;
                } catch (IOException e) {
                    if (!e.toString().equals(lastCopyProblem)) {
                        lastCopyProblem = e.toString();
                        LOG.error("records cannot be copied from {} to {}: {}; they stay in the journal, and calls are"
                                + " denied once it is full", journal.path(), path, e.toString());
                    }
                }
            }
            if (busy) {
                pause = WRITER_MIN_PAUSE_NANOS;
            } else {
                pause = Math.min(pause * 2, WRITER_MAX_PAUSE_NANOS);
                writerIdle = pause == WRITER_MAX_PAUSE_NANOS;
            }
            LockSupport.parkNanos(pause);
        }
    }

    /**
     * Appends the journal's lines that are not yet in the records file to it, in as few writes as
     * its buffer allows.
     *
     * @return whether there were any
     */
    private boolean copyFromJournal() throws IOException {
        synchronized (copyLock) {
            long end = journal.end();
            if (copied == end) {
                return false;
            }
            // In slices, so that the buffer stays small however far behind the writer fell.
            while (copied < end) {
                long to = Math.min(end, copied + copyBuffer.length);
                int length = (int) (to - copied);
                journal.copy(copied, to, copyBuffer);
                out.write(copyBuffer, 0, length);
                copied = to;
            }
            return true;
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
        if (journal == null) {
            out.write(buffer.array(), 0, buffer.position());
        } else {
            buffer.flip();
            if (journal.room(copied) < buffer.remaining()) {
                // The background writer is behind (or failing): catch up here, or fail this append.
                copyFromJournal();
            }
            if (journal.room(copied) < buffer.remaining()) {
                synchronized (copyLock) {
                    out.write(buffer.array(), 0, buffer.limit());
                }
            } else {
                journal.put(buffer);
                if (writerIdle) {
                    writerIdle = false;
                    LockSupport.unpark(writer);
                }
            }
        }
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
        LockSupport.unpark(writer);
        try {
            // Its last pass must not find the file closed under it.
            writer.join(TimeUnit.SECONDS.toMillis(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flush();
        synchronized (this) {
            if (journal != null) {
                journal.close();
            }
            out.close();
        }
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
