package dev.actiongate.agent.records;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * The hash chain that makes records tamper-evident: each record's {@code hash} is the SHA-256 of
 * the previous record's hash, a newline, and the record's canonical JSON without
 * {@code prev_hash} and {@code hash}. Editing, deleting or reordering any line breaks the chain
 * from there on. The first record of a file links to {@link #GENESIS}.
 */
public final class RecordChain {

    /** {@code prev_hash} of the first record in a file. */
    public static final String GENESIS = "0".repeat(64);

    private static final HexFormat HEX = HexFormat.of();

    private RecordChain() {}

    /** The hash of a record whose canonical body is {@code body} and whose predecessor hashed to {@code prevHash}. */
    public static String link(MessageDigest sha256, String prevHash, byte[] body) {
        sha256.reset();
        sha256.update(prevHash.getBytes(StandardCharsets.US_ASCII));
        sha256.update((byte) '\n');
        sha256.update(body);
        return HEX.formatHex(sha256.digest());
    }

    /** As {@link #link(MessageDigest, String, byte[])}, on and to hex ASCII bytes: what the writer puts in a line. */
    static byte[] link(MessageDigest sha256, byte[] prevHashHex, byte[] body) {
        sha256.reset();
        sha256.update(prevHashHex);
        sha256.update((byte) '\n');
        sha256.update(body);
        byte[] digest = sha256.digest();
        byte[] hex = new byte[digest.length * 2];
        for (int i = 0; i < digest.length; i++) {
            hex[2 * i] = HEX_DIGITS[(digest[i] >> 4) & 0xF];
            hex[2 * i + 1] = HEX_DIGITS[digest[i] & 0xF];
        }
        return hex;
    }

    private static final byte[] HEX_DIGITS = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
}
