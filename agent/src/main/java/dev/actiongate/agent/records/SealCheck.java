package dev.actiongate.agent.records;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Checks a records file's seals with the verification key, as {@link ChainVerifier} walks it:
 * the file begins with a record that names the key, every checkpoint's epoch follows the one
 * before, each seal holds under its epoch's key, and no record follows the last checkpoint.
 * Given a checkpoint trail, also that every checkpoint it holds for this key is in the file
 * unchanged, and that the file goes on to the last one: records cut from the file's end, with
 * their checkpoints, are missed otherwise.
 *
 * <p>A re-hashed chain breaks every seal after the change, since a seal covers its
 * {@code prev_hash}; a forged checkpoint needs the key of its epoch, which the agent erased
 * when it moved on.
 */
public final class SealCheck {

    private static final HexFormat HEX = HexFormat.of();
    /** A checkpoint a second for three years: deriving a larger epoch's key would be a hostile file's stall. */
    private static final long MAX_EPOCH = 100_000_000L;

    private final byte[] seed;
    private final String fingerprint;
    private final NavigableMap<Long, String> trail;
    private long lastEpoch = -1;
    private byte[] key;
    private long records;
    private long sealed;
    private long unsealed;
    private String problem;
    private long problemLine;
    private final StringBuilder lateSealed = new StringBuilder();

    /**
     * @param verificationKey the seed, as printed when the key file was made
     * @param trail           checkpoint hashes by epoch from the trail, for this key; empty when none was given
     */
    public SealCheck(byte[] verificationKey, NavigableMap<Long, String> trail) {
        this.seed = verificationKey.clone();
        this.fingerprint = SealingKey.fingerprintOf(seed);
        this.trail = new TreeMap<>(trail);
    }

    /** The fingerprint of the verification key: what checkpoints and identity records name. */
    public String fingerprint() {
        return fingerprint;
    }

    /** The next record of the chain, at {@code line}, with its body (without the two hashes) and hashes. */
    void accept(long line, Map<String, Object> body, String prevHash, String hash) {
        if (problem != null) {
            return;
        }
        records++;
        Object kind = body.get("kind");
        if (records == 1 && !fingerprint.equals(body.get("key_fingerprint"))) {
            fail(
                    line,
                    "the file does not begin with a record naming the sealing key " + fingerprint
                            + " (records_opened, records_resumed or records_continued): it is not this key's log, or its"
                            + " beginning was cut");
            return;
        }
        if ("records_resumed".equals(kind)
                && body.get("unsealed_before") instanceof Number late
                && late.longValue() > 0) {
            lateSealed
                    .append(' ')
                    .append(late)
                    .append(" records before line ")
                    .append(line)
                    .append(" were sealed only when a process went on with the file (the one before stopped"
                            + " before sealing them): they are as trustworthy as the host was then.");
        }
        if (!"checkpoint".equals(kind)) {
            unsealed++;
            return;
        }
        checkpoint(line, body, prevHash, hash);
    }

    private void checkpoint(long line, Map<String, Object> body, String prevHash, String hash) {
        if (!fingerprint.equals(body.get("key_fingerprint"))) {
            fail(line, "a checkpoint sealed with another key (" + body.get("key_fingerprint") + ")");
            return;
        }
        if (!(body.get("epoch") instanceof Number number) || !(body.get("seal") instanceof String seal)) {
            fail(line, "a checkpoint without epoch or seal");
            return;
        }
        long epoch = number.longValue();
        if (epoch < 0 || epoch > MAX_EPOCH) {
            fail(line, "a checkpoint of epoch " + epoch + ", beyond any a key reaches (at most " + MAX_EPOCH + ")");
            return;
        }
        if (lastEpoch >= 0 && epoch != lastEpoch + 1) {
            fail(
                    line,
                    "checkpoint of epoch " + epoch + " follows epoch " + lastEpoch
                            + ": checkpoints, and the records they sealed, were removed or reordered");
            return;
        }
        key = lastEpoch < 0 ? SealingKey.keyAt(seed, epoch) : SealingKey.next(key);
        Map<String, Object> unsealedBody = new TreeMap<>(body);
        unsealedBody.remove("seal");
        byte[] message =
                RecordSealer.message(prevHash.getBytes(StandardCharsets.US_ASCII), CanonicalJson.bytes(unsealedBody));
        if (!MessageDigest.isEqual(HEX.parseHex(seal), HEX.parseHex(SealingKey.mac(key, message)))) {
            fail(
                    line,
                    "the seal of the checkpoint of epoch " + epoch + " does not hold: the records before it"
                            + " were altered and re-hashed, or the checkpoint is forged");
            return;
        }
        String known = trail.get(epoch);
        if (known != null && !known.equals(hash)) {
            fail(
                    line,
                    "the checkpoint of epoch " + epoch + " differs from the one in the checkpoint trail (hash " + known
                            + ")");
            return;
        }
        lastEpoch = epoch;
        sealed += unsealed + 1;
        unsealed = 0;
    }

    private void fail(long line, String why) {
        problem = why;
        problemLine = line;
    }

    /**
     * What the seals say of the whole file, once walked.
     *
     * @param holds       whether every record is sealed, and the trail (if any) agrees
     * @param description in a sentence
     */
    public record Verdict(boolean holds, String description) {}

    public Verdict verdict() {
        if (problem != null) {
            return new Verdict(false, "line " + problemLine + ": " + problem);
        }
        if (records == 0) {
            return new Verdict(false, "no records, so nothing sealed");
        }
        Long beyond = trail.isEmpty() ? null : trail.higherKey(lastEpoch);
        if (beyond != null) {
            return new Verdict(
                    false,
                    "records are missing from the end: the checkpoint trail holds the checkpoint of epoch " + beyond
                            + " (hash " + trail.get(beyond) + ")" + (trail.lastKey() > beyond ? " and later ones" : "")
                            + ", which the file does not; the file ends at "
                            + (lastEpoch < 0 ? "no checkpoint" : "epoch " + lastEpoch));
        }
        if (lastEpoch < 0) {
            return new Verdict(false, "no checkpoint: none of the " + records + " records is sealed");
        }
        if (unsealed > 0) {
            return new Verdict(
                    false,
                    "the last " + unsealed + " records follow the last checkpoint (epoch " + lastEpoch
                            + ") and are not sealed: a running writer seals them within a second; one that was"
                            + " stopped did not, and a line added since cannot be told from them");
        }
        return new Verdict(
                true,
                "sealed: all " + sealed + " records under key " + fingerprint + ", checkpoints to epoch " + lastEpoch
                        + (trail.isEmpty() ? "" : ", in agreement with the checkpoint trail")
                        + (lateSealed.isEmpty() ? "" : "." + lateSealed));
    }
}
