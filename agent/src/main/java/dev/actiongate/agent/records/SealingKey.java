package dev.actiongate.agent.records;

import dev.actiongate.agent.digest.Sha256;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.LoggerFactory;

/**
 * The forward-secure key that seals a records file's checkpoints, kept in its key file.
 *
 * <p>The key evolves: the key of epoch {@code e + 1} is the SHA-256 of a label and the key of
 * epoch {@code e}, and each checkpoint is sealed with the key of its own epoch, after which the
 * key file holds the next one only. Someone who takes the key file today can seal from today's
 * epoch on, but cannot compute an earlier key, so cannot reseal what was sealed before. The
 * seed (epoch 0's key) is the verification key: printed once when the key file is made, and
 * kept away from the host, it lets {@code verify} derive every epoch's key.
 *
 * <p>Not thread-safe: the records writer's sealing lock guards it.
 */
public final class SealingKey {

    private static final String FORMAT = "actiongate-sealing-key-1";
    private static final byte[] EVOLVE = "actiongate evolve\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FINGERPRINT = "actiongate fingerprint\n".getBytes(StandardCharsets.US_ASCII);
    private static final HexFormat HEX = HexFormat.of();
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final Path file;
    private final String fingerprint;
    private long epoch;
    private byte[] key;
    /** The hash of the last checkpoint this key sealed, or the genesis hash before the first. */
    private String sealed;

    private SealingKey(Path file, String fingerprint, long epoch, byte[] key, String sealed) {
        this.file = file;
        this.fingerprint = fingerprint;
        this.epoch = epoch;
        this.key = key;
        this.sealed = sealed;
    }

    /**
     * A new key file at {@code file}, owner-only, with a fresh random seed, which is returned
     * once as {@link Created#verificationKey()} and not kept anywhere.
     */
    public static Created create(Path file) throws IOException {
        byte[] seed = new byte[32];
        new SecureRandom().nextBytes(seed);
        SealingKey key = new SealingKey(file, fingerprintOf(seed), 0, seed.clone(), RecordChain.GENESIS);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } catch (UnsupportedOperationException noPosix) {
            Files.createFile(file);
        } catch (FileAlreadyExistsException e) {
            throw new IOException("the sealing key file " + file + " appeared while it was being made", e);
        }
        key.store();
        return new Created(key, HEX.formatHex(seed));
    }

    /**
     * A key file just made, and its verification key.
     *
     * @param key             the key, at epoch 0
     * @param verificationKey the seed in hex: whoever holds it can check (and forge) every seal
     */
    public record Created(SealingKey key, String verificationKey) {}

    /**
     * The key in {@code file}, or a new one made there when there is none: its verification key is
     * logged this once, and kept nowhere.
     */
    public static SealingKey openOrCreate(Path file) throws IOException {
        if (Files.exists(file)) {
            return read(file);
        }
        Created created = create(file);
        // INFO, not WARN: a first start is no fault, but the line is the only place the key is ever shown.
        LoggerFactory.getLogger("actiongate")
                .info(
                        "made the sealing key {} (fingerprint {}) that seals the decision records. Its verification"
                                + " key, shown this once and kept nowhere: {} -- store it away from this host;"
                                + " verify --key checks the records' seals with it",
                        file.toAbsolutePath(),
                        created.key().fingerprint(),
                        created.verificationKey());
        return created.key();
    }

    /** Reads the key file at {@code file}; refuses one that others may read, as ssh does with keys. */
    public static SealingKey read(Path file) throws IOException {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            if (!OWNER_ONLY.containsAll(permissions)) {
                throw new IOException("the sealing key file " + file + " is readable or writable by others ("
                        + PosixFilePermissions.toString(permissions) + "): make it owner-only with chmod 600 "
                        + file);
            }
        } catch (UnsupportedOperationException noPosix) {
            // a file system without POSIX permissions: nothing to check
        }
        String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
        String[] fields = text.split(" ");
        if (fields.length != 5 || !fields[0].equals(FORMAT)) {
            throw new IOException("the sealing key file " + file + " is not an ActionGate sealing key (" + FORMAT
                    + " fingerprint=… epoch=… key=… sealed=…)");
        }
        try {
            return new SealingKey(
                    file,
                    field(fields[1], "fingerprint"),
                    Long.parseLong(field(fields[2], "epoch")),
                    HEX.parseHex(field(fields[3], "key")),
                    field(fields[4], "sealed"));
        } catch (IllegalArgumentException e) {
            throw new IOException("the sealing key file " + file + " is damaged: " + e.getMessage(), e);
        }
    }

    private static String field(String text, String name) {
        if (!text.startsWith(name + "=")) {
            throw new IllegalArgumentException("expected " + name + "=, found " + text);
        }
        return text.substring(name.length() + 1);
    }

    /** Names the seed without revealing it: recorded in every checkpoint and identity record. */
    public static String fingerprintOf(byte[] seed) {
        byte[] digest = Sha256.of(concat(FINGERPRINT, seed));
        return HEX.formatHex(digest, 0, 8);
    }

    /** The key of {@code epoch} derived from the seed: what a verifier does. */
    public static byte[] keyAt(byte[] seed, long epoch) {
        byte[] key = seed.clone();
        for (long e = 0; e < epoch; e++) {
            key = next(key);
        }
        return key;
    }

    /** The key of the epoch after the one {@code key} belongs to. */
    public static byte[] next(byte[] key) {
        return Sha256.of(concat(EVOLVE, key));
    }

    /** HMAC-SHA256 of {@code message} under {@code key}, in hex. */
    public static String mac(byte[] key, byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return HEX.formatHex(mac.doFinal(message));
        } catch (GeneralSecurityException e) {
            // Every Java SE platform must provide HmacSHA256.
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }

    public String fingerprint() {
        return fingerprint;
    }

    public long epoch() {
        return epoch;
    }

    /** The hash of the last checkpoint sealed, or the genesis hash before the first. */
    public String sealed() {
        return sealed;
    }

    public Path file() {
        return file;
    }

    /** The seal of {@code message} under this epoch's key. */
    public String seal(byte[] message) {
        return mac(key, message);
    }

    /**
     * Moves to the next epoch after a checkpoint with hash {@code checkpointHash} was sealed: the key
     * file is replaced with the next key before the old one is wiped from memory.
     */
    public void evolve(String checkpointHash) throws IOException {
        byte[] old = key;
        key = next(old);
        epoch++;
        sealed = checkpointHash;
        store();
        Arrays.fill(old, (byte) 0);
    }

    /** Writes the key file anew: a temporary owner-only file, forced to disk, then moved over the old one. */
    private void store() throws IOException {
        Path absolute = file.toAbsolutePath();
        Path temporary = absolute.resolveSibling(absolute.getFileName() + ".new");
        Files.deleteIfExists(temporary);
        try {
            Files.createFile(temporary, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } catch (UnsupportedOperationException noPosix) {
            Files.createFile(temporary);
        }
        String text = String.join(
                        " ",
                        FORMAT,
                        "fingerprint=" + fingerprint,
                        "epoch=" + epoch,
                        "key=" + HEX.formatHex(key),
                        "sealed=" + sealed)
                + "\n";
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
            channel.force(true);
        }
        try {
            Files.move(temporary, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
