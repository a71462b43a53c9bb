package dev.actiongate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.actiongate.it.apps.BasicApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the agent takes its settings from, what it warns about, and what it logs at start-up. How
 * each key's sources rank is AgentConfigTest's; what records_journal does to the records file a
 * start opens is JournalStartTest's, both in-process.
 */
class ConfigurationTest {

    private static final String POLICY = """
            version: "it-config-3"
            default: allow
            rules:
              - id: no-deletes
                action: delete_file
                verdict: deny
              - id: greetings
                action: greet
                verdict: allow
            """;

    /** What {@link BasicApp}'s three calls are decided under {@link #POLICY}, in order. */
    private static final List<String> BASIC_VERDICTS =
            List.of("greet allow", "delete_file deny", "transfer_money allow");

    @TempDir
    Path dir;

    @OnEveryJdk
    void agentArgumentsBeatSystemPropertiesBeatEnvironmentVariablesBeatDefaults(Jdk jdk) throws Exception {
        Path fromEnv = dir.resolve("env-records.jsonl");
        ForkedJvm.Run run = AgentApp.on(jdk, dir)
                .policy(POLICY)
                .records(null)
                .option("environment=env-from-args,colour=blue")
                .property("actiongate.environment", "env-from-property")
                .property("actiongate.service", "svc-from-property")
                .property("actiongate.bogus", "1")
                .env("ACTIONGATE_ENVIRONMENT", "env-from-variable")
                .env("ACTIONGATE_SERVICE", "svc-from-variable")
                .env("ACTIONGATE_RECORDS", fromEnv.toString())
                .env("ACTIONGATE_NOPE", "x")
                .main(BasicApp.class)
                .run()
                .assertExit(0);
        AppOutput out = run.output();
        String why = run.describe();

        assertEquals("env-from-args", out.fact("environment"), "ActionContext's default environment\n" + why);
        Records records = Records.read(fromEnv);
        assertEquals(BASIC_VERDICTS, records.verdicts(), why);
        for (JsonNode record : records.decisions()) {
            assertEquals("env-from-args", record.get("environment").asText(), "agent argument beats the others");
            assertEquals("svc-from-property", record.get("service").asText(), "system property beats the variable");
        }
        assertTrue(out.denied("delete").matchedRules().contains("no-deletes"), "the policy from the agent argument");

        for (String unknown : List.of("'colour'", "'actiongate.bogus'", "'ACTIONGATE_NOPE'")) {
            assertTrue(
                    warnings(run).stream().anyMatch(line -> line.contains(unknown)),
                    "a start-up warning names " + unknown + "\n" + why);
        }
        String started = startupLine(run);
        String version = System.getProperty("actiongate.it.version");
        assertTrue(started.contains("ActionGate " + version + " started"), "version " + version + ": " + started);
        assertTrue(started.contains("policy it-config-3"), "policy version: " + started);
        assertTrue(started.contains("2 rules"), "number of rules: " + started);
        assertTrue(started.contains("records " + fromEnv), "records path: " + started);
        assertTrue(
                started.contains("JDK ") && started.contains(out.fact("jdk")),
                "the JDK " + out.fact("jdk") + ": " + started);
        assertTrue(out.fact("jdk").startsWith(Integer.toString(jdk.feature())), out.fact("jdk"));
    }

    /**
     * The agent jar is on the system and (after start) the bootstrap class path: the launcher
     * must work whichever loader ends up defining its classes, which with bytecode verification
     * off is decided later than usual. Failing there would leave every method ungoverned.
     */
    @OnEveryJdk
    void theAgentStartsAndGovernsWithBytecodeVerificationOff(Jdk jdk) throws Exception {
        AgentApp.Result result = AgentApp.on(jdk, dir)
                .policy(POLICY)
                .jvmOption("-XX:+UnlockDiagnosticVMOptions")
                .jvmOption("-XX:-BytecodeVerificationRemote")
                .main(BasicApp.class)
                .run();
        ForkedJvm.Run run = result.assertExit(0);
        String why = run.describe();
        assertFalse(run.stderr().contains("could not start"), why);
        assertTrue(run.output().denied("delete").matchedRules().contains("no-deletes"), why);
        assertEquals(BASIC_VERDICTS, result.records().verdicts(), why);
    }

    @OnEveryJdk
    void withoutSettingsTheDefaultsApply(Jdk jdk) throws Exception {
        // No agent arguments at all: the policy comes from the variable, the records file from the default.
        Path policy = Files.writeString(dir.resolve("policy.yaml"), POLICY);
        ForkedJvm.Run run = AgentApp.on(jdk, dir)
                .records(null)
                .env("ACTIONGATE_POLICY", policy.toString())
                .with(jvm -> jvm.workingDirectory(dir))
                .main(BasicApp.class)
                .run()
                .assertExit(0);
        String why = run.describe();

        Path defaultRecords = dir.resolve("actiongate-decisions.jsonl");
        Records records = Records.read(defaultRecords);
        assertEquals(BASIC_VERDICTS, records.verdicts(), why);
        for (JsonNode record : records.decisions()) {
            assertEquals("development", record.get("environment").asText(), record.toString());
            assertEquals(BasicApp.class.getName(), record.get("service").asText(), record.toString());
            assertEquals("it-config-3", record.get("policy_version").asText(), "policy from ACTIONGATE_POLICY");
        }
        assertEquals(List.of(), warnings(run), why);
        assertFalse(run.stderr().contains("sun.misc.Unsafe"), "no JDK 24+ warning about the agent's libraries\n" + why);
        assertTrue(startupLine(run).contains("records " + defaultRecords), startupLine(run));
    }

    @OnEveryJdk
    void disabledTheAgentInstrumentsNothing(Jdk jdk) throws Exception {
        AgentApp app = AgentApp.on(jdk, dir).policy(POLICY).option("enabled=false");
        Path policy = app.policyFile();
        Path file = app.recordsFile();
        ForkedJvm.Run run = app.with(jvm -> jvm.workingDirectory(dir))
                .main(BasicApp.class)
                .run()
                .assertExit(0);
        AppOutput out = run.output();
        String why = run.describe();

        assertEquals(List.of(), out.deniedLabels(), why);
        assertEquals(
                List.of("greet world", "delete_file /srv/data/report.csv", "transfer_money acct-1->acct-2"),
                out.bodies(),
                "every body runs, the denied delete too\n" + why);
        assertFalse(Files.exists(file), "no records file is created");
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(policy), files.toList(), "nothing else is created either");
        }
        assertTrue(run.stderr().contains("disabled"), "the agent says it is disabled\n" + why);
        assertFalse(run.stderr().contains("governing "), "no method was instrumented\n" + why);
    }

    /** The agent's WARN lines. */
    private static List<String> warnings(ForkedJvm.Run run) {
        return run.stderr()
                .lines()
                .filter(line -> line.contains("[actiongate] WARN"))
                .toList();
    }

    private static String startupLine(ForkedJvm.Run run) {
        return run.stderr()
                .lines()
                .filter(line -> line.contains("[actiongate]") && line.contains(" started"))
                .findFirst()
                .orElseGet(() -> org.junit.jupiter.api.Assertions.fail("no start-up line\n" + run.describe()));
    }
}
