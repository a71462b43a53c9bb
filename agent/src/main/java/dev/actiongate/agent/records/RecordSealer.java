package dev.actiongate.agent.records;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Seals a records file's chain with checkpoint records: every {@link #EVERY_RECORDS} records or
 * every second, whichever comes first, and when the log closes. A checkpoint's {@code seal} is the
 * HMAC, under the {@link SealingKey} of its epoch, of its {@code prev_hash}, a newline and its own
 * canonical body without {@code seal}; since {@code prev_hash} commits to every record before it,
 * one seal covers them all. Each checkpoint is also handed to the checkpoint trail, a second
 * place the records file's writer cannot rewrite silently, so that records cut from the file's
 * end are missed.
 *
 * <p>Sealing runs on the background writer, never on a governed call.
 */
final class RecordSealer {

    /** Records between two checkpoints at most. */
    static final long EVERY_RECORDS = 10_000;

    private static final long EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** How long the last checkpoints may take to reach a trail that delivers later (a webhook) when the log closes. */
    static final Duration TRAIL_WAIT = Duration.ofSeconds(2);

    private final SealingKey key;
    private final CheckpointTrail.Sink trail;
    private final String file;
    /** How many records of the chain the last checkpoint sealed (itself included). */
    private long sealedCount;
    /** When the writer first saw a record after the last checkpoint; 0 when it has seen none. */
    private long firstUnsealedAt;

    /** Records the file held after its last checkpoint when this process opened it: sealed late, by this one. */
    private final long unsealedAtOpen;

    /** Where the journal lines this key did not vouch for were kept when the file was opened, or {@code null}. */
    private final Path unsealedKept;

    RecordSealer(SealingKey key, CheckpointTrail.Sink trail, String file, long unsealedAtOpen, Path unsealedKept) {
        this.unsealedKept = unsealedKept;
        this.key = key;
        this.trail = trail;
        this.file = file;
        this.unsealedAtOpen = unsealedAtOpen;
    }

    String fingerprint() {
        return key.fingerprint();
    }

    /**
     * Whether the records chained so far, {@code chained} in all, call for a checkpoint at
     * {@code now} (nanoseconds); {@code any}: whenever one is not sealed yet (the log closes).
     */
    boolean due(long chained, long now, boolean any) {
        long unsealed = chained - sealedCount;
        if (unsealed <= 0) {
            firstUnsealedAt = 0;
            return false;
        }
        if (any) {
            return true;
        }
        if (firstUnsealedAt == 0) {
            firstUnsealedAt = now;
        }
        return unsealed >= EVERY_RECORDS || now - firstUnsealedAt >= EVERY_NANOS;
    }

    /** The canonical body of a checkpoint that follows {@code prevHash} and seals {@code chained} records in all. */
    byte[] checkpoint(byte[] prevHash, long chained) {
        Map<String, Object> body = new TreeMap<>();
        body.put("kind", "checkpoint");
        body.put("epoch", key.epoch());
        body.put("key_fingerprint", key.fingerprint());
        body.put("records_file", file);
        body.put("records", chained - sealedCount);
        body.put("timestamp", Instant.now().toString());
        byte[] unsealed = CanonicalJson.bytes(body);
        body.put("seal", key.seal(message(prevHash, unsealed)));
        return CanonicalJson.bytes(body);
    }

    /** Logs a problem once while it lasts: the writer's reporter. */
    interface Problems {
        void report(String problem, String message, Throwable cause);
    }

    /**
     * Writes a checkpoint to {@code file} when one is due ({@code any}: whenever a record is not
     * sealed yet), then moves the key on and hands the checkpoint to the trail outside the records
     * lock: a governed call waits for neither the key file's write nor the trail.
     */
    synchronized void sealIfDue(RecordsFile file, boolean any, Problems problems) {
        String line;
        byte[] hash;
        long chained;
        synchronized (file) {
            chained = file.chained();
            if (!due(chained, System.nanoTime(), any)) {
                return;
            }
            ByteBuffer lines;
            try {
                lines = file.write(List.of(checkpoint(file.lastHash(), chained)));
            } catch (IOException e) {
                problems.report(e.toString(), "a checkpoint could not be written to " + this.file + ": " + e, null);
                return;
            }
            line = new String(lines.array(), 0, lines.limit() - 1, StandardCharsets.UTF_8);
            hash = file.lastHash();
            chained = file.chained();
        }
        try {
            sealed(line, hash, chained);
        } catch (IOException | RuntimeException e) {
            problems.report(
                    e.toString(),
                    "the sealing key could not be moved to its next epoch after a checkpoint in " + this.file + ": " + e
                            + "; the next start moves it on",
                    null);
        }
    }

    /**
     * The log closes, or the JVM stops: lets the checkpoints handed to the trail reach it, for at
     * most {@link #TRAIL_WAIT}, and, when {@code closing}, releases the trail.
     */
    void finishTrail(boolean closing) {
        try {
            trail.awaitDelivered(TRAIL_WAIT);
        } finally {
            if (closing) {
                trail.close();
            }
        }
    }

    /** What a seal is computed over: the previous hash, a newline, the body without {@code seal}. */
    static byte[] message(byte[] prevHash, byte[] body) {
        byte[] message = new byte[prevHash.length + 1 + body.length];
        System.arraycopy(prevHash, 0, message, 0, prevHash.length);
        message[prevHash.length] = '\n';
        System.arraycopy(body, 0, message, prevHash.length + 1, body.length);
        return message;
    }

    /**
     * The checkpoint written as {@code line}, with hash {@code hash}, the {@code chained}-th record
     * of the chain, is in the file's hands: the key moves to the next epoch, and the trail gets it.
     */
    private void sealed(String line, byte[] hash, long chained) throws IOException {
        sealedCount = chained;
        firstUnsealedAt = 0;
        trail.accept(line);
        key.evolve(new String(hash, StandardCharsets.US_ASCII));
    }

    /**
     * The record that names the log in its chain: {@code records_opened} for a new file, or
     * {@code records_resumed} naming the hash {@code resumes} a process goes on from.
     */
    Map<String, Object> identity(String resumes, String service, String host, long pid) {
        Map<String, Object> record = new TreeMap<>();
        record.put("kind", resumes == null ? "records_opened" : "records_resumed");
        record.put("service", service);
        record.put("host", host);
        record.put("pid", pid);
        record.put("key_fingerprint", key.fingerprint());
        record.put("key_epoch", key.epoch());
        record.put("records_file", file);
        record.put("timestamp", Instant.now().toString());
        if (resumes != null) {
            record.put("resumes_hash", resumes);
            record.put("unsealed_before", unsealedAtOpen);
            if (unsealedKept != null) {
                record.put("journal_unsealed_kept", unsealedKept.toString());
            }
        }
        return record;
    }
}
