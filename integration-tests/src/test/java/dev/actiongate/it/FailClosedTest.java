package dev.actiongate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.actiongate.it.AppOutput.Denial;
import dev.actiongate.it.apps.BasicApp;
import dev.actiongate.it.apps.Probe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A policy that cannot be used, or a records file that cannot be written, never takes the
 * application down and never lets a governed call through: every call is denied, no body runs,
 * and the agent's log says what is wrong and where.
 */
class FailClosedTest {

    /** The three governed calls BasicApp makes, by label. */
    private static final List<String> CALLS = List.of("greet world", "delete", "transfer");

    @TempDir
    Path dir;

    /**
     * A broken configuration.
     *
     * @param name     what is broken
     * @param yaml     the policy file's content; {@code null}: no file is written
     * @param problems what the agent's log must say, as patterns; {@code @POLICY@} stands for the
     *                 policy file's path
     */
    record BrokenPolicy(String name, String yaml, boolean configured, List<String> problems) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<BrokenPolicy> brokenPolicies() {
        return Stream.of(
                new BrokenPolicy("missing policy file", null, true, List.of("@POLICY@: file not found")),
                new BrokenPolicy("no policy configured", null, false, List.of("no policy is configured")),
                new BrokenPolicy("bad YAML syntax", """
                        version: "1"
                        rules:
                          - id: a
                            verdict: [allow
                        """, true, List.of("@POLICY@:\\d+:\\d+: not valid YAML")),
                new BrokenPolicy(
                        "unknown verdict", """
                        version: "1"
                        rules:
                          - id: fine
                            verdict: allow
                          - id: vague
                            verdict: maybe
                        """, true, List.of("@POLICY@:6:14: rule 'vague': unknown verdict 'maybe'")),
                new BrokenPolicy(
                        "duplicate rule id",
                        """
                        version: "1"
                        rules:
                          - id: twice
                            verdict: allow
                          - id: twice
                            verdict: deny
                        """,
                        true,
                        List.of("@POLICY@:5:9: rule 'twice': duplicate rule id 'twice'")),
                new BrokenPolicy(
                        "CEL syntax error",
                        """
                        version: "1"
                        rules:
                          - id: broken-syntax
                            when: 'args.to ==== "x"'
                            verdict: deny
                        """,
                        true,
                        List.of("@POLICY@:4:11: rule 'broken-syntax': condition 'args.to ==== \"x\"'"
                                + " does not compile: CEL 1:\\d+: ")),
                new BrokenPolicy(
                        "CEL type error: not a boolean",
                        """
                        version: "1"
                        rules:
                          - id: not-boolean
                            action: greet
                            when: 'args.name + 1'
                            verdict: deny
                        """,
                        true,
                        List.of("@POLICY@:5:11: rule 'not-boolean': condition 'args.name \\+ 1'"
                                + " does not compile: CEL 1:\\d+: expected type 'bool' but found 'int'")),
                new BrokenPolicy(
                        "CEL type error: no such overload",
                        """
                        version: "1"
                        rules:
                          - id: bad-sum
                            when: '1 + "a" == "1a"'
                            verdict: allow
                        """,
                        true,
                        List.of("@POLICY@:4:11: rule 'bad-sum': condition '1 \\+ \"a\" == \"1a\"'"
                                + " does not compile: CEL 1:\\d+: found no matching overload for '_\\+_'")),
                new BrokenPolicy(
                        "unknown rule key",
                        """
                        version: "1"
                        rules:
                          - id: typo
                            verdict: deny
                            whenn: 'true'
                        """,
                        true,
                        List.of("@POLICY@:5:\\d+: rule 'typo': unknown rule key 'whenn'")));
    }

    static Stream<Arguments> everyJdkAndBrokenPolicy() {
        return Jdk.all().flatMap(jdk -> brokenPolicies().map(policy -> Arguments.of(jdk, policy)));
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("everyJdkAndBrokenPolicy")
    void aBrokenPolicyDeniesEveryCallAndSaysWhereItIsBroken(Jdk jdk, BrokenPolicy broken) throws Exception {
        Path policy = dir.resolve("policy.yaml");
        if (broken.yaml() != null) {
            Files.writeString(policy, broken.yaml());
        }
        Path file = dir.resolve("records.jsonl");
        String agentArgs = (broken.configured() ? "policy=" + policy + "," : "") + "records=" + file;
        ForkedJvm.Run run = ForkedJvm.on(jdk)
                .agent(agentArgs)
                .classpath(AppClasspath.basic())
                .main(BasicApp.class)
                .run()
                .assertExit(0);
        AppOutput out = run.output();
        String why = run.describe();

        assertEquals("true", out.fact("done"), "the application ran to its end\n" + why);
        assertEquals(CALLS, out.deniedLabels(), "every governed call is denied\n" + why);
        assertEquals(List.of(), out.bodies(), "no governed body ran\n" + why);
        assertTrue(run.stderr().contains("FAIL-CLOSED"), "the agent says it fails closed\n" + why);
        for (String problem : broken.problems()) {
            Pattern pattern = Pattern.compile(problem.replace("@POLICY@", Pattern.quote(policy.toString())));
            assertTrue(pattern.matcher(run.stderr()).find(), "the agent's log matches /" + pattern + "/\n" + why);
        }

        Records records = Records.read(file);
        for (String label : CALLS) {
            Denial denial = out.denied(label);
            assertEquals("deny", denial.verdict(), why);
            assertTrue(denial.reason().startsWith("no usable policy: "), denial.reason());
            JsonNode record = records.decision(denial.decisionId());
            assertEquals("deny", record.get("verdict").asText());
            assertTrue(record.get("enforced").asBoolean());
            assertEquals(denial.reason(), Probe.oneLine(record.get("reason").asText()));
            assertTrue(record.get("policy_version").isNull(), record.toString());
        }
        assertEquals(3, records.decisions().size());
        assertEquals(0, records.outcomes().size());
    }

    @OnEveryJdk
    void aDuplicateDefaultDeniesEveryCallNamingBothLines(Jdk jdk) throws Exception {
        // The last key used to win: this file allowed every call.
        Path policy = Files.writeString(dir.resolve("policy.yaml"), """
                version: "it-duplicate-1"
                default: deny
                rules: []
                default: allow
                """);
        Path file = dir.resolve("records.jsonl");
        ForkedJvm.Run run = AgentApp.on(jdk, dir)
                .policyFile(policy)
                .records(file)
                .classpath(AppClasspath.basic())
                .main(BasicApp.class)
                .run()
                .assertExit(0);
        AppOutput out = run.output();
        String why = run.describe();
        String problem = policy + ":4:1: duplicate key 'default' (first at line 2)";

        assertEquals(CALLS, out.deniedLabels(), "every governed call is denied\n" + why);
        assertEquals(List.of(), out.bodies(), "no governed body ran\n" + why);
        assertTrue(run.stderr().contains("FAIL-CLOSED") && run.stderr().contains(problem), why);
        Records records = Records.read(file);
        for (String label : CALLS) {
            Denial denial = out.denied(label);
            assertEquals("deny", denial.verdict(), why);
            assertTrue(
                    denial.reason().startsWith("no usable policy: ")
                            && denial.reason().contains(problem),
                    denial.reason());
            assertEquals(
                    denial.reason(),
                    Probe.oneLine(
                            records.decision(denial.decisionId()).get("reason").asText()));
        }
        ForkedJvm.Run check =
                ForkedJvm.agentCli(jdk, "check", policy.toString()).assertExit(1);
        assertEquals(problem, check.stderr().strip(), "check says the same\n" + check.describe());
    }

    @OnEveryJdk
    void aConditionFailingAtRunTimeDeniesNamingTheRule(Jdk jdk) throws Exception {
        Path policy = Files.writeString(dir.resolve("policy.yaml"), """
                version: "it-runtime-1"
                default: allow
                rules:
                  - id: needs-key
                    when: 'args.nosuchkey == "x"'
                    verdict: allow
                """);
        Path file = dir.resolve("records.jsonl");
        ForkedJvm.Run run = AgentApp.on(jdk, dir)
                .policyFile(policy)
                .records(file)
                .classpath(AppClasspath.basic())
                .main(BasicApp.class)
                .run()
                .assertExit(0);
        AppOutput out = run.output();
        String why = run.describe();

        assertEquals(CALLS, out.deniedLabels(), why);
        assertEquals(List.of(), out.bodies(), why);
        Records records = Records.read(file);
        for (String label : CALLS) {
            Denial denial = out.denied(label);
            assertEquals("deny", denial.verdict());
            assertEquals(List.of("needs-key"), denial.matchedRules());
            assertTrue(denial.reason().startsWith("rule 'needs-key' could not be evaluated: "), denial.reason());
            assertTrue(denial.reason().contains("nosuchkey"), denial.reason());
            JsonNode record = records.decision(denial.decisionId());
            assertEquals("deny", record.get("verdict").asText());
            assertEquals(denial.reason(), record.get("reason").asText());
            assertEquals("it-runtime-1", record.get("policy_version").asText());
        }
    }

    @OnEveryJdk
    void anUnwritableRecordsFileDeniesEveryCallWithTheCause(Jdk jdk) throws Exception {
        Path policy = Files.writeString(dir.resolve("policy.yaml"), """
                version: "it-allow-all"
                default: allow
                rules: []
                """);
        // Tests run as root, whom permissions do not stop: a regular file where a folder must be does.
        Path notAFolder = Files.writeString(dir.resolve("file.txt"), "I am a file");
        Path file = notAFolder.resolve("records.jsonl");
        ForkedJvm.Run run = AgentApp.on(jdk, dir)
                .policyFile(policy)
                .records(file)
                .classpath(AppClasspath.basic())
                .main(BasicApp.class)
                .run()
                .assertExit(0);
        AppOutput out = run.output();
        String why = run.describe();

        assertEquals("true", out.fact("done"), why);
        assertEquals(CALLS, out.deniedLabels(), why);
        assertEquals(List.of(), out.bodies(), why);
        assertTrue(run.stderr().contains("FAIL-CLOSED"), why);
        assertTrue(run.stderr().contains(file.toString()), "the log names the records file\n" + why);
        for (String label : CALLS) {
            Denial denial = out.denied(label);
            assertEquals("deny", denial.verdict());
            assertTrue(denial.reason().contains("could not be written"), denial.reason());
            assertTrue(denial.reason().contains(file.toString()), "the reason names the file: " + denial.reason());
            assertTrue(
                    denial.reason().contains("FileAlreadyExistsException")
                            || denial.reason().contains("NotDirectoryException")
                            || denial.reason().contains("Not a directory"),
                    "the reason names the cause: " + denial.reason());
            assertNull(
                    denial.decisionId(), "ActionDeniedException.decisionId() is null when no record could be written");
        }
        assertTrue(
                Files.isRegularFile(notAFolder) && Files.readString(notAFolder).equals("I am a file"));
    }
}
