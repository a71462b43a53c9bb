package dev.actiongate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.actiongate.it.apps.ConcurrencyApp;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.io.TempDir;

/** Many threads at once: one record per decision and outcome, none lost or torn, one intact chain. */
class ConcurrencyTest {

    private static final int THREADS = 8;
    private static final int CALLS = 5_000;

    @TempDir
    Path dir;

    @OnEveryJdk
    void eightThreadsOfFiveThousandCallsLeaveAnIntactChainOfEveryRecord(Jdk jdk) throws Exception {
        Path file = dir.resolve("records.jsonl");
        ForkedJvm.Run run = AgentApp.on(jdk, dir)
                .jdkDefaults()
                .policy("""
                    version: "it-concurrency-1"
                    default: deny
                    rules:
                      - id: counting
                        action: count
                        when: 'args.call >= 0 && args.thread < 8'
                        verdict: allow
                    """)
                .classpath(AppClasspath.appsOnly())
                .main(ConcurrencyApp.class, Integer.toString(THREADS), Integer.toString(CALLS))
                .run()
                .assertExit(0);
        AppOutput out = run.output();
        int total = THREADS * CALLS;
        assertEquals(Integer.toString(total), out.fact("bodies"), run.describe());
        assertEquals("0", out.fact("denied"), run.describe());
        assertEquals("0", out.fact("failed"), run.describe());

        Records records = Records.read(file);
        List<JsonNode> decisions = records.decisions();
        List<JsonNode> outcomes = records.outcomes();
        assertEquals(total, decisions.size(), "decision records");
        assertEquals(total, outcomes.size(), "outcome records");
        assertEquals(2 * total, records.withoutSeals().size(), "nothing else in the file");

        Set<String> ids = decisions.stream()
                .map(record -> record.get("decision_id").asText())
                .collect(Collectors.toCollection(HashSet::new));
        assertEquals(total, ids.size(), "every decision id is unique");
        Set<String> outcomeIds = outcomes.stream()
                .map(record -> record.get("decision_id").asText())
                .collect(Collectors.toCollection(HashSet::new));
        assertEquals(ids, outcomeIds, "one outcome per decision, by id");
        Map<String, Long> perThread = decisions.stream()
                .collect(Collectors.groupingBy(
                        record -> record.get("thread").asText(), TreeMap::new, Collectors.counting()));
        Map<String, Long> expected = new TreeMap<>();
        for (int t = 0; t < THREADS; t++) {
            expected.put("worker-" + t, (long) CALLS);
        }
        assertEquals(expected, perThread, "decisions per thread");
        decisions.forEach(record -> assertEquals("allow", record.get("verdict").asText()));

        ForkedJvm.Run verify =
                ForkedJvm.agentCli(jdk, "verify", file.toString()).assertExit(0);
        assertTrue(verify.stdout().contains(file + ": OK, " + records.size() + " records"), verify.describe());
    }
}
