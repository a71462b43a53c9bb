package dev.actiongate.agent.digest;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256, the one digest ActionGate uses (record chain, policy hash, approval digest, reviewer
 * tokens), in the two forms its callers need: a digest to reuse on a hot path, and lower-case hex.
 */
public final class Sha256 {

    private static final HexFormat HEX = HexFormat.of();

    private Sha256() {}

    /** A fresh digest, for a caller that hashes often and keeps one per thread. */
    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            // Every Java SE platform must provide SHA-256; a JDK without it cannot run the agent.
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /** The digest of {@code bytes}. */
    public static byte[] of(byte[] bytes) {
        return newDigest().digest(bytes);
    }

    /** The digest of {@code bytes} as 64 lower-case hex digits. */
    public static String hex(byte[] bytes) {
        return HEX.formatHex(of(bytes));
    }
}
