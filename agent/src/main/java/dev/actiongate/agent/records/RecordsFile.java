package dev.actiongate.agent.records;

import java.io.Closeable;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The records file at its path and the journal beside it: chains lines onto the file's chain,
 * puts them in the journal (or the file), copies the journal into the file, and keeps writing a
 * file someone can read when the one at the path is deleted, moved away or replaced.
 *
 * <p>Two locks. This object's monitor, the records lock, is held by whoever chains and stores
 * lines, so that the chain stays in file order. The copy lock guards writing the file from the
 * journal, the {@link JournalCopy} and the {@link ConfirmedRing}. Whoever needs both takes the
 * records lock first.
 */
final class RecordsFile implements Closeable {

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
    /** Where decisions go first when journaled; replaced, holding both locks, when its file was deleted or replaced. */
    private final JournalCopy journal;

    private final Object copyLock = new Object();
    private final ConfirmedRing ring;
    /** The background writer's last look at the ring's end, to tell whether records came. */
    private long seenEnd;
    /** Why governed calls are denied: the records file is gone and none can be made at its path; cleared once one can. */
    private volatile String refusal;
    /** Who writes, for the continuation record: service, host, pid. */
    private volatile Map<String, Object> writerFields = Map.of();

    private final ChainedLines chain = new ChainedLines();
    /** The last record's hash as hex ASCII bytes, ready to be written and hashed. */
    private byte[] lastHash;
    /** How many records this process chained: the sealer's count. */
    private long chained;

    RecordsFile(Path path, RecordsRecovery.Opened opened, int journalSize) {
        this.path = path;
        this.out = opened.out();
        this.identity = opened.identity();
        this.journal = new JournalCopy(opened.journal(), journalSize);
        this.ring = new ConfirmedRing(
                journal.present() ? journal.ring() : new MemoryRing(MemoryRing.DEFAULT_SIZE), opened.lastHash());
        this.lastHash = opened.lastHash().getBytes(StandardCharsets.US_ASCII);
    }

    boolean journaled() {
        synchronized (copyLock) {
            return journal.present();
        }
    }

    String refusal() {
        return refusal;
    }

    void describeWriter(Map<String, Object> fields) {
        writerFields = fields;
    }

    /**
     * Chains {@code bodies} and writes them in one system call; returns the chained lines, one after
     * the other in the array of the buffer. Caller holds the records lock.
     */
    ByteBuffer write(List<byte[]> bodies) throws IOException {
        ChainedLines.Chained chained = chain.chain(lastHash, bodies);
        ByteBuffer lines = chained.lines();
        store(lines, bodies.size());
        lastHash = chained.lastHash();
        this.chained += bodies.size();
        return lines;
    }

    /** The hash the chain ends with, and how many records this process chained. Caller holds the records lock. */
    byte[] lastHash() {
        return lastHash;
    }

    long chained() {
        return chained;
    }

    /**
     * Puts chained lines where they go: the journal, or the records file and the ring that keeps
     * them until the file is known to be still at its path. Caller holds the records lock.
     */
    private void store(ByteBuffer lines, int records) throws IOException {
        int length = lines.remaining();
        if (ring.room() < length) {
            // The background writer is behind (or failing): catch up here, or fail this append.
            copyFromJournal();
            confirmNow();
        }
        String refused = refusal;
        if (refused != null) {
            throw new IOException(refused);
        }
        boolean fits = ring.room() >= length;
        if (journal.present() && fits) {
            journal.put(lines);
            return;
        }
        if (!journal.present()) {
            WholeLines.write(out, lines.array(), lines.limit(), path);
        } else {
            synchronized (copyLock) {
                WholeLines.write(out, lines.array(), lines.limit(), path);
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

    /**
     * Appends the journal's lines that are not yet in the records file to it, in as few writes as
     * its buffer allows.
     *
     * @return whether there were any
     */
    boolean copyFromJournal() throws IOException {
        synchronized (copyLock) {
            if (!journal.present() || refusal != null) {
                // Without a file at the path, the journal keeps its records until there is one.
                return false;
            }
            return journal.copyInto(out, path);
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
    boolean keepCurrent() {
        long upTo;
        int seen;
        synchronized (copyLock) {
            upTo = journal.present() ? journal.copied() : ring.end();
            seen = ring.generation();
        }
        boolean came = upTo != seenEnd;
        seenEnd = upTo;
        if (identity.changeTo(FileIdentity.of(path)) != null) {
            continueInNewFile();
        } else {
            confirm(upTo, seen);
            if (journal.change() != null) {
                renewJournal();
            }
        }
        return came;
    }

    synchronized boolean confirmed() {
        return ring.allConfirmed();
    }

    private void confirm(long upTo, int seen) {
        synchronized (copyLock) {
            ring.confirm(upTo, seen);
        }
    }

    /** As the background writer's look, by a caller whose ring is full: rare, and worth a system call then. */
    private void confirmNow() {
        long upTo;
        int seen;
        synchronized (copyLock) {
            upTo = journal.present() ? journal.copied() : ring.end();
            seen = ring.generation();
        }
        if (identity.changeTo(FileIdentity.of(path)) != null) {
            continueInNewFile();
        } else {
            confirm(upTo, seen);
        }
    }

    /**
     * The records file was deleted, moved away or replaced while this log wrote it: what it
     * writes from now on would be in a file nobody can read. Makes a new file at the path (see
     * {@link NewRecordsFile}) that writes again the records not known to be in the old one, and
     * goes on. When no file can be made, every append fails until one can, naming the path and the
     * cause; the ring keeps what was written meanwhile, and the background writer tries again
     * every pass.
     */
    private void continueInNewFile() {
        synchronized (this) {
            synchronized (copyLock) {
                FileIdentity old = identity;
                FileIdentity.Change change = old.changeTo(FileIdentity.of(path));
                if (change == null) {
                    return;
                }
                long to = ring.end();
                String previousHash = ring.confirmedHash();
                NewRecordsFile.Started fresh;
                try {
                    fresh = NewRecordsFile.start(
                            path, old, change, previousHash, ring.unconfirmed(), writerFields, chain);
                } catch (IOException | RuntimeException e) {
                    String problem = "the records file " + path + " " + change.described() + " and no new one can be"
                            + " made there (" + e + "); governed calls are denied until one can";
                    if (!problem.equals(refusal)) {
                        LOG.error(problem);
                    }
                    refusal = problem;
                    return;
                }
                Quietly.close(out);
                out = fresh.out();
                identity = fresh.identity();
                lastHash = fresh.lastHash();
                refusal = null;
                if (journal.present()) {
                    // Its lines are in the new file, chained anew: nothing for the next start to append.
                    journal.skipTo(to);
                }
                ring.confirmedInNewFile(to, new String(lastHash, StandardCharsets.US_ASCII));
                LOG.error(
                        "the records file {} (file {}) {} while in use: records go on in a new file at that path;"
                                + " its first record (records_continued) continues the chain after hash {}, and the {}"
                                + " records not known to be in the old file were written again after it",
                        path,
                        old.describe(),
                        change.described(),
                        previousHash,
                        fresh.rewritten());
                FileIdentity.Change journalChange = journal.change();
                if (journalChange != null) {
                    replaceJournal(journalChange);
                }
            }
        }
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
                FileIdentity.Change change = journal.change();
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
                ring.confirmTo(journal.copied());
                journal.clear();
                replaceJournal(change);
            }
        }
    }

    /** Makes a new journal at the old one's path, or goes on without one. Caller holds both locks; everything is in the file. */
    private void replaceJournal(FileIdentity.Change change) {
        ring.restart(journal.replace(change, path), new String(lastHash, StandardCharsets.US_ASCII));
    }

    /**
     * Everything to the file at the path before the process ends: the journal's lines, and a last
     * look, since a file deleted just before the end must not take the last records with it.
     */
    synchronized void finish() {
        try {
            copyFromJournal();
            confirmNow();
            if (refusal != null) {
                logUnconfirmed();
            } else if (journal.present()) {
                // Everything is in the records file: nothing for the next start to look at.
                journal.clear();
            }
        } catch (IOException e) {
            if (journal.present()) {
                LOG.error(
                        "records stay in {} and are appended to {} at the next start: {}",
                        journal.path(),
                        path,
                        e.toString());
            }
        }
    }

    /**
     * The process ends while no records file can be made: the records accepted before that was
     * noticed are in memory (or a journal nobody can find) only. The log is the one place left.
     */
    private void logUnconfirmed() {
        synchronized (copyLock) {
            String text = new String(ring.unconfirmed(), StandardCharsets.UTF_8);
            LOG.error(
                    "{}; {} records written before that was noticed follow, since they are in no file",
                    refusal,
                    text.lines().count());
            text.lines().forEach(line -> LOG.error("unwritten record: {}", line));
        }
    }

    @Override
    public synchronized void close() throws IOException {
        synchronized (copyLock) {
            journal.close();
            out.close();
        }
    }
}
