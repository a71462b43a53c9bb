package dev.actiongate.agent.records;

import dev.actiongate.agent.digest.Sha256;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which lines a journal holds that continue a records file's chain. A killed process leaves its
 * journal as it was: lines already in the file, lines not yet there, and maybe lines of a file
 * that has since been moved away. Only the chain says which are which, so only lines whose hash
 * holds and whose {@code prev_hash} follows on are taken, in chain order.
 */
final class JournalLines {

    private JournalLines() {}

    /** A line's place in the chain: the hash it follows and its own. */
    record Link(String previous, String hash) {}

    /** The lines of {@code lines} that continue the chain from {@code lastHash}, in chain order. */
    static List<String> continuing(List<String> lines, String lastHash) {
        Map<String, String> byPrevious = new HashMap<>();
        Map<String, String> hashOf = new HashMap<>();
        MessageDigest sha256 = Sha256.newDigest();
        for (String line : lines) {
            Link link = link(sha256, line);
            if (link != null) {
                byPrevious.put(link.previous(), line);
                hashOf.put(line, link.hash());
            }
        }
        List<String> continuing = new ArrayList<>();
        String hash = lastHash;
        String line;
        while ((line = byPrevious.remove(hash)) != null) {
            continuing.add(line);
            hash = hashOf.get(line);
        }
        return continuing;
    }

    /** The hash the last line of {@code lines} whose hash holds ends with, or {@code null} when none does. */
    static String lastHash(List<String> lines) {
        MessageDigest sha256 = Sha256.newDigest();
        for (int i = lines.size() - 1; i >= 0; i--) {
            Link link = link(sha256, lines.get(i));
            if (link != null) {
                return link.hash();
            }
        }
        return null;
    }

    /** A line's {@code prev_hash} and {@code hash}, or {@code null} when its hash does not hold. */
    static Link link(MessageDigest sha256, String line) {
        try {
            Map<String, Object> record = CanonicalJson.parse(line);
            if (record.remove("prev_hash") instanceof String prev
                    && record.remove("hash") instanceof String hash
                    && RecordChain.link(sha256, prev, CanonicalJson.bytes(record))
                            .equals(hash)) {
                return new Link(prev, hash);
            }
        } catch (IOException | RuntimeException ignored) {
            // a torn or foreign line: not ours to append
        }
        return null;
    }
}
