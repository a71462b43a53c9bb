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
import java.util.Arrays;
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
public final class RecordLog implements RecordSink, Closeable {

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
     * take the records file, and with it every governed call, down. Replaced, holding both locks,
     * when the file at {@link #path} is no longer this one (see {@link #continueInNewFile}).
     */
    private FileOutputStream out;
    /** Which file {@link #out} writes; compared with the path's current one by the background writer. */
    private volatile FileIdentity identity;
    private final MessageDigest sha256 = RecordChain.sha256();
    private final String continuation;
    private final Queue<Pending> soon = new ConcurrentLinkedQueue<>();
    /** Records queued and not yet written: bounds the queue, and tells {@link #flush} when it is done. */
    private final AtomicInteger outstanding = new AtomicInteger();
    private final Thread writer;
    /** Set while the background writer sleeps long, so that the next record wakes it. */
    private volatile boolean writerIdle;
    private volatile boolean closed;
    /**
     * Where decisions go first when journaled; {@code null} when every append writes the records
     * file. Replaced, holding both locks, when its file was deleted or replaced.
     */
    private RecordJournal journal;
    private volatile FileIdentity journalIdentity;
    private final int journalSize;
    /**
     * The records written last, until the background writer has seen that the records file is
     * still the one at its path: the journal, or a ring in memory without one.
     */
    private LineRing ring;
    /** Guards writing the records file from the journal, {@link #copied}, and the ring's bookkeeping. */
    private final Object copyLock = new Object();
    /** How far (in {@link RecordJournal#end()} bytes) the journal is in the records file. */
    private volatile long copied;
    /**
     * How far (in {@link LineRing#end()} bytes) the ring is known to be in the file at {@link #path}:
     * written before a look at the path found this file there. The rest goes again into a new file
     * if it turns out to be gone.
     */
    private volatile long confirmed;
    /**
     * The hash of the record that ends at {@link #confirmed}: what a new file's chain continues
     * from. Read from the ring when confirmed, while the ring cannot yet have overwritten it.
     */
    private String confirmedHash;
    /** Counts ring and file changes, so that a look taken before one confirms nothing after it. */
    private int generation;
    /** The background writer's last look at the ring's end, to tell whether records came. */
    private long seenEnd;
    /**
     * Why governed calls are denied: the records file is gone and no new one can be made at its
     * path. Cleared once one can.
     */
    private volatile String refusal;
    /** Who writes, for the continuation record: service, host, pid. */
    private volatile Map<String, Object> writerFields = Map.of();
    private final byte[] copyBuffer = new byte[256 << 10];
    private String lastCopyProblem;
    /** The last record's hash as hex ASCII bytes, ready to be written and hashed. */
    private byte[] lastHash;

    /** A serialised record waiting to be chained and written, and who wants its line once written. */
    private record Pending(byte[] body, Consumer<String> written, boolean queued) {
    }

    private RecordLog(Path path, FileOutputStream out, FileIdentity identity, String lastHash, String continuation,
                      RecordJournal journal, int journalSize) {
        this.path = path;
        this.out = out;
        this.identity = identity;
        this.journal = journal;
        this.journalSize = journalSize;
        this.journalIdentity = journal == null ? null : FileIdentity.of(journal.path());
        this.ring = journal != null ? journal : new MemoryRing(MemoryRing.DEFAULT_SIZE);
        this.confirmedHash = lastHash;
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
        if (parent == null || absolute.getFileName() == null) {
            // records=/ names no file; nothing, not even a journal, may be created anywhere else for it.
            throw new IOException(absolute + " is not a file path: give the records file's name");
        }
        Files.createDirectories(parent);
        if (Files.isDirectory(absolute)) {
            throw new IOException(absolute + " is a directory: give the records file's name");
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
            FileIdentity identity = FileIdentity.of(absolute);
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
            return new RecordLog(absolute, out, identity, lastHash, continuation, journal, journalSize);
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

    @Override
    public String describe() {
        return path.toString();
    }

    /** Whether decisions go through the journal at {@link #journalOf(Path)}. */
    public boolean journaled() {
        synchronized (copyLock) {
            return journal != null;
        }
    }

    /**
     * Why every append fails now (the records file is gone and none can be made at its path), or
     * {@code null} while records are written.
     */
    public String problem() {
        return refusal;
    }

    /** Who writes, as the record that continues the chain in a new file names it. */
    public void describeWriter(String service, String host, long pid) {
        Map<String, Object> fields = new HashMap<>();
        fields.put("service", service);
        fields.put("host", host);
        fields.put("pid", pid);
        writerFields = fields;
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
    @Override
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
    @Override
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
        synchronized (this) {
            try {
                copyFromJournal();
                // A file deleted just before the end must not take the last records with it.
                confirmNow();
                if (refusal != null) {
                    logUnconfirmed();
                } else if (journal != null) {
                    // Everything is in the records file: nothing for the next start to look at.
                    journal.clear();
                }
            } catch (IOException e) {
                if (journal != null) {
                    LOG.error("records stay in {} and are appended to {} at the next start: {}", journal.path(), path,
                            e.toString());
                }
            }
        }
    }

    /**
     * The process ends while no records file can be made: the records accepted before that was
     * noticed are in memory (or a journal nobody can find) only. The log is the one place left.
     */
    private void logUnconfirmed() {
        synchronized (copyLock) {
            byte[] lines = new byte[(int) (ring.end() - confirmed)];
            ring.copy(confirmed, ring.end(), lines);
            String text = new String(lines, StandardCharsets.UTF_8);
            LOG.error("{}; {} records written before that was noticed follow, since they are in no file", refusal,
                    text.lines().count());
            text.lines().forEach(line -> LOG.error("unwritten record: {}", line));
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
            boolean busy;
            try {
                busy = writePass();
            } catch (RuntimeException | Error e) {
                // The writer must outlive one bad pass: without it a vanished file goes unnoticed.
                busy = false;
                if (!e.toString().equals(lastCopyProblem)) {
                    lastCopyProblem = e.toString();
                    LOG.error("the records writer of {} failed a pass and goes on", path, e);
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

    /** One pass of the background writer: queued records, the journal's, then the file's identity. */
    private boolean writePass() {
        boolean busy = writeQueued();
        try {
            busy |= copyFromJournal();
            lastCopyProblem = null;
        } catch (IOException e) {
            if (!e.toString().equals(lastCopyProblem)) {
                lastCopyProblem = e.toString();
                LOG.error("records cannot be copied from {} to {}: {}; they stay in the journal, and calls are"
                        + " denied once it is full", RecordLog.journalOf(path), path, e.toString());
            }
        }
        return busy | keepFileCurrent();
    }

    /**
     * Appends the journal's lines that are not yet in the records file to it, in as few writes as
     * its buffer allows.
     *
     * @return whether there were any
     */
    private boolean copyFromJournal() throws IOException {
        synchronized (copyLock) {
            if (journal == null || refusal != null) {
                // Without a file at the path, the journal keeps its records until there is one.
                return false;
            }
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

    /**
     * The background writer's look at the records file and the journal, once per pass: one
     * {@code stat} of each, off the governed call. Records written before a look that finds the
     * same file at the path are in a file someone can read; when the path names no file or
     * another one, the log goes on in a new file (see {@link #continueInNewFile}).
     *
     * @return whether records were written since the last look
     */
    private boolean keepFileCurrent() {
        long upTo;
        int seen;
        synchronized (copyLock) {
            upTo = journal != null ? copied : ring.end();
            seen = generation;
        }
        boolean came = upTo != seenEnd;
        seenEnd = upTo;
        if (identity.changeTo(FileIdentity.of(path)) != null) {
            continueInNewFile();
        } else {
            confirm(upTo, seen);
            FileIdentity journalWas = journalIdentity;
            RecordJournal current = journal;
            if (current != null && journalWas != null && journalWas.changeTo(FileIdentity.of(current.path())) != null) {
                renewJournal();
            }
        }
        return came;
    }

    /** Records up to {@code upTo} are in the file at the path, unless the ring or file changed since {@code seen}. */
    private void confirm(long upTo, int seen) {
        synchronized (copyLock) {
            if (seen == generation) {
                confirmTo(upTo);
            }
        }
    }

    /** Caller holds the copy lock. */
    private void confirmTo(long upTo) {
        if (upTo > confirmed && endsLine(upTo)) {
            byte[] hash = new byte[64];
            ring.copy(upTo - END.length - 64, upTo - END.length, hash);
            confirmedHash = new String(hash, StandardCharsets.US_ASCII);
            confirmed = upTo;
        }
    }

    /**
     * Whether {@code upTo} ends a record line. A copy that failed part-way (a full disk) leaves
     * the journal's copy position inside a line; confirming there would read a hash from the
     * middle of a record. The next whole copy confirms instead.
     */
    private boolean endsLine(long upTo) {
        if (upTo < END.length + 64) {
            return false;
        }
        byte[] tail = new byte[END.length];
        ring.copy(upTo - END.length, upTo, tail);
        return Arrays.equals(tail, END);
    }

    /** As the background writer's look, by a caller whose ring is full: rare, and worth a system call then. */
    private void confirmNow() {
        long upTo;
        int seen;
        synchronized (copyLock) {
            upTo = journal != null ? copied : ring.end();
            seen = generation;
        }
        if (identity.changeTo(FileIdentity.of(path)) != null) {
            continueInNewFile();
        } else {
            confirm(upTo, seen);
        }
    }

    /**
     * The records file was deleted, moved away or replaced while this log wrote it: what it
     * writes from now on would be in a file nobody can read. Makes a new file at the path whose
     * first record, {@code records_continued}, is chained from the hash of the last record known
     * to be in the old file and names that file; then writes again the records not known to be
     * there (the ring from {@link #confirmed} on), chained after it, and goes on. When no file can
     * be made, every append fails until one can, naming the path and the cause; the ring keeps
     * what was written meanwhile, and the background writer tries again every pass.
     */
    private void continueInNewFile() {
        synchronized (this) {
            synchronized (copyLock) {
                FileIdentity old = identity;
                FileIdentity.Change change = old.changeTo(FileIdentity.of(path));
                if (change == null) {
                    return;
                }
                long from = confirmed;
                long to = ring.end();
                byte[] unconfirmed = new byte[(int) (to - from)];
                ring.copy(from, to, unconfirmed);
                String previousHash = confirmedHash;
                FileOutputStream fresh = null;
                FileIdentity freshIdentity;
                ByteBuffer lines;
                byte[] end;
                int again;
                try {
                    fresh = openFresh(previousHash);
                    freshIdentity = FileIdentity.of(path);
                    List<byte[]> bodies = bodies(unconfirmed);
                    again = bodies.size();
                    Map<String, Object> continued = new HashMap<>(writerFields);
                    continued.put("kind", "records_continued");
                    continued.put("previous_file", path.toString());
                    continued.put("previous_file_key", old.describe());
                    continued.put("previous_hash", previousHash);
                    continued.put("reason", change.reason());
                    continued.put("rewritten", again);
                    continued.put("timestamp", Timestamps.now());
                    bodies.add(0, CanonicalJson.bytes(continued));
                    int size = 0;
                    for (byte[] body : bodies) {
                        size += body.length + LINK_LENGTH;
                    }
                    lines = ByteBuffer.allocate(size);
                    end = previousHash.getBytes(StandardCharsets.US_ASCII);
                    for (byte[] body : bodies) {
                        end = putLinked(lines, end, body);
                    }
                    fresh.write(lines.array(), 0, lines.position());
                } catch (IOException | RuntimeException e) {
                    closeQuietly(fresh);
                    String problem = "the records file " + path + " " + change.described() + " and no new one can be"
                            + " made there (" + e + "); governed calls are denied until one can";
                    if (!problem.equals(refusal)) {
                        LOG.error(problem);
                    }
                    refusal = problem;
                    return;
                }
                closeQuietly(out);
                out = fresh;
                identity = freshIdentity;
                lastHash = end;
                refusal = null;
                if (journal != null) {
                    copied = to;
                    // Its lines are in the new file, chained anew: nothing for the next start to append.
                    journal.clear();
                }
                confirmed = to;
                confirmedHash = new String(end, StandardCharsets.US_ASCII);
                generation++;
                LOG.error("the records file {} (file {}) {} while in use: records go on in a new file at that path;"
                                + " its first record (records_continued) continues the chain after hash {}, and the {}"
                                + " records not known to be in the old file were written again after it", path,
                        old.describe(), change.described(), previousHash, again);
                FileIdentity journalWas = journalIdentity;
                if (journal != null && journalWas != null) {
                    FileIdentity.Change journalChange = journalWas.changeTo(FileIdentity.of(journal.path()));
                    if (journalChange != null) {
                        replaceJournal(journalChange);
                    }
                }
            }
        }
    }

    /**
     * A file for the log to go on in at its path: a new one; the one there when it ends with
     * {@code previousHash} (a copy of this one put in its place); any other file there is not
     * this chain's to append to and is moved aside, with a WARN.
     */
    private FileOutputStream openFresh(String previousHash) throws IOException {
        if (Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                && !Files.isRegularFile(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            // A FIFO would block every governed call on open; a link to /dev/null would swallow
            // every record while confirming it as written. Neither is a records file.
            throw new IOException(path + " is now a " + (Files.isSymbolicLink(path) ? "symbolic link" : "special file")
                    + ", not a regular file; records are not written through it");
        }
        if (Files.isRegularFile(path) && Files.size(path) > 0) {
            String last = lastLine(path);
            Object hash = null;
            try {
                hash = last == null ? null : CanonicalJson.parse(last).get("hash");
            } catch (IOException ignored) {
                // not a record: moved aside below
            }
            if (!previousHash.equals(hash)) {
                Path aside = path.resolveSibling(path.getFileName() + ".foreign-" + System.currentTimeMillis());
                Files.move(path, aside);
                LOG.warn("{} was replaced by a file that does not continue its chain; that file was moved to {}", path,
                        aside);
            }
        }
        return new FileOutputStream(path.toFile(), true);
    }

    /** The canonical bodies of the chained lines in {@code lines}: without {@code prev_hash} and {@code hash}. */
    private static List<byte[]> bodies(byte[] lines) {
        List<byte[]> bodies = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < lines.length; i++) {
            if (lines[i] == '\n') {
                int length = i + 1 - start - LINK_LENGTH;
                byte[] body = new byte[length];
                System.arraycopy(lines, start, body, 0, length - 1);
                body[length - 1] = '}';
                bodies.add(body);
                start = i + 1;
            }
        }
        return bodies;
    }

    /**
     * The journal was deleted or replaced while the records file stayed: its records still reach
     * the file from the old mapping, but a process killed now would leave them where no next start
     * finds them, and the journal's lock, which keeps a second writer off the records file, is on a
     * file nobody else sees. Writes it out and makes a new one at its path.
     */
    private void renewJournal() {
        synchronized (this) {
            synchronized (copyLock) {
                FileIdentity journalWas = journalIdentity;
                if (journal == null || journalWas == null) {
                    return;
                }
                FileIdentity.Change change = journalWas.changeTo(FileIdentity.of(journal.path()));
                if (change == null) {
                    return;
                }
                try {
                    copyFromJournal();
                } catch (IOException e) {
                    return; // reported by the pass; tried again on the next one
                }
                if (refusal != null || identity.changeTo(FileIdentity.of(path)) != null) {
                    return; // the next pass goes on in a new file, and renews the journal with it
                }
                confirmTo(copied);
                journal.clear();
                replaceJournal(change);
            }
        }
    }

    /** Makes a new journal at the old one's path, or goes on without one. Caller holds both locks; everything is in the file. */
    private void replaceJournal(FileIdentity.Change change) {
        RecordJournal old = journal;
        Path journalPath = old.path();
        RecordJournal fresh = null;
        try {
            fresh = RecordJournal.open(journalPath);
            fresh.reset(journalSize);
            journal = fresh;
            ring = fresh;
            journalIdentity = FileIdentity.of(journalPath);
            LOG.error("the journal {} {} while in use: a new one was made at that path", journalPath, change.described());
        } catch (IOException | RuntimeException e) {
            closeQuietly(fresh);
            journal = null;
            journalIdentity = null;
            ring = new MemoryRing(MemoryRing.DEFAULT_SIZE);
            LOG.error("the journal {} {} while in use and no new one can be made there ({}); decisions are written to"
                    + " {} directly from now on, one write per governed call", journalPath, change.described(),
                    e.toString(), path);
        }
        closeQuietly(old);
        copied = 0;
        confirmed = 0;
        confirmedHash = new String(lastHash, StandardCharsets.US_ASCII);
        generation++;
    }

    private static void closeQuietly(Closeable closeable) {
        if (closeable != null) {
            try {
                closeable.close();
            } catch (IOException ignored) {
                // a file this log no longer writes
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
            prev = putLinked(buffer, prev, pending.body());
        }
        buffer.flip();
        store(buffer, batch.size());
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

    /** Appends {@code body} to {@code buffer} as a line chained from {@code prev}; returns its hash. Caller holds the lock. */
    private byte[] putLinked(ByteBuffer buffer, byte[] prev, byte[] body) {
        byte[] hash = RecordChain.link(sha256, prev, body);
        buffer.put(body, 0, body.length - 1)
                .put(PREV_HASH).put(prev)
                .put(HASH).put(hash)
                .put(END);
        return hash;
    }

    /**
     * Puts chained lines where they go: the journal, or the records file and the ring that keeps
     * them until the file is known to be still at its path. Caller holds the lock.
     */
    private void store(ByteBuffer lines, int records) throws IOException {
        int length = lines.remaining();
        if (ring.room(confirmed) < length) {
            // The background writer is behind (or failing): catch up here, or fail this append.
            copyFromJournal();
            confirmNow();
        }
        String refused = refusal;
        if (refused != null) {
            throw new IOException(refused);
        }
        boolean fits = ring.room(confirmed) >= length;
        if (journal != null && fits) {
            journal.put(lines);
        } else {
            if (journal == null) {
                out.write(lines.array(), 0, lines.limit());
            } else {
                synchronized (copyLock) {
                    out.write(lines.array(), 0, lines.limit());
                }
            }
            if (fits) {
                ring.put(lines);
            } else {
                // More than the ring holds: look at the file now, a system call on this rare path only.
                FileIdentity.Change change = identity.changeTo(FileIdentity.of(path));
                if (change != null) {
                    throw new IOException("the records file " + path + " " + change.described() + " while " + records
                            + " records were written to it; they are not known to be anywhere readable");
                }
            }
        }
        if (writerIdle) {
            writerIdle = false;
            LockSupport.unpark(writer);
        }
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
            synchronized (copyLock) {
                if (journal != null) {
                    journal.close();
                }
                out.close();
            }
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
