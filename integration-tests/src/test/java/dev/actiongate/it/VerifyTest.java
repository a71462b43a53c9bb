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
import java.util.regex.Matcher;
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
        Path policy = Files.writeString(dir.resolve("policy.yaml"), """
                version: "it-verify-1"
                default: allow
                rules:
                  - id: no-deletes
                    action: delete_file
                    verdict: deny
                """);
        Path original = dir.resolve("records.jsonl");
        AgentApp.on(jdk, dir)
                .policyFile(policy)
                .records(original)
                .classpath(AppClasspath.basic())
                .main(BasicApp.class, "ann", "bob", "cy")
                .run()
                .assertExit(0);
        List<String> lines = Files.readAllLines(original);
        // greet ann, bob, cy: decision + outcome each; delete: a denied decision; transfer: decision + outcome
        assertEquals(9, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(6).contains("\"verdict\":\"deny\""), lines.get(6));

        ForkedJvm.Run intact =
                ForkedJvm.agentCli(jdk, "verify", original.toString()).assertExit(0);
        assertTrue(intact.stdout().contains(original + ": OK, 9 records"), intact.describe());

        List<String> edited = new ArrayList<>(lines);
        edited.set(6, lines.get(6).replace("\"verdict\":\"deny\"", "\"verdict\":\"allow\""));
        assertBroken(jdk, "edited.jsonl", edited, 7, "edited");

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
        Path policy = Files.writeString(dir.resolve("policy.yaml"), """
                version: "it-crash-1"
                default: allow
                rules: []
                """);
        Path file = dir.resolve("records.jsonl");
        String agent = "policy=" + policy + ",records=" + file;

        ForkedJvm.Run crashed = ForkedJvm.on(jdk)
                .agent(agent)
                .classpath(AppClasspath.basic())
                .main(CrashApp.class, "--crash")
                .run()
                .assertExit(3);
        assertTrue(crashed.output().bodyRan("scram_reactor"), crashed.describe());
        assertFalse(crashed.output().allowed("scram"), crashed.describe());
        // The scram decision was on disk before its body halted the JVM: in the records file, or,
        // when the halt came before the background writer's next pass, in the journal beside it.
        // verify says how many are in the file and how many more in the journal: three in all.
        // (A kill can also leave the file ending in part of a line: verify says so and skips it.)
        ForkedJvm.Run inspected =
                ForkedJvm.agentCli(jdk, "verify", file.toString()).assertExit(0);
        Matcher ok = Pattern.compile(": OK, (\\d+) records").matcher(inspected.stdout());
        assertTrue(ok.find(), inspected.describe());
        int inFile = Integer.parseInt(ok.group(1));
        if (inFile < 3) {
            int more = 3 - inFile;
            assertTrue(
                    inspected
                            .stdout()
                            .contains(file + ": " + more + " more record" + (more == 1 ? "" : "s") + " in " + file
                                    + ".journal continue the chain"),
                    inspected.describe());
        } else {
            assertEquals(3, inFile, "inspect: decision and outcome; scram: decision only");
        }

        ForkedJvm.Run second = ForkedJvm.on(jdk)
                .agent(agent)
                .classpath(AppClasspath.basic())
                .main(CrashApp.class)
                .run()
                .assertExit(0);
        assertTrue(second.output().allowed("inspect"), second.describe());
        Records both = Records.read(file);
        assertEquals(5, both.size(), "the first run's three, each once, then the second run's two");
        JsonNode scram = both.records().get(2);
        assertEquals("scram_reactor", scram.get("action").asText());
        assertEquals("allow", scram.get("verdict").asText());
        assertTrue(both.outcome(scram.get("decision_id").asText()).isEmpty(), "the body never returned");
        assertEquals(
                both.records().get(2).get("hash").asText(),
                both.records().get(3).get("prev_hash").asText(),
                "the second run links to the last record of the first");
        assertFalse(
                both.records().get(0).get("pid").equals(both.records().get(3).get("pid")), "two processes");

        ForkedJvm.Run verify =
                ForkedJvm.agentCli(jdk, "verify", file.toString()).assertExit(0);
        assertTrue(verify.stdout().contains(file + ": OK, 5 records"), verify.describe());
    }
}
