package dev.actiongate.agent.records;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sealing key and checkpoints, in-process: evolution, seals, and what the verifier makes of them. */
class SealingTest {

    @TempDir
    Path dir;

    @Test
    void theKeyEvolvesAndForgetsAndTheSeedDerivesEveryEpoch() throws IOException {
        SealingKey.Created created = SealingKey.create(dir.resolve("k"));
        byte[] seed = HexFormat.of().parseHex(created.verificationKey());
        SealingKey key = created.key();
        assertEquals(SealingKey.fingerprintOf(seed), key.fingerprint());
        byte[] message = "m".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        String atZero = key.seal(message);
        key.evolve("a".repeat(64));
        key.evolve("b".repeat(64));
        assertEquals(2, key.epoch());
        assertEquals(SealingKey.mac(SealingKey.keyAt(seed, 2), message), key.seal(message));
        assertEquals(SealingKey.mac(seed, message), atZero);
        SealingKey reread = SealingKey.read(dir.resolve("k"));
        assertEquals(2, reread.epoch());
        assertEquals("b".repeat(64), reread.sealed());
        assertEquals(key.seal(message), reread.seal(message), "the key file holds the current key");
        assertFalse(Files.readString(dir.resolve("k")).contains(created.verificationKey()), "but not the seed");
        assertArrayEquals(SealingKey.keyAt(seed, 3), SealingKey.next(SealingKey.keyAt(seed, 2)));
    }

    @Test
    void aKeyFileOthersMayReadIsRefused() throws IOException {
        Path file = SealingKey.create(dir.resolve("k")).key().file();
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        IOException refused = assertThrows(IOException.class, () -> SealingKey.read(file));
        assertTrue(refused.getMessage().contains("chmod 600"), refused.getMessage());
    }

    @Test
    void aSealedLogVerifiesWithItsKeyAndNotWithAnother() throws IOException {
        SealingKey.Created created = SealingKey.create(dir.resolve("records.key"));
        Path records = dir.resolve("records.jsonl");
        List<String> trail = new ArrayList<>();
        try (RecordLog log = RecordLog.open(records, true, created.key(), "mailer", trail::add)) {
            log.announce("mailer", "host", 1);
            for (int i = 0; i < 3; i++) {
                log.append(Map.of("kind", "decision", "n", i), null);
            }
        }
        assertEquals(1, trail.size(), "closing sealed the records once");
        SealCheck good = new SealCheck(HexFormat.of().parseHex(created.verificationKey()), new TreeMap<>());
        assertTrue(ChainVerifier.verify(records, good).intact());
        assertTrue(good.verdict().holds(), good.verdict().description());

        SealCheck other = new SealCheck(new byte[32], new TreeMap<>());
        ChainVerifier.verify(records, other);
        assertFalse(other.verdict().holds());

        // a second run goes on from epoch 1 and resumes the chain
        try (RecordLog log =
                RecordLog.open(records, true, SealingKey.read(dir.resolve("records.key")), "mailer", trail::add)) {
            log.announce("mailer", "host", 2);
        }
        List<String> lines = Files.readAllLines(records);
        assertTrue(lines.get(5).contains("\"kind\":\"records_resumed\""), lines.get(5));
        assertTrue(lines.get(6).contains("\"epoch\":1"), lines.get(6));
        SealCheck again = new SealCheck(HexFormat.of().parseHex(created.verificationKey()), new TreeMap<>());
        ChainVerifier.verify(records, again);
        assertTrue(again.verdict().holds(), again.verdict().description());
    }

    @Test
    void anotherServicesFileIsRefused() throws IOException {
        Path records = dir.resolve("records.jsonl");
        SealingKey.Created theirs = SealingKey.create(dir.resolve("theirs.key"));
        try (RecordLog log = RecordLog.open(records, false, theirs.key(), "billing", line -> {})) {
            log.announce("billing", "host", 1);
        }
        SealingKey ours = SealingKey.create(dir.resolve("ours.key")).key();
        IOException refused =
                assertThrows(IOException.class, () -> RecordLog.open(records, false, ours, "mailer", line -> {}));
        assertTrue(refused.getMessage().contains("was begun under the sealing key"), refused.getMessage());
    }
}
