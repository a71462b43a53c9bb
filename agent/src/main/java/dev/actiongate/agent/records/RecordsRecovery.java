package dev.actiongate.agent.records;

import dev.actiongate.agent.digest.Sha256;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a records file to go on with its chain, after whatever the last process left: a part of
 * a line it was killed in the middle of writing, records still in its journal and not in the
 * file, a journal of a file that has since been moved away. Nothing is lost and nothing is
 * appended that does not continue the chain; what cannot be continued fails the open.
 */
final class RecordsRecovery {

    private static final Logger LOG = LoggerFactory.getLogger("actiongate");

    private RecordsRecovery() {}

    /**
     * A records file open for appending, as found and recovered.
     *
     * @param out          appends to the file
     * @param identity     which file {@code out} writes
     * @param lastHash     the hash its chain ends with, journal lines included
     * @param continuation the hash of its last record when opened, or {@code null} for a new file
     * @param journal      the journal to write decisions to, or {@code null} to write the file directly
     * @param unsealedKept where journal lines the key did not vouch for were kept, or {@code null}
     */
    record Opened(
            FileOutputStream out,
            FileIdentity identity,
            String lastHash,
            String continuation,
            RecordJournal journal,
            Path unsealedKept) {}

    /** Opens {@code absolute} (its folder exists), with a journal of {@code journalSize} bytes, none when 0. */
    static Opened open(Path absolute, int journalSize) throws IOException {
        return open(absolute, journalSize, null);
    }

    /**
     * As {@link #open(Path, int)}; with a sealing {@code key}, only journal lines it vouches for
     * are appended (see {@link SealedLines}), the rest kept in a file of their own.
     */
    static Opened open(Path absolute, int journalSize, SealingKey key) throws IOException {
        boolean existed = Files.exists(absolute);
        Path journalPath = RecordLog.journalOf(absolute);
        // The journal's lock first: while another process holds it, the file is that process's
        // to write, and a part of a line at its end may be a write still under way.
        RecordJournal journal = null;
        boolean otherWriter = false;
        if (journalSize > 0) {
            try {
                journal = RecordJournal.open(journalPath);
            } catch (RecordJournal.Locked e) {
                otherWriter = true;
                LOG.warn(
                        "{}: this process writes {} directly, without a journal; the two processes' records"
                                + " interleave, which breaks the hash chain where they do. Give every process a records"
                                + " file of its own",
                        e.getMessage(),
                        absolute);
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
            String continuation = lastHashIn(absolute);
            Recovered recovered = new Recovered(continuation == null ? RecordChain.GENESIS : continuation, null);
            if (journal != null) {
                try {
                    List<String> leftOver = journal.leftOver();
                    if (!leftOver.isEmpty()) {
                        recovered = recover(absolute, out, existed, recovered.lastHash(), leftOver, journalPath, key);
                    }
                } catch (IOException | RuntimeException e) {
                    journal.close();
                    journal = null;
                    cannotUse(journalPath, absolute, e);
                }
            }
            if (journal != null) {
                journal = claimed(journal, journalSize, journalPath, absolute);
            }
            return new Opened(out, identity, recovered.lastHash(), continuation, journal, recovered.unsealedKept());
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

    /** The hash of the last record of {@code file}, or {@code null} when it has none; fails when its last line is no record. */
    private static String lastHashIn(Path file) throws IOException {
        String last = FileTail.lastLine(file);
        if (last == null) {
            return null;
        }
        Object hash = null;
        try {
            hash = CanonicalJson.parse(last).get("hash");
        } catch (IOException ignored) {
            // reported below
        }
        if (!(hash instanceof String h) || h.length() != 64) {
            throw new IOException("the last line of " + file + " is not a decision record with a hash;"
                    + " its chain cannot be continued (run 'verify' on it, then move it aside)");
        }
        return h;
    }

    /**
     * Keeps journal lines that continue the chain after the last checkpoint the key sealed in a
     * file of their own, {@code <journal>.unsealed-<millis>}: the calls they record may have run,
     * but nothing tells them from lines written into the journal while no agent was running.
     *
     * @return that file, or {@code null} when there were none
     */
    private static Path keepUnsealed(Path journalPath, List<String> unsealed) throws IOException {
        if (unsealed.isEmpty()) {
            return null;
        }
        Path aside = journalPath.resolveSibling(journalPath.getFileName() + ".unsealed-" + System.currentTimeMillis());
        Files.write(aside, unsealed, StandardCharsets.UTF_8);
        LOG.warn(
                "{} holds {} records that continue the chain after the last checkpoint sealed by the key: nothing"
                        + " tells them from lines written into it after the process stopped, so they are not appended;"
                        + " kept in {}",
                journalPath,
                unsealed.size(),
                aside);
        return aside;
    }

    /**
     * The journal with its disk space claimed, or {@code null} when there is not that much room:
     * then the file is removed, since a journal half-claimed would be left behind filling the disk
     * that just ran out (what it held is in the records file by now).
     */
    private static RecordJournal claimed(RecordJournal journal, int size, Path journalPath, Path file)
            throws IOException {
        try {
            journal.reset(size);
            return journal;
        } catch (IOException | RuntimeException e) {
            journal.close();
            Files.deleteIfExists(journalPath);
            cannotUse(journalPath, file, e);
            return null;
        }
    }

    /** The journal only makes writing cheaper: without one, every decision is written to the file directly. */
    private static void cannotUse(Path journalPath, Path file, Exception cause) {
        LOG.warn(
                "the journal {} cannot be used ({}); decisions are written to {} directly, one write per governed"
                        + " call",
                journalPath,
                cause.toString(),
                file);
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
            long start = FileTail.lineStart(in, length);
            if (start == length) {
                return;
            }
            byte[] tail = new byte[(int) Math.min(length - start, Integer.MAX_VALUE)];
            in.seek(start);
            in.readFully(tail);
            Path aside = file.resolveSibling(file.getFileName() + ".torn-" + System.currentTimeMillis());
            Files.write(aside, tail);
            in.setLength(start);
            LOG.warn(
                    "{} ended in part of a line ({} bytes), left by a process stopped while writing it; moved to {}"
                            + " so that the chain goes on",
                    file,
                    tail.length,
                    aside);
        }
    }

    /**
     * What recovering a journal came to.
     *
     * @param lastHash     the hash the file's chain ends with now
     * @param unsealedKept where journal lines the key did not vouch for were kept, or {@code null}
     */
    record Recovered(String lastHash, Path unsealedKept) {}

    /**
     * Appends the journal lines that continue the records file's chain: what a process that
     * was killed had put in its journal and not yet in the file. The chain says which lines
     * those are, so nothing is appended twice and nothing foreign is appended at all.
     */
    private static Recovered recover(
            Path file,
            FileOutputStream out,
            boolean existed,
            String lastHash,
            List<String> leftOver,
            Path journalPath,
            SealingKey key)
            throws IOException {
        String hash = lastHash;
        Path kept = null;
        if (existed) {
            List<String> continuing = JournalLines.continuing(leftOver, lastHash);
            if (key != null) {
                int sealed = SealedLines.sealedPrefix(key, continuing);
                kept = keepUnsealed(journalPath, continuing.subList(sealed, continuing.size()));
                continuing = continuing.subList(0, sealed);
            }
            if (!continuing.isEmpty()) {
                StringBuilder missing = new StringBuilder();
                continuing.forEach(line -> missing.append(line).append('\n'));
                out.write(missing.toString().getBytes(StandardCharsets.UTF_8));
                hash = JournalLines.link(Sha256.newDigest(), continuing.get(continuing.size() - 1))
                        .hash();
                LOG.warn(
                        "appended {} records to {} from {}: the process that wrote them stopped before it could",
                        continuing.size(),
                        file,
                        journalPath);
            }
        }
        String journalEnd = JournalLines.lastHash(leftOver);
        if (journalEnd != null && !journalEnd.equals(hash) && kept == null) {
            // The records file was moved away or cut: the journal's lines belong to the file it
            // had, not to this one. Kept, since they may be the only copy.
            Path aside =
                    journalPath.resolveSibling(journalPath.getFileName() + ".orphaned-" + System.currentTimeMillis());
            Files.copy(journalPath, aside);
            LOG.warn(
                    "{} holds {} lines that do not continue {} (moved away or cut since); kept as {}",
                    journalPath,
                    leftOver.size(),
                    file,
                    aside);
        }
        return new Recovered(hash, kept);
    }
}
