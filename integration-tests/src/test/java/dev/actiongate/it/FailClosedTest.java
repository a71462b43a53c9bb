package dev.actiongate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

    /**
     * The broken policy only a real JVM shows: one the CEL compiler refuses inside the agent's own
     * class loader. A missing file, none configured and YAML that does not parse, and a records
     * file that cannot be written, meet the same fail-closed start in-process (the agent's
     * {@code BrokenStartTest}); every other problem a policy can have is the loader's message on
     * that path: {@code PolicyLoaderTest} checks those, {@code GateTest} the denial without a policy.
     */
    static Stream<BrokenPolicy> brokenPolicies() {
        return Stream.of(new BrokenPolicy(
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
                        + " does not compile: CEL 1:\\d+: expected type 'bool' but found 'int'")));
    }

    static Stream<Arguments> everyJdkAndBrokenPolicy() {
        return Jdk.allWith(brokenPolicies().toArray());
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("everyJdkAndBrokenPolicy")
    void aBrokenPolicyDeniesEveryCallAndSaysWhereItIsBroken(Jdk jdk, BrokenPolicy broken) throws Exception {
        Path policy = dir.resolve("policy.yaml");
        if (broken.yaml() != null) {
            Files.writeString(policy, broken.yaml());
        }
        AgentApp app = AgentApp.on(jdk, dir);
        if (broken.configured()) {
            app.policyFile(policy);
        }
        AgentApp.Result result = app.main(BasicApp.class).run();
        ForkedJvm.Run run = result.assertExit(0);
        AppOutput out = run.output();
        String why = run.describe();

        assertEquals("true", out.fact("done"), "the application ran to its end\n" + why);
        out.assertOnlyDenied(BasicApp.CALLS);
        assertTrue(run.stderr().contains("FAIL-CLOSED"), "the agent says it fails closed\n" + why);
        for (String problem : broken.problems()) {
            Pattern pattern = Pattern.compile(problem.replace("@POLICY@", Pattern.quote(policy.toString())));
            assertTrue(pattern.matcher(run.stderr()).find(), "the agent's log matches /" + pattern + "/\n" + why);
        }

        Records records = result.records();
        for (String label : BasicApp.CALLS) {
            Denial denial = out.denied(label);
            assertEquals("deny", denial.verdict(), why);
            assertTrue(denial.reason().startsWith("no usable policy: "), denial.reason());
            JsonNode record = records.decision(denial.decisionId());
            assertEquals("deny", record.get("verdict").asText());
            assertTrue(record.get("enforced").asBoolean());
            assertEquals(denial.reason(), Probe.oneLine(record.get("reason").asText()));
            assertTrue(record.get("policy_version").isNull(), record.toString());
        }
        assertEquals(List.of("greet deny", "delete_file deny", "transfer_money deny"), records.verdicts(), why);
        assertEquals(List.of(), records.outcomeSummaries(), "no body ran, so no outcome\n" + why);
    }
}
