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
    /** How far back from the end the last checkpoint is looked for: 10,000 records of 1.6 KB. */
    private static final int TAIL = 16 << 20;

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
     * Checks that {@code records} still holds the last checkpoint {@code key} sealed, and moves the
     * key past a checkpoint it sealed but was not moved on from: the key file is replaced only
     * after the checkpoint is written, and a kill in between leaves it one epoch behind.
     *
     * @return how many records follow the file's last checkpoint: a stopped process did not seal
     *     them, and this one seals them only now
     * @throws IOException when the file is not empty but lacks that checkpoint: it was cut,
     *     rewritten or replaced while no agent wrote it, and going on would hide that
     */
    static long catchUp(Path records, SealingKey key) throws IOException {
        if (!Files.isRegularFile(records) || Files.size(records) == 0) {
            return 0; // a new file (a rotation): nothing of this key's to look for in it
        }
        String[] lines = tail(records);
        String sealedEnd = "\"hash\":\"" + key.sealed() + "\"}";
        long after = 0;
        for (int i = lines.length - 1; i >= 0; i--) {
            Map<String, Object> checkpoint = ownCheckpoint(lines[i], key);
            if (checkpoint == null) {
                after += lines[i].isEmpty() ? 0 : 1;
                continue;
            }
            long epoch = ((Number) checkpoint.get("epoch")).longValue();
            String hash = (String) checkpoint.get("hash");
            if (epoch == key.epoch()) {
                LOG.warn(
                        "the sealing key {} was at epoch {} but {} holds its checkpoint of that epoch: the last"
                                + " process stopped before moving the key on; it moves on now",
                        key.file(),
                        key.epoch(),
                        records);
                key.evolve(hash);
            } else if (!lines[i].endsWith(sealedEnd)) {
                throw notSealedHere(records, key);
            }
            return after;
        }
        if (!RecordChain.GENESIS.equals(key.sealed())) {
            throw notSealedHere(records, key);
        }
        return after;
    }

    private static IOException notSealedHere(Path records, SealingKey key) {
        return new IOException("the records file " + records + " does not end with the last checkpoint the sealing key "
                + key.fingerprint() + " sealed (epoch " + (key.epoch() - 1) + ", hash " + key.sealed() + "): it was"
                + " cut, rewritten or replaced while no agent wrote it. Run verify --key on it, keep it as evidence,"
                + " and move it aside: the agent then begins a new file");
    }

    /** The checkpoint of {@code key} that {@code line} is, or {@code null}. */
    private static Map<String, Object> ownCheckpoint(String line, SealingKey key) {
        if (!line.contains("\"kind\":\"checkpoint\"")) {
            return null;
        }
        try {
            Map<String, Object> checkpoint = CanonicalJson.parse(line);
            return key.fingerprint().equals(checkpoint.get("key_fingerprint"))
                            && checkpoint.get("epoch") instanceof Number
                            && checkpoint.get("hash") instanceof String
                    ? checkpoint
                    : null;
        } catch (IOException partial) {
            return null;
        }
    }

    /** The lines of the file's last {@link #TAIL} bytes: the last checkpoint is within 10,000 records of the end. */
    private static String[] tail(Path records) throws IOException {
        try (RandomAccessFile in = new RandomAccessFile(records.toFile(), "r")) {
            long length = in.length();
            long from = Math.max(0, length - TAIL);
            byte[] tail = new byte[(int) (length - from)];
            in.seek(from);
            in.readFully(tail);
            return new String(tail, StandardCharsets.UTF_8).split("\n");
        }
    }
}
