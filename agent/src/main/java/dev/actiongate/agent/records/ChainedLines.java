package dev.actiongate.agent.records;

import dev.actiongate.agent.digest.Sha256;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns canonical record bodies into chained lines and back, byte for byte: a line is its body
 * without the closing brace, then {@code ,"prev_hash":"…","hash":"…"}} and a newline. Building
 * the line from bytes, rather than parsing and re-serialising, keeps an allowed call cheap.
 * Not thread-safe: the holder of the records lock uses one.
 */
final class ChainedLines {

    private static final byte[] PREV_HASH = ",\"prev_hash\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HASH = "\",\"hash\":\"".getBytes(StandardCharsets.US_ASCII);
    /** How every chained line ends. */
    static final byte[] END = "\"}\n".getBytes(StandardCharsets.US_ASCII);
    /** How many bytes chaining adds to a body. */
    static final int LINK_LENGTH = PREV_HASH.length + 64 + HASH.length + 64 + END.length - 1;

    private final MessageDigest sha256 = Sha256.newDigest();

    /** Appends {@code body} to {@code buffer} as a line chained from {@code prev}; returns its hash. */
    byte[] put(ByteBuffer buffer, byte[] prev, byte[] body) {
        byte[] hash = RecordChain.link(sha256, prev, body);
        buffer.put(body, 0, body.length - 1)
                .put(PREV_HASH)
                .put(prev)
                .put(HASH)
                .put(hash)
                .put(END);
        return hash;
    }

    /** The lines of {@code bodies} chained from {@code prev}, and the hash the chain then ends with. */
    Chained chain(byte[] prev, List<byte[]> bodies) {
        int size = 0;
        for (byte[] body : bodies) {
            size += body.length + LINK_LENGTH;
        }
        ByteBuffer lines = ByteBuffer.allocate(size);
        byte[] end = prev;
        for (byte[] body : bodies) {
            end = put(lines, end, body);
        }
        lines.flip();
        return new Chained(lines, end);
    }

    /** Chained lines ready to be written, and the hash of the last. */
    record Chained(ByteBuffer lines, byte[] lastHash) {}

    /** The canonical bodies of the chained lines in {@code lines}: without {@code prev_hash} and {@code hash}. */
    static List<byte[]> bodies(byte[] lines) {
        List<byte[]> bodies = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < lines.length; i++) {
            if (lines[i] == '\n') {
                int length = i + 1 - start - LINK_LENGTH;
                byte[] body = new byte[length];
                System.arraycopy(lines, start, body, 0, length - 1);
                body[length - 1] = '}';
                bodies.add(body);
                start = i + 1;
            }
        }
        return bodies;
    }
}
