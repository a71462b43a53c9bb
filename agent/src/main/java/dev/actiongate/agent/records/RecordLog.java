package dev.actiongate.agent.records;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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

    private static final Logger LOG = LoggerFactory.getLogger("actiongate");

    private final Path path;
    private final String continuation;
    /** The file and its journal; its monitor is the records lock, held while records are chained and stored. */
    private final RecordsFile file;

    /** Seals the chain with checkpoints; {@code null} for a log opened without a key. */
    private final RecordSealer sealer;

    private final QueuedRecords soon = new QueuedRecords();
    private final PollingWriter writer;
    private volatile boolean closed;
    /** Flushes at JVM shutdown; removed by {@link #close}, so that a detached agent leaves no hook behind. */
    private final ShutdownFlush shutdownFlush = new ShutdownFlush(this::flush);
    /** The background writer's last problem, so that one that lasts is logged once, not once per pass. */
    private String lastProblem;

    private RecordLog(Path path, RecordsRecovery.Opened opened, int journalSize, RecordSealer sealer) {
        this.path = path;
        this.continuation = opened.continuation();
        this.file = new RecordsFile(path, opened, journalSize);
        this.sealer = sealer;
        this.writer = new PollingWriter("actiongate-records", this::writePass);
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

    /**
     * As {@link #open(Path, boolean)}, sealed: the file's first record names the log and its key,
     * and checkpoints sealed with {@code key} follow (see {@link RecordSealer}), each also handed
     * to {@code trail}. A file another key or service began is refused.
     */
    public static RecordLog open(
            Path path, boolean journaled, SealingKey key, String service, CheckpointTrail.Sink trail)
            throws IOException {
        Path absolute = checkedPath(path);
        SealingStart.checkOwner(absolute, key.fingerprint(), service);
        int journalSize = journaled ? RecordJournal.DEFAULT_SIZE : 0;
        RecordsRecovery.Opened opened = RecordsRecovery.open(absolute, journalSize, key);
        long unsealed = SealingStart.catchUp(absolute, key);
        RecordSealer sealer = new RecordSealer(key, trail, absolute.toString(), unsealed, opened.unsealedKept());
        return new RecordLog(absolute, opened, journalSize, sealer);
    }

    /** As {@link #open(Path, boolean)}, with a journal of {@code journalSize} bytes, none when 0. */
    static RecordLog open(Path path, int journalSize) throws IOException {
        Path absolute = checkedPath(path);
        return new RecordLog(absolute, RecordsRecovery.open(absolute, journalSize), journalSize, null);
    }

    private static Path checkedPath(Path path) throws IOException {
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
        return absolute;
    }

    /** Where the journal of the records file {@code records} is: beside it, named after it. */
    public static Path journalOf(Path records) {
        Path absolute = records.toAbsolutePath();
        return absolute.resolveSibling(absolute.getFileName() + ".journal");
    }

    /**
     * The records a process left in the journal of {@code records} that continue its chain from
     * {@code lastHash}, in chain order: what it put there and had not yet written to the file
     * when it was killed. Empty when there is no journal or the process closed it.
     */
    public static List<String> leftInJournal(Path records, String lastHash) throws IOException {
        return JournalLines.continuing(RecordJournal.leftOver(journalOf(records)), lastHash);
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
        return file.journaled();
    }

    /** Why every append fails now (the records file is gone and none can be made at its path), or {@code null}. */
    public String problem() {
        return file.refusal();
    }

    /**
     * Whether every record appended so far is known to be in the file at the path: the background
     * writer looked at the path after writing them and found the same file. A file moved away now
     * takes them along, and the log goes on in a new file without writing them again.
     */
    public boolean confirmed() {
        return file.confirmed();
    }

    /** Who writes, as the record that continues the chain in a new file names it. */
    public void describeWriter(String service, String host, long pid) {
        Map<String, Object> fields = new HashMap<>();
        fields.put("service", service);
        fields.put("host", host);
        fields.put("pid", pid);
        if (sealer != null) {
            // a verifier with the key takes a continued file for this log's by it
            fields.put("key_fingerprint", sealer.fingerprint());
        }
        file.describeWriter(fields);
    }

    /**
     * Names the log in its chain: a new file's first record ({@code records_opened}), or the record
     * with which a process goes on with a file ({@code records_resumed}), naming the hash it
     * continues. Sealed by the next checkpoint, so a file swapped for another's, or one continued
     * from another log, shows in {@code verify}.
     */
    public void announce(String service, String host, long pid) throws IOException {
        describeWriter(service, host, pid);
        if (sealer != null) {
            append(sealer.identity(continuation, service, host, pid), null);
        }
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
        QueuedRecords.Pending own = new QueuedRecords.Pending(CanonicalJson.bytes(record), written, false);
        List<QueuedRecords.Pending> batch = new ArrayList<>(4);
        ByteBuffer lines;
        synchronized (file) {
            soon.drainTo(batch);
            batch.add(own);
            lines = writeOrReport(batch);
        }
        writer.recordsCame();
        QueuedRecords.tellWritten(batch, lines);
    }

    /**
     * Queues a record to be written with the next {@link #append} or within milliseconds. When
     * the queue is full the caller writes it itself, so memory stays bounded and nothing is dropped.
     *
     * @param written receives the line once it is on disk, or {@code null}
     */
    @Override
    public void appendSoon(Map<String, ?> record, Consumer<String> written) throws IOException {
        if (closed || !soon.offer(CanonicalJson.bytes(record), written)) {
            append(record, written);
        }
    }

    /** Writes every queued record when the JVM shuts down, until this log is closed. */
    public void flushOnShutdown() {
        shutdownFlush.install();
    }

    /** Writes and seals every queued record now; called on shutdown so that no outcome is left behind. */
    public void flush() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (soon.outstanding() && System.nanoTime() < deadline) {
            writeQueued();
            if (soon.outstanding()) {
                // a record counted but not yet in the queue: its producer is about to add it
                LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(100));
            }
        }
        if (sealer != null) {
            sealer.sealIfDue(file, true, this::reportOnce);
            sealer.finishTrail(closed); // a moment for the last checkpoint to reach the trail
        }
        file.finish();
    }

    /** One pass of the background writer: queued records, the journal's, then the file's identity. */
    private boolean writePass() {
        try {
            boolean busy = writeQueued();
            try {
                busy |= file.copyFromJournal();
                lastProblem = null;
            } catch (IOException e) {
                reportOnce(
                        e.toString(),
                        "records cannot be copied from " + journalOf(path) + " to " + path + ": " + e
                                + "; they stay in the journal, and calls are denied once it is full",
                        null);
            }
            // Looked at every pass, whatever the copy found: a vanished file must be noticed.
            boolean came = file.keepCurrent();
            if (sealer != null) {
                sealer.sealIfDue(file, false, this::reportOnce);
            }
            return busy || came;
        } catch (RuntimeException | Error e) {
            // The writer must outlive one bad pass: without it a vanished file goes unnoticed.
            reportOnce(e.toString(), "the records writer of " + path + " failed a pass and goes on", e);
            return false;
        }
    }

    /** Logs {@code message} unless {@code problem} is the one logged last. */
    private void reportOnce(String problem, String message, Throwable cause) {
        if (!problem.equals(lastProblem)) {
            lastProblem = problem;
            LOG.error(message, cause);
        }
    }

    /** Writes what is queued; whether there was anything. */
    private boolean writeQueued() {
        if (soon.isEmpty()) {
            return false;
        }
        List<QueuedRecords.Pending> batch = new ArrayList<>();
        ByteBuffer lines;
        synchronized (file) {
            soon.drainTo(batch);
            if (batch.isEmpty()) {
                return false;
            }
            try {
                lines = writeOrReport(batch);
            } catch (IOException e) {
                return true;
            }
        }
        QueuedRecords.tellWritten(batch, lines);
        return true;
    }

    /** Writes {@code batch}; queued records in it that cannot be written are logged, so that they are not lost. */
    private ByteBuffer writeOrReport(List<QueuedRecords.Pending> batch) throws IOException {
        // A plain loop: this runs on every governed call, before its body.
        List<byte[]> bodies = new ArrayList<>(batch.size());
        for (QueuedRecords.Pending pending : batch) {
            bodies.add(pending.body());
        }
        try {
            return file.write(bodies);
        } catch (IOException e) {
            List<QueuedRecords.Pending> queued =
                    batch.stream().filter(QueuedRecords.Pending::queued).toList();
            if (!queued.isEmpty()) {
                LOG.error(
                        "{} queued records could not be written to {}: {}; they follow so that they are not lost",
                        queued.size(),
                        path,
                        e.toString());
                queued.forEach(pending ->
                        LOG.error("unwritten record: {}", new String(pending.body(), StandardCharsets.UTF_8)));
            }
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        shutdownFlush.remove();
        // Its last pass must not find the file closed under it.
        writer.stop(TimeUnit.SECONDS.toMillis(1));
        flush();
        file.close();
    }
}
