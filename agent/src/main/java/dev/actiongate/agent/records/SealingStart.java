package dev.actiongate.agent.records;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a sealed log checks when it opens a records file: that the file is this log's (its first
 * record names the same key and service), and that the key did not fall behind the file (the
 * process was killed between writing a checkpoint and moving the key to the next epoch).
 */
final class SealingStart {

    private static final Logger LOG = LoggerFactory.getLogger("actiongate");
    /** How far back from the end the last checkpoint is looked for: a kill leaves it among the last lines. */
    private static final int TAIL = 4 << 20;

    private SealingStart() {}

    /**
     * Refuses to continue a file that another key or service began: two services' files swapped,
     * or a file copied from another host, would otherwise go on as if they were this log.
     */
    static void checkOwner(Path records, String fingerprint, String service) throws IOException {
        if (!Files.isRegularFile(records) || Files.size(records) == 0) {
            return;
        }
        String first;
        try (BufferedReader reader = Files.newBufferedReader(records, StandardCharsets.UTF_8)) {
            first = reader.readLine();
        }
        Map<String, Object> record;
        try {
            record = CanonicalJson.parse(first == null ? "" : first);
        } catch (IOException notJson) {
            return; // not this check's to judge: opening the chain reports a bad file
        }
        Object theirs = record.get("key_fingerprint");
        if (theirs != null && !theirs.equals(fingerprint)) {
            throw new IOException("the records file " + records + " was begun under the sealing key " + theirs
                    + (record.get("service") == null ? "" : " by service " + record.get("service"))
                    + ", not this agent's key " + fingerprint + ": it is another log (swapped, copied or restored"
                    + " from elsewhere). Run verify on it, move it aside, or give this service its own records file");
        }
        Object theirService = record.get("service");
        if (theirs != null && service != null && theirService != null && !theirService.equals(service)) {
            throw new IOException("the records file " + records + " is the log of service " + theirService + ", not of "
                    + service + ": give each service a records file of its own");
        }
    }

    /**
     * Moves {@code key} past the last checkpoint it sealed in {@code records}: the key file is
     * replaced only after the checkpoint is written, and a kill in between leaves the key one epoch
     * behind, which would seal two checkpoints with one epoch's key.
     *
     * @return how many records follow that checkpoint (all of the file's last 4 MB when none is
     *     there): a stopped process did not seal them, and this one seals them only now
     */
    static long catchUp(Path records, SealingKey key) throws IOException {
        if (!Files.isRegularFile(records)) {
            return 0;
        }
        String[] lines;
        try (RandomAccessFile in = new RandomAccessFile(records.toFile(), "r")) {
            long length = in.length();
            long from = Math.max(0, length - TAIL);
            byte[] tail = new byte[(int) (length - from)];
            in.seek(from);
            in.readFully(tail);
            lines = new String(tail, StandardCharsets.UTF_8).split("\n");
        }
        long after = 0;
        for (int i = lines.length - 1; i >= 0; i--) {
            if (!lines[i].contains("\"kind\":\"checkpoint\"")) {
                after += lines[i].isEmpty() ? 0 : 1;
                continue;
            }
            Map<String, Object> checkpoint;
            try {
                checkpoint = CanonicalJson.parse(lines[i]);
            } catch (IOException partial) {
                continue;
            }
            if (key.fingerprint().equals(checkpoint.get("key_fingerprint"))
                    && checkpoint.get("epoch") instanceof Number epoch
                    && checkpoint.get("hash") instanceof String hash) {
                if (epoch.longValue() >= key.epoch()) {
                    LOG.warn(
                            "the sealing key {} was at epoch {} but {} holds a checkpoint of epoch {}: the last process"
                                    + " stopped before moving the key on; it moves on now",
                            key.file(),
                            key.epoch(),
                            records,
                            epoch);
                    while (key.epoch() <= epoch.longValue()) {
                        key.evolve(hash);
                    }
                }
                return after;
            }
            after++;
        }
        return after;
    }
}
