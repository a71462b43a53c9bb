package dev.actiongate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.actiongate.it.apps.BasicApp;
import dev.actiongate.it.apps.CrashApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java -jar actiongate-agent.jar verify} on records files a real application wrote:
 * intact, edited, with a line deleted, with lines swapped; and records that survive a crash and
 * a chain that a second run continues.
 */
class VerifyTest {

    @TempDir
    Path dir;

    @OnEveryJdk
    void verifyFindsEveryKindOfTampering(Jdk jdk) throws Exception {
        AgentApp.Result run = AgentApp.on(jdk, dir)
                .policy("""
                        version: "it-verify-1"
                        default: allow
                        rules:
                          - id: no-deletes
                            action: delete_file
                            verdict: deny
                        """)
                .main(BasicApp.class, "ann", "bob", "cy")
                .run();
        run.assertExit(0);
        Path original = run.app().recordsFile();
        List<String> lines = Files.readAllLines(original);
        // greet ann, bob, cy: decision + outcome each; delete: a denied decision; transfer: decision + outcome
        // (and the records that name and seal the log, wherever the writer put them)
        Records written = run.records();
        assertEquals(
                List.of("greet allow", "greet allow", "greet allow", "delete_file deny", "transfer_money allow"),
                written.verdicts(),
                String.join("\n", lines));
        assertEquals(
                List.of("greet returned", "greet returned", "greet returned", "transfer_money returned"),
                written.outcomeSummaries(),
                String.join("\n", lines));
        int denied = 0;
        while (!lines.get(denied).contains("\"verdict\":\"deny\"")) {
            denied++;
        }

        ForkedJvm.Run intact =
                ForkedJvm.agentCli(jdk, "verify", original.toString()).assertExit(0);
        assertTrue(intact.stdout().contains(original + ": OK, " + lines.size() + " records"), intact.describe());

        List<String> edited = new ArrayList<>(lines);
        edited.set(denied, lines.get(denied).replace("\"verdict\":\"deny\"", "\"verdict\":\"allow\""));
        assertBroken(jdk, "edited.jsonl", edited, denied + 1, "edited");

        List<String> gap = new ArrayList<>(lines);
        gap.remove(4);
        assertBroken(jdk, "deleted.jsonl", gap, 5, "deleted");

        List<String> swapped = new ArrayList<>(lines);
        Collections.swap(swapped, 2, 3);
        assertBroken(jdk, "swapped.jsonl", swapped, 3, "");
    }

    private void assertBroken(Jdk jdk, String name, List<String> lines, int badLine, String why) throws Exception {
        Path copy = Files.write(dir.resolve(name), lines);
        ForkedJvm.Run run = ForkedJvm.agentCli(jdk, "verify", copy.toString()).assertExit(1);
        assertTrue(run.stdout().contains(copy + ": BROKEN at line " + badLine + ": "), run.describe());
        assertTrue(run.stdout().contains(why), "the reason says " + why + "\n" + run.describe());
    }

    @OnEveryJdk
    void theDecisionSurvivesACrashInTheBodyAndTheNextRunContinuesTheChain(Jdk jdk) throws Exception {
        AgentApp app = AgentApp.on(jdk, dir).policy("""
                version: "it-crash-1"
                default: allow
                rules: []
                """);
        Path file = app.recordsFile();

        ForkedJvm.Run crashed = app.main(CrashApp.class, "--crash").run().assertExit(3);
        assertTrue(crashed.output().bodyRan("scram_reactor"), crashed.describe());
        assertFalse(crashed.output().allowed("scram"), crashed.describe());
        // The scram decision was on disk before its body halted the JVM: in the records file, or,
        // when the halt came before the background writer's next pass, in the journal beside it,
        // where verify counts the records that continue the file's chain.
        // (A kill can also leave the file ending in part of a line: verify says so and skips it.)
        ForkedJvm.Run inspected =
                ForkedJvm.agentCli(jdk, "verify", file.toString()).assertExit(0);
        boolean scramInFile = Files.readString(file).contains("\"action\":\"scram_reactor\"");
        if (!scramInFile) {
            assertTrue(
                    Pattern.compile(": \\d+ more records? in " + Pattern.quote(file + ".journal")
                                    + " continue the chain")
                            .matcher(inspected.stdout())
                            .find(),
                    inspected.describe());
        }

        ForkedJvm.Run second = AgentApp.on(jdk, dir)
                .policyFile(app.policyFile())
                .main(CrashApp.class)
                .run()
                .assertExit(0);
        assertTrue(second.output().allowed("inspect"), second.describe());
        // A record the halt left in the journal after the last checkpoint is not sealed by the key:
        // the next start keeps it beside the journal instead of appending it (docs/records.md#sealing).
        Records both = Records.read(file);
        List<JsonNode> scrams = new ArrayList<>(both.decisions("scram_reactor"));
        List<JsonNode> inspections = new ArrayList<>(both.decisions("inspect_reactor"));
        try (var kept = Files.list(dir)) {
            for (Path aside : kept.filter(p -> p.getFileName().toString().startsWith("records.jsonl.journal.unsealed-"))
                    .toList()) {
                scrams.addAll(Records.read(aside).decisions("scram_reactor"));
                inspections.addAll(Records.read(aside).decisions("inspect_reactor"));
            }
        }
        assertEquals(1, scrams.size(), "the scram decision is kept once, in the file or beside the journal");
        JsonNode scram = scrams.get(0);
        assertEquals("allow", scram.get("verdict").asText());
        assertTrue(both.outcome(scram.get("decision_id").asText()).isEmpty(), "the body never returned");
        JsonNode resumed = both.ofKind("records_resumed").get(0);
        int at = both.records().indexOf(resumed);
        assertEquals(
                both.records().get(at - 1).get("hash").asText(),
                resumed.get("prev_hash").asText(),
                "the second run links to the last record of the first in the file");
        assertEquals(2, inspections.size(), "each run inspected once, nothing twice");

        ForkedJvm.Run verify =
                ForkedJvm.agentCli(jdk, "verify", file.toString()).assertExit(0);
        assertTrue(verify.stdout().contains(file + ": OK, " + both.size() + " records"), verify.describe());
    }
}
