package dev.actiongate.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actiongate.agent.approvals.Approvals;
import dev.actiongate.agent.approvals.DeskFixture;
import dev.actiongate.agent.records.RecordLog;
import dev.actiongate.agent.records.Timestamps;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code verify --approvals}, in-process, on a store and records a desk wrote: an intact store
 * passes; an edited line, an unsealed line and (with the records) a line cut from the end are
 * each reported, with exit 1.
 */
class VerifyApprovalsTest {

    @TempDir
    Path dir;

    private Path records;
    private Path store;

    /** Two requests; the first approved by alice and used by decision dec-9, the second pending. */
    @BeforeEach
    void aDeskWroteItsStore() throws Exception {
        records = dir.resolve("records.jsonl");
        store = dir.resolve("records.approvals.jsonl");
        try (RecordLog log = RecordLog.open(records);
                Approvals desk = DeskFixture.onLog(store, log)) {
            desk.request(DeskFixture.draft("a-1", "d1"));
            desk.request(DeskFixture.draft("a-2", "d2"));
            assertEquals(200, desk.review("a-1", true, "alice", "go").status());
            assertEquals("a-1", desk.consume("a-1", "dec-9").id());
            Map<String, Object> ran = new LinkedHashMap<>();
            ran.put("approval_consumed", "a-1");
            ran.put("decision_id", "dec-9");
            ran.put("kind", "decision");
            ran.put("timestamp", Timestamps.now());
            ran.put("verdict", "allow");
            log.append(ran, null); // as the gate records the call that ran on it
        }
        assertEquals(4, lines().size(), lines().toString());
    }

    private List<String> lines() throws Exception {
        return new ArrayList<>(Files.readAllLines(store));
    }

    /** Exit code, then what was printed. */
    private record Ran(int exit, String out, String err) {}

    private static Ran verify(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] all = new String[args.length + 1];
        all[0] = "verify";
        System.arraycopy(args, 0, all, 1, args.length);
        int exit = Cli.run(all, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true));
        return new Ran(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void anIntactStoreIsSealedAndAgreesWithTheRecords() {
        Ran alone = verify("--approvals", store.toString());
        assertEquals(0, alone.exit(), alone.toString());
        assertTrue(alone.out().contains(": OK, 4 lines, every one sealed by the key"), alone.out());
        assertTrue(alone.out().contains("give the decision records files too"), alone.out());

        Ran both = verify("--approvals", store.toString(), records.toString());
        assertEquals(0, both.exit(), both.toString());
        assertTrue(both.out().contains(records + ": OK"), "the records are verified too: " + both.out());
        assertTrue(both.out().contains("its 1 open requests agree with the decision records"), both.out());
    }

    @Test
    void anEditedLineIsTheOneWhoseSealDoesNotHold() throws Exception {
        List<String> lines = lines();
        assertTrue(lines.get(2).contains("\"comment\":\"go\""), lines.get(2));
        lines.set(2, lines.get(2).replace("\"comment\":\"go\"", "\"comment\":\"gone\""));
        Files.write(store, lines);
        Ran ran = verify("--approvals", store.toString());
        System.out.println("DEMO>>" + ran.out() + "<<DEMO");
        assertEquals(1, ran.exit(), ran.toString());
        assertTrue(
                ran.out().contains("NOT SEALED: line 3 (approval a-1): its seal does not hold: the line was edited"),
                ran.out());
        assertFalse(ran.out().contains("line 4"), "the line after it is chained to the seal it carries: " + ran.out());
    }

    @Test
    void anUnsealedLineIsReported() throws Exception {
        List<String> lines = lines();
        String pending = lines.get(1);
        lines.add(pending.substring(0, pending.indexOf(",\"mac\":")).replace("\"pending\"", "\"approved\"") + "}");
        Files.write(store, lines);
        Ran ran = verify("--approvals", store.toString());
        System.out.println("DEMO>>" + ran.out() + "<<DEMO");
        assertEquals(1, ran.exit(), ran.toString());
        assertTrue(ran.out().contains("NOT SEALED: line 5 (approval a-2): the line is not sealed"), ran.out());
    }

    @Test
    void aLastLineCutFromTheStoreIsContradictedByTheRecords() throws Exception {
        List<String> lines = lines();
        assertTrue(lines.get(3).contains("\"status\":\"consumed\""), lines.get(3));
        Files.write(store, lines.subList(0, 3));
        Ran alone = verify("--approvals", store.toString());
        assertEquals(0, alone.exit(), "every seal still holds: " + alone);

        Ran both = verify("--approvals", store.toString(), records.toString());
        System.out.println("DEMO>>" + both.out() + "<<DEMO");
        assertEquals(1, both.exit(), both.toString());
        assertTrue(
                both.out()
                        .contains("CONTRADICTED BY THE RECORDS: line 3 (approval a-1, approved): the decision"
                                + " records show it used by decision dec-9"),
                both.out());
    }

    @Test
    void theKeyIsTheStoresOwnUnlessNamed() throws Exception {
        Path elsewhere = Files.createDirectory(dir.resolve("vault")).resolve("store.key");
        Files.move(dir.resolve("records.approvals.jsonl.key"), elsewhere);
        Ran missing = verify("--approvals", store.toString());
        assertEquals(2, missing.exit(), missing.toString());
        assertTrue(missing.err().contains("does not exist: name the store's key with --store-key"), missing.err());

        Ran named = verify("--approvals", store.toString(), "--store-key", elsewhere.toString());
        assertEquals(0, named.exit(), named.toString());

        Ran usage = verify("--store-key", elsewhere.toString(), records.toString());
        assertEquals(2, usage.exit(), "--store-key without --approvals is a usage error");
        assertTrue(usage.err().contains("verify --approvals STORE [--store-key KEYFILE] [FILE...]"), usage.err());
    }
}
