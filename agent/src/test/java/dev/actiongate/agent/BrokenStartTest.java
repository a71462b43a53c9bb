package dev.actiongate.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actiongate.ActionDeniedException;
import dev.actiongate.agent.config.AgentConfig;
import dev.actiongate.agent.gate.GateState;
import dev.actiongate.agent.records.CanonicalJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A start-up that meets a policy it cannot use, or a records file it cannot write, in-process:
 * the state {@link StartupState#prepare} makes, under a {@link Gate} called as the inlined advice
 * calls it. Every governed call is denied, none runs, and the log says what is wrong and where.
 * That the application in a real JVM runs on to its end, with the CEL compiler inside the agent's
 * own class loader, is the forked FailClosedTest's one case.
 */
class BrokenStartTest {

    @TempDir
    Path dir;

    private final AgentLog log = new AgentLog();

    /**
     * A broken policy as the start meets it.
     *
     * @param yaml     the policy file's content; {@code null}: no file is written
     * @param problem  what the log and every denial must say, as a pattern; {@code @POLICY@} stands
     *                 for the policy file's path
     */
    record BrokenPolicy(String name, String yaml, boolean configured, String problem) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<BrokenPolicy> brokenPolicies() {
        return Stream.of(
                new BrokenPolicy("missing policy file", null, true, "@POLICY@: file not found"),
                new BrokenPolicy("no policy configured", null, false, "no policy is configured"),
                new BrokenPolicy("bad YAML syntax", """
                        version: "1"
                        rules:
                          - id: a
                            verdict: [allow
                        """, true, "@POLICY@:\\d+:\\d+: not valid YAML"));
    }

    @AfterEach
    void stopListening() {
        log.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenPolicies")
    void aBrokenPolicyDeniesEveryCallAndSaysWhereItIsBroken(BrokenPolicy broken) throws Exception {
        Path policy = dir.resolve("policy.yaml");
        if (broken.yaml() != null) {
            Files.writeString(policy, broken.yaml());
        }
        Path records = dir.resolve("records.jsonl");
        GateState state = StartupState.prepare(
                AgentConfig.resolve(
                        (broken.configured() ? "policy=" + policy + "," : "") + "records=" + records,
                        Map.of(),
                        Map.of()),
                step -> {});
        Pattern problem = Pattern.compile(broken.problem().replace("@POLICY@", Pattern.quote(policy.toString())));

        List<ActionDeniedException> denials;
        try {
            denials = callEach(state);
        } finally {
            state.approvals().close();
            state.records().close();
        }
        assertLogged("FAIL-CLOSED");
        assertLogged(problem.pattern());
        List<Map<String, Object>> written = new ArrayList<>();
        for (String line : Files.readAllLines(records)) {
            written.add(CanonicalJson.parse(line));
        }
        List<String> verdicts = new ArrayList<>();
        for (ActionDeniedException denial : denials) {
            assertEquals("deny", denial.verdict());
            assertTrue(denial.reason().startsWith("no usable policy: "), denial.reason());
            assertTrue(
                    problem.matcher(denial.reason()).find(),
                    "the denial matches /" + problem + "/: " + denial.reason());
            Map<String, Object> record = written.stream()
                    .filter(r -> denial.decisionId().equals(r.get("decision_id")))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no record of " + denial.decisionId() + ": " + written));
            assertEquals("deny", record.get("verdict"));
            assertEquals(true, record.get("enforced"));
            assertEquals(denial.reason(), record.get("reason"));
            assertNull(record.get("policy_version"), record.toString());
        }
        written.stream()
                .filter(r -> "decision".equals(r.get("kind")))
                .forEach(r -> verdicts.add(r.get("action") + " " + r.get("verdict")));
        assertEquals(List.of("greet deny", "delete_file deny", "transfer_money deny"), verdicts);
        assertEquals(
                List.of(),
                written.stream().filter(r -> "outcome".equals(r.get("kind"))).toList(),
                "no body ran, so no outcome");
    }

    @Test
    void anUnwritableRecordsFileDeniesEveryCallWithTheCause() throws Exception {
        Path policy = Files.writeString(dir.resolve("policy.yaml"), """
                version: "allow-all"
                default: allow
                rules: []
                """);
        // Tests run as root, whom permissions do not stop: a regular file where a folder must be does.
        Path notAFolder = Files.writeString(dir.resolve("file.txt"), "I am a file");
        Path records = notAFolder.resolve("records.jsonl");
        GateState state = StartupState.prepare(
                AgentConfig.resolve(
                        "policy=" + policy + ",records=" + records + ",records_key=" + dir.resolve("records.key"),
                        Map.of(),
                        Map.of()),
                step -> {});
        assertNull(state.records(), "no records file to write to");

        List<ActionDeniedException> denials = callEach(state);

        assertLogged("FAIL-CLOSED");
        assertLogged(Pattern.quote(records.toString()));
        for (ActionDeniedException denial : denials) {
            assertEquals("deny", denial.verdict());
            assertTrue(denial.reason().contains("could not be written"), denial.reason());
            assertTrue(denial.reason().contains(records.toString()), "the reason names the file: " + denial.reason());
            assertTrue(
                    denial.reason().contains("FileAlreadyExistsException")
                            || denial.reason().contains("NotDirectoryException")
                            || denial.reason().contains("Not a directory"),
                    "the reason names the cause: " + denial.reason());
            assertNull(
                    denial.decisionId(), "ActionDeniedException.decisionId() is null when no record could be written");
        }
        assertEquals("I am a file", Files.readString(notAFolder), "the file in the way is left as it was");
    }

    /** Makes {@link BasicCalls#CALLS} through a gate over {@code state}; each must be denied, its body never run. */
    private static List<ActionDeniedException> callEach(GateState state) {
        List<ActionDeniedException> denials = BasicCalls.make(state);
        for (int i = 0; i < denials.size(); i++) {
            assertNotNull(denials.get(i), BasicCalls.CALLS.get(i).action() + " is denied, so its body never runs");
        }
        return denials;
    }

    private void assertLogged(String pattern) {
        Pattern wanted = Pattern.compile(pattern);
        assertTrue(log.has(wanted), "the log matches /" + wanted + "/: " + log.lines());
    }
}
