package dev.actiongate.agent.records;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journal beside a records file and how far it is copied into the file. Decisions are put in
 * the journal (a copy into the page cache, no system call) and copied into the records file in a
 * few large writes. Without a usable journal there is none, and every record is written to the
 * file directly. Guarded by the copy lock of the {@link RecordsFile} that holds it; the journal
 * itself is replaced only while the records lock is held too, so {@link #put} needs that one alone.
 */
final class JournalCopy {

    private static final Logger LOG = LoggerFactory.getLogger("actiongate");

    /** {@code null} when records are written to the file directly. */
    private RecordJournal journal;

    private volatile FileIdentity identity;
    private final int size;
    /** How far (in {@link RecordJournal#end()} bytes) the journal is in the records file. */
    private volatile long copied;

    private final byte[] buffer = new byte[256 << 10];

    /** {@code journal} may be {@code null}: no journal. */
    JournalCopy(RecordJournal journal, int size) {
        this.journal = journal;
        this.size = size;
        this.identity = journal == null ? null : FileIdentity.of(journal.path());
    }

    boolean present() {
        return journal != null;
    }

    /** The journal as the ring that keeps the last records; only when {@link #present}. */
    LineRing ring() {
        return journal;
    }

    Path path() {
        return journal.path();
    }

    /** How far the journal is in the records file. */
    long copied() {
        return copied;
    }

    void put(ByteBuffer lines) {
        journal.put(lines);
    }

    /**
     * Appends the journal's lines that are not yet in the records file to {@code out}, in slices,
     * so that the buffer stays small however far behind the copy fell.
     *
     * @return whether there were any
     */
    boolean copyInto(FileOutputStream out, Path file) throws IOException {
        long end = journal.end();
        if (copied == end) {
            return false;
        }
        // One writer (the holder of the copy lock) moves it on; the volatile is for readers only.
        long at = copied;
        while (at < end) {
            long to = Math.min(end, at + buffer.length);
            journal.copy(at, to, buffer);
            // Whole lines per write, so that a write that fails part-way can be cut back to a line's end.
            int length = wholeLines((int) (to - at));
            WholeLines.write(out, buffer, length, file);
            at += length;
            copied = at;
        }
        return true;
    }

    /** The length of the whole lines among the first {@code length} bytes of the buffer; all of them when none ends there. */
    private int wholeLines(int length) {
        for (int i = length - 1; i >= 0; i--) {
            if (buffer[i] == '\n') {
                return i + 1;
            }
        }
        return length;
    }

    /** The journal's lines up to {@code to} are in the records file another way: nothing for the next start to append. */
    void skipTo(long to) {
        copied = to;
        journal.clear();
    }

    /** Everything in the journal is in the records file: nothing for the next start to look at. */
    void clear() {
        journal.clear();
    }

    /** What happened to the journal's file since it was made: deleted or replaced; {@code null} when neither. */
    FileIdentity.Change change() {
        FileIdentity was = identity;
        RecordJournal current = journal;
        return current == null || was == null ? null : was.changeTo(FileIdentity.of(current.path()));
    }

    /**
     * Makes a new journal at the old one's path, or goes on without one; everything the old one
     * held is in the records file. Caller holds both locks.
     *
     * @return the ring to keep the last records in from now on
     */
    LineRing replace(FileIdentity.Change change, Path records) {
        RecordJournal old = journal;
        Path journalPath = old.path();
        RecordJournal fresh = null;
        LineRing next;
        try {
            fresh = RecordJournal.open(journalPath);
            fresh.reset(size);
            journal = fresh;
            next = fresh;
            identity = FileIdentity.of(journalPath);
            LOG.error(
                    "the journal {} {} while in use: a new one was made at that path", journalPath, change.described());
        } catch (IOException | RuntimeException e) {
            Quietly.close(fresh);
            journal = null;
            identity = null;
            next = new MemoryRing(MemoryRing.DEFAULT_SIZE);
            LOG.error(
                    "the journal {} {} while in use and no new one can be made there ({}); decisions are written to"
                            + " {} directly from now on, one write per governed call",
                    journalPath,
                    change.described(),
                    e.toString(),
                    records);
        }
        Quietly.close(old);
        copied = 0;
        return next;
    }

    void close() throws IOException {
        if (journal != null) {
            journal.close();
        }
    }
}
