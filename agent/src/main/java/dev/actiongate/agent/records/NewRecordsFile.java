package dev.actiongate.agent.records;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the file a records log goes on in when the one it wrote was deleted, moved away or
 * replaced: its first record, {@code records_continued}, is chained from the hash of the last
 * record known to be in the old file and names that file; the records not known to be there
 * follow, chained anew.
 */
final class NewRecordsFile {

    private static final Logger LOG = LoggerFactory.getLogger("actiongate");

    private NewRecordsFile() {}

    /**
     * The new file, open for appending.
     *
     * @param out       appends to it
     * @param identity  which file that is
     * @param lastHash  the hash its chain ends with, as hex ASCII
     * @param rewritten how many records were written again after the continuation record
     */
    record Started(FileOutputStream out, FileIdentity identity, byte[] lastHash, int rewritten) {}

    /**
     * Makes the new file at {@code path} and writes its first lines.
     *
     * @param old          the file that was there
     * @param change       what happened to it
     * @param previousHash the hash of the last record known to be in it
     * @param unconfirmed  chained lines written after that record, to be written again
     * @param writerFields who writes: service, host, pid
     */
    static Started start(
            Path path,
            FileIdentity old,
            FileIdentity.Change change,
            String previousHash,
            byte[] unconfirmed,
            Map<String, Object> writerFields,
            ChainedLines chain)
            throws IOException {
        FileOutputStream fresh = null;
        try {
            fresh = open(path, previousHash);
            FileIdentity identity = FileIdentity.of(path);
            List<byte[]> bodies = ChainedLines.bodies(unconfirmed);
            int again = bodies.size();
            Map<String, Object> continued = new HashMap<>(writerFields);
            continued.put("kind", "records_continued");
            continued.put("previous_file", path.toString());
            continued.put("previous_file_key", old.describe());
            continued.put("previous_hash", previousHash);
            continued.put("reason", change.reason());
            continued.put("rewritten", again);
            continued.put("timestamp", Timestamps.now());
            bodies.add(0, CanonicalJson.bytes(continued));
            ChainedLines.Chained chained = chain.chain(previousHash.getBytes(StandardCharsets.US_ASCII), bodies);
            ByteBuffer lines = chained.lines();
            fresh.write(lines.array(), 0, lines.limit());
            return new Started(fresh, identity, chained.lastHash(), again);
        } catch (IOException | RuntimeException e) {
            Quietly.close(fresh);
            throw e;
        }
    }

    /**
     * A file for the log to go on in at its path: a new one; the one there when it ends with
     * {@code previousHash} (a copy of this one put in its place); any other file there is not
     * this chain's to append to and is moved aside, with a WARN.
     */
    private static FileOutputStream open(Path path, String previousHash) throws IOException {
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
            // A FIFO would block every governed call on open; a link to /dev/null would swallow
            // every record while confirming it as written. Neither is a records file.
            throw new IOException(path + " is now a " + (Files.isSymbolicLink(path) ? "symbolic link" : "special file")
                    + ", not a regular file; records are not written through it");
        }
        if (Files.isRegularFile(path) && Files.size(path) > 0) {
            String last = FileTail.lastLine(path);
            Object hash = null;
            try {
                hash = last == null ? null : CanonicalJson.parse(last).get("hash");
            } catch (IOException ignored) {
                // not a record: moved aside below
            }
            if (!previousHash.equals(hash)) {
                Path aside = path.resolveSibling(path.getFileName() + ".foreign-" + System.currentTimeMillis());
                Files.move(path, aside);
                LOG.warn(
                        "{} was replaced by a file that does not continue its chain; that file was moved to {}",
                        path,
                        aside);
            }
        }
        return new FileOutputStream(path.toFile(), true);
    }
}
