package dev.actiongate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.actiongate.it.apps.CrashApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java -jar actiongate-agent.jar verify} on records files a real application wrote: records
 * that survive a crash, and a chain that a second run continues. That verify finds a file edited,
 * with a line deleted or with lines swapped is the agent's VerifyTamperingTest, in-process.
 */
class VerifyTest {

    @TempDir
    Path dir;

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
