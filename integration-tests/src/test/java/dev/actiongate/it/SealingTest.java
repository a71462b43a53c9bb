package dev.actiongate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actiongate.it.apps.BasicApp;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sealed records as an attacker who can write the files would try them: cut, re-hashed after
 * dropping the denials, re-spelt with a duplicated key, swapped with another service's; each is
 * reported by {@code verify} with the verification key and the checkpoint trail, and a swapped
 * file is refused by the agent.
 */
class SealingTest {

    private static final Pattern VERIFICATION_KEY = Pattern.compile("kept nowhere: ([0-9a-f]{64})");
    private static final String POLICY = """
            version: "it-sealing-1"
            default: allow
            rules:
              - id: no-deletes
                action: delete_file
                verdict: deny
            """;

    @TempDir
    Path dir;

    private final Jdk jdk = Jdk.running();
    private Path records;
    private Path trail;
    private String key;

    /** One service's run: its records, its key's verification key (from the log), its checkpoint trail. */
    @BeforeEach
    void aServiceRan() throws Exception {
        records = dir.resolve("records.jsonl");
        trail = dir.resolve("checkpoints.log");
        AgentApp.Result run = app("mailer", records, trail).run();
        run.assertExit(0);
        Matcher matcher =
                VERIFICATION_KEY.matcher(run.run().stderr() + run.run().stdout());
        assertTrue(
                matcher.find(),
                "the verification key is shown once when the key is made\n"
                        + run.run().describe());
        key = matcher.group(1);
        assertEquals(
                "rw-------",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("records.jsonl.key"))),
                "the key file is the owner's only");
        assertFalse(
                Files.readString(dir.resolve("records.jsonl.key")).contains(key), "the key file never holds the seed");
    }

    private AgentApp app(String service, Path recordsFile, Path trailFile) {
        return AgentApp.on(jdk, dir)
                .policy(POLICY)
                .records(recordsFile)
                .option("service=" + service + ",records_checkpoints=" + trailFile)
                .main(BasicApp.class, "ann", "bob", "cy");
    }

    @Test
    void anUntouchedFileIsSealedAndAgreesWithItsTrail() throws Exception {
        List<String> lines = Files.readAllLines(records);
        assertTrue(lines.get(0).contains("\"kind\":\"records_opened\""), lines.get(0));
        assertTrue(lines.get(lines.size() - 1).contains("\"kind\":\"checkpoint\""), "closing seals the rest");
        ForkedJvm.Run run = verify(records).assertExit(0);
        assertTrue(run.stdout().contains("sealed: all " + lines.size() + " records"), run.describe());
    }

    @Test
    void recordsCutFromTheEndAreMissedThroughTheTrail() throws Exception {
        List<String> lines = Files.readAllLines(records);
        Path cut = Files.write(dir.resolve("cut.jsonl"), lines.subList(0, lines.size() - 3));
        ForkedJvm.Run plain = ForkedJvm.agentCli(jdk, "verify", cut.toString()).assertExit(0);
        assertTrue(plain.stdout().contains("chain intact"), "a cut chain holds as a chain: " + plain.describe());
        ForkedJvm.Run run = verify(cut).assertExit(1);
        assertTrue(run.stdout().contains("NOT SEALED: records are missing from the end"), run.describe());
    }

    @Test
    void theAgentRefusesToGoOnWithAFileCutWhileItWasStopped() throws Exception {
        List<String> lines = Files.readAllLines(records);
        Files.write(records, lines.subList(0, lines.size() - 3));
        AgentApp.Result again = app("mailer", records, trail).run();
        assertTrue(
                again.run().stderr().contains("does not end with the last checkpoint the sealing key"),
                again.run().describe());
        assertEquals(lines.size() - 3, Files.readAllLines(records).size(), "nothing was added to the cut file");
    }

    @Test
    void dropppingTheDenialsAndRehashingBreaksTheSeal() throws Exception {
        List<String> rehashed = rehash(Files.readAllLines(records).stream()
                .filter(line -> !line.contains("\"verdict\":\"deny\""))
                .toList());
        Path forged = Files.write(dir.resolve("forged.jsonl"), rehashed);
        ForkedJvm.Run plain =
                ForkedJvm.agentCli(jdk, "verify", forged.toString()).assertExit(0);
        assertTrue(plain.stdout().contains("chain intact"), "re-hashing fools a keyless check: " + plain.describe());
        ForkedJvm.Run run = verify(forged).assertExit(1);
        assertTrue(run.stdout().contains("does not hold"), run.describe());
    }

    @Test
    void aLineWithADuplicatedKeyIsAltered() throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(records));
        int decision = 0;
        while (!lines.get(decision).contains("\"kind\":\"decision\"")) {
            decision++;
        }
        // a JSON reader keeps the last of a repeated key: the record reads, and hashes, as before
        lines.set(decision, lines.get(decision).replaceFirst("\\{", "{\"action\":\"anything\","));
        Path altered = Files.write(dir.resolve("altered.jsonl"), lines);
        ForkedJvm.Run run =
                ForkedJvm.agentCli(jdk, "verify", altered.toString()).assertExit(1);
        assertTrue(
                run.stdout().contains("BROKEN at line " + (decision + 1) + ": the line is not in the canonical form"),
                run.describe());
    }

    @Test
    void anotherServicesFileIsRefusedAndNotSealedByThisKey() throws Exception {
        Path other = dir.resolve("other.jsonl");
        app("billing", other, dir.resolve("other-checkpoints.log")).run().assertExit(0);
        ForkedJvm.Run run = verify(other).assertExit(1);
        assertTrue(run.stdout().contains("does not begin with a record naming the sealing key"), run.describe());

        // the two services' files swapped: the mailer's agent does not go on with the billing log
        Files.move(records, dir.resolve("mailer.jsonl"));
        Files.copy(other, records);
        AgentApp.Result swapped = app("mailer", records, trail).run();
        assertTrue(
                swapped.run().stderr().contains("was begun under the sealing key"),
                "the refusal names the other key\n" + swapped.run().describe());
        assertTrue(
                swapped.records().decisions().isEmpty()
                        || Files.readAllLines(records).size()
                                == Files.readAllLines(other).size(),
                "nothing was appended to the other service's log");
    }

    @Test
    void aLineForgedIntoTheJournalAfterTheProcessStoppedIsNotAppended() throws Exception {
        List<String> lines = Files.readAllLines(records);
        String last = lines.get(lines.size() - 1);
        String lastHash = last.substring(last.length() - 66, last.length() - 2);
        String forged = rehashFrom(
                lastHash,
                "{\"action\":\"refund\",\"kind\":\"decision\",\"verdict\":\"allow\",\"prev_hash\":\"x\",\"hash\":\"y\"}");
        Path journal = dir.resolve("records.jsonl.journal");
        try (RandomAccessFile file = new RandomAccessFile(journal.toFile(), "rw")) {
            // the journal's layout (docs/records.md): magic, bytes ever put, bytes cleared, then the ring
            file.seek(8);
            long put = file.readLong();
            int capacity = (int) file.length() - 24;
            byte[] bytes = (forged + "\n").getBytes(StandardCharsets.UTF_8);
            file.seek(24 + put % capacity);
            file.write(bytes);
            file.seek(8);
            file.writeLong(put + bytes.length);
        }
        AgentApp.Result again = app("mailer", records, trail).run();
        again.assertExit(0);
        assertFalse(Files.readString(records).contains("\"action\":\"refund\""), "the forged line is not appended");
        try (var aside = Files.list(dir)) {
            assertTrue(
                    aside.anyMatch(p -> p.getFileName().toString().startsWith("records.jsonl.journal.unsealed-")),
                    "it is kept aside\n" + again.run().describe());
        }
        verify(records).assertExit(0);
    }

    @Test
    void aKeyFileOthersCanReadIsRefused() throws Exception {
        Files.setPosixFilePermissions(dir.resolve("records.jsonl.key"), PosixFilePermissions.fromString("rw-r--r--"));
        AgentApp.Result run = app("mailer", records, trail).run();
        assertTrue(run.run().stderr().contains("chmod 600"), run.run().describe());
    }

    private ForkedJvm.Run verify(Path file) {
        return ForkedJvm.agentCli(jdk, "verify", "--key", key, "--checkpoints", trail.toString(), file.toString());
    }

    private static String rehashFrom(String prev, String line) throws Exception {
        return rehash(prev, List.of(line)).get(0);
    }

    /** What an attacker without the key can do: chain the lines anew with plain SHA-256. */
    private static List<String> rehash(List<String> lines) throws Exception {
        return rehash("0".repeat(64), lines);
    }

    private static List<String> rehash(String from, List<String> lines) throws Exception {
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        Pattern tail = Pattern.compile(",\"prev_hash\":\"[0-9a-fxy]*\",\"hash\":\"[0-9a-fxy]*\"}$");
        String prev = from;
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            String body = tail.matcher(line).replaceFirst("}");
            sha256.reset();
            sha256.update((prev + "\n").getBytes(StandardCharsets.US_ASCII));
            String hash = HexFormat.of().formatHex(sha256.digest(body.getBytes(StandardCharsets.UTF_8)));
            out.add(body.substring(0, body.length() - 1) + ",\"prev_hash\":\"" + prev + "\",\"hash\":\"" + hash
                    + "\"}");
            prev = hash;
        }
        return out;
    }
}
