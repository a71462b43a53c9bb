package dev.actiongate.agent.approvals;

import dev.actiongate.agent.records.SealingKey;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

/**
 * The key that seals the approvals store's lines, in an owner-only file beside the store
 * ({@code <store>.key}), made when missing. Each line carries the HMAC-SHA256, under this key, of
 * the seal of the line before it and the line's own bytes, so a line written or edited by someone
 * without the key, or moved, is found at open. It does not stop whoever can read the key file (the
 * service's own user): against them, the store is checked against the decision records.
 */
final class StoreKey {

    /** What the first line of a store file is chained to. */
    static final String GENESIS = "0".repeat(64);

    private static final String FORMAT = "actiongate-approvals-key-1";
    private static final HexFormat HEX = HexFormat.of();
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final Path file;
    private final byte[] key;
    private final boolean made;

    private StoreKey(Path file, byte[] key, boolean made) {
        this.file = file;
        this.key = key;
        this.made = made;
    }

    /** The key file of {@code store}: {@code approvals.jsonl} → {@code approvals.jsonl.key}. */
    static Path fileOf(Path store) {
        return store.resolveSibling(store.getFileName() + ".key");
    }

    /** Reads the key of {@code store}, or makes one when its file is missing. */
    static StoreKey openOrCreate(Path store) throws IOException {
        Path file = fileOf(store);
        return Files.exists(file) ? read(file) : create(file);
    }

    private static StoreKey create(Path file) throws IOException {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } catch (UnsupportedOperationException noPosix) {
            Files.createFile(file);
        } catch (FileAlreadyExistsException e) {
            throw new IOException("the approvals store key " + file + " appeared while it was being made", e);
        }
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE)) {
            out.write(ByteBuffer.wrap(
                    (FORMAT + " key=" + HEX.formatHex(key) + "\n").getBytes(StandardCharsets.US_ASCII)));
            out.force(true);
        }
        return new StoreKey(file, key, true);
    }

    /**
     * Reads the key file {@code file} to check a store's seals with ({@code verify}), wherever it
     * is kept and however it may be read: checking seals makes none.
     */
    static StoreKey forChecking(Path file) throws IOException {
        return parse(file);
    }

    /** Refuses a key file others may read or write, as ssh refuses such a private key. */
    private static StoreKey read(Path file) throws IOException {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            if (!OWNER_ONLY.containsAll(permissions)) {
                throw new IOException("the approvals store key " + file + " is readable or writable by others ("
                        + PosixFilePermissions.toString(permissions) + "): make it owner-only with chmod 600 "
                        + file);
            }
        } catch (UnsupportedOperationException noPosix) {
            // a file system without POSIX permissions: nothing to check
        }
        return parse(file);
    }

    private static StoreKey parse(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
        String prefix = FORMAT + " key=";
        try {
            if (!text.startsWith(prefix) || text.length() != prefix.length() + 64) {
                throw new IllegalArgumentException("expected '" + FORMAT + " key=<64 hex digits>'");
            }
            return new StoreKey(file, HEX.parseHex(text.substring(prefix.length())), false);
        } catch (IllegalArgumentException e) {
            throw new IOException("the approvals store key " + file + " is damaged: " + e.getMessage(), e);
        }
    }

    /** The seal of a line whose bytes are {@code body}, after a line sealed {@code previous}. */
    String seal(String previous, byte[] body) {
        byte[] head = (previous + "\n").getBytes(StandardCharsets.US_ASCII);
        byte[] message = new byte[head.length + body.length];
        System.arraycopy(head, 0, message, 0, head.length);
        System.arraycopy(body, 0, message, head.length, body.length);
        return SealingKey.mac(key, message);
    }

    /** Whether {@code seal} is the seal of {@code body} after {@code previous}, compared in constant time. */
    boolean holds(String seal, String previous, byte[] body) {
        return MessageDigest.isEqual(
                seal.getBytes(StandardCharsets.US_ASCII), seal(previous, body).getBytes(StandardCharsets.US_ASCII));
    }

    /** Whether this start made the key: then no line written before can be sealed by it. */
    boolean made() {
        return made;
    }

    Path file() {
        return file;
    }
}
