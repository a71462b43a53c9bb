package dev.actiongate.agent.records;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Which of the lines a killed process left in its journal the key vouches for: those up to the
 * last checkpoint it sealed. The key file names that checkpoint's hash; a checkpoint of the key's
 * current epoch (the process was killed before moving the key on) is checked with the key itself.
 * Lines after it cannot be told from lines written into the journal after the process stopped.
 */
final class SealedLines {

    private static final HexFormat HEX = HexFormat.of();

    private SealedLines() {}

    /** How many of {@code lines}, a journal's lines in chain order, from the first, are sealed by {@code key}. */
    static int sealedPrefix(SealingKey key, List<String> lines) {
        int sealed = 0;
        for (int i = 0; i < lines.size(); i++) {
            Map<String, Object> record;
            try {
                record = CanonicalJson.parse(lines.get(i));
            } catch (IOException e) {
                break;
            }
            if (key.sealed().equals(record.get("hash")) || sealsWithCurrentKey(key, record)) {
                sealed = i + 1;
            }
        }
        return sealed;
    }

    private static boolean sealsWithCurrentKey(SealingKey key, Map<String, Object> record) {
        if (!"checkpoint".equals(record.get("kind"))
                || !key.fingerprint().equals(record.get("key_fingerprint"))
                || !(record.get("epoch") instanceof Number epoch)
                || epoch.longValue() != key.epoch()
                || !(record.remove("seal") instanceof String seal)
                || !(record.remove("prev_hash") instanceof String prev)) {
            return false;
        }
        record.remove("hash");
        byte[] message = RecordSealer.message(prev.getBytes(StandardCharsets.US_ASCII), CanonicalJson.bytes(record));
        return MessageDigest.isEqual(HEX.parseHex(key.seal(message)), HEX.parseHex(seal));
    }
}
