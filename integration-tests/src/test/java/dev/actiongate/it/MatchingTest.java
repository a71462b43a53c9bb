package dev.actiongate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.actiongate.it.AppOutput.Denial;
import dev.actiongate.it.apps.MatchingApp;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.io.TempDir;

/** Which methods are governed, however they are declared and however they are called. */
class MatchingTest {

    private static final String POLICY = """
            version: "it-matching-1"
            default: allow
            rules:
              - id: blocked-user
                action: notify_user
                when: 'args.user == "blocked"'
                verdict: deny
                reason: this user must not be notified
            """;
    private static final String APP = "dev.actiongate.it.apps.MatchingApp$";

    @TempDir
    Path dir;

    @OnEveryJdk
    void governedMethodsAreFoundAndDecidedHoweverTheyAreDeclaredOrCalled(Jdk jdk) throws Exception {
        Path file = dir.resolve("records.jsonl");
        ForkedJvm.Run run = AgentApp.on(jdk, dir)
                .policy(POLICY)
                .main(MatchingApp.class)
                .run()
                .assertExit(0);
        AppOutput out = run.output();
        Records records = Records.read(file);
        String why = run.describe();

        assertEquals(List.of(), out.threw(), why);
        Map<String, Long> perAction = records.decisions().stream()
                .collect(Collectors.groupingBy(
                        record -> record.get("action").asText(), TreeMap::new, Collectors.counting()));
        assertEquals(
                Map.of(
                        "notify_user",
                        6L,
                        "export_data",
                        2L,
                        "send_message",
                        1L,
                        "purge_cache",
                        1L,
                        "outer_step",
                        1L,
                        "inner_step",
                        1L),
                perAction,
                "decisions per action\n" + why);

        // annotation on the interface method
        assertEquals(
                APP + "SmsNotifier#notifyUser(java.lang.String)",
                records.decisionWithArgument("user", "u-interface")
                        .get("method")
                        .asText());
        assertTrue(out.bodyRan("notify_user u-interface") && out.bodyRan("notify_user u-direct"), why);
        assertEquals(
                "allow",
                records.decisionWithArgument("user", "u-direct").get("verdict").asText());
        // on the abstract superclass method
        assertEquals(
                APP + "CsvExporter#export(java.lang.String)",
                records.decisionWithArgument("dataset", "customers")
                        .get("method")
                        .asText());
        // on a generic interface method, implemented with the type argument: one decision, not two
        JsonNode generic = records.decisions("send_message").get(0);
        assertEquals(
                APP + "EmailSender#send(" + APP + "Email)",
                generic.get("method").asText());
        assertEquals(
                "a@example.com",
                generic.get("arguments").get("message").get("to").asText());
        // a static method
        assertEquals(
                APP + "Maintenance#purge(java.lang.String)",
                records.decisionWithArgument("region", "eu-west").get("method").asText());

        // reflection, method references and lambdas are decided, and enforced, in the callee
        assertAllowedAndRecorded(out, records, "reflection", "notify_user u-reflection", "user", "u-reflection");
        assertAllowedAndRecorded(out, records, "method-reference", "notify_user u-reference", "user", "u-reference");
        assertAllowedAndRecorded(out, records, "lambda", "export_data from-lambda", "dataset", "from-lambda");
        for (String label : List.of("reflection-denied", "method-reference-denied")) {
            Denial denial = out.denied(label);
            assertEquals(List.of("blocked-user"), denial.matchedRules(), label);
            assertEquals("this user must not be notified", denial.reason(), label);
            assertEquals(
                    "blocked",
                    records.decision(denial.decisionId())
                            .get("arguments")
                            .get("user")
                            .asText());
        }
        assertFalse(out.bodyRan("notify_user blocked"), why);

        // a governed method calling another: two decisions, nested in order
        JsonNode outer = records.decisions("outer_step").get(0);
        JsonNode inner = records.decisions("inner_step").get(0);
        JsonNode innerOutcome =
                records.outcome(inner.get("decision_id").asText()).orElseThrow();
        JsonNode outerOutcome =
                records.outcome(outer.get("decision_id").asText()).orElseThrow();
        assertEquals(
                List.of(0, 1, 2, 3),
                List.of(
                        0,
                        records.indexOf(inner) - records.indexOf(outer),
                        records.indexOf(innerOutcome) - records.indexOf(outer),
                        records.indexOf(outerOutcome) - records.indexOf(outer)),
                "outer decision, inner decision, inner outcome, outer outcome");
        assertEquals("job-1-inner", inner.get("arguments").get("job").asText());
        assertEquals(
                List.of("outer_step job-1", "inner_step job-1-inner"),
                out.bodies().stream().filter(body -> body.contains("_step")).toList());

        // constructors and methods without the annotation run without any record
        assertTrue(out.allowed("overload") && out.bodyRan("overload u-overload x2"), why);
        assertTrue(out.allowed("helper") && out.bodyRan("helper"), why);
        assertTrue(out.allowed("constructors"), why);
        assertEquals(
                List.of("constructor a-1", "constructor a-2", "plain constructor", "plain unannotated"),
                out.bodies().stream()
                        .filter(body -> body.startsWith("constructor") || body.startsWith("plain"))
                        .toList());
        for (JsonNode record : records.decisions()) {
            String method = record.get("method").asText();
            assertFalse(
                    method.contains("<init>")
                            || method.contains("Account")
                            || method.contains("Plain")
                            || method.contains("helper")
                            || method.contains("int)"),
                    "unexpected record " + record);
        }
        List<List<String>> ids = records.allowedAndOutcomeIds();
        assertEquals(ids.get(0), ids.get(1), "one outcome per allowed call, none for a denied one\n" + why);
    }

    /** The call {@code label} was allowed, its body said {@code body}, and the decision with that argument says allow. */
    private static void assertAllowedAndRecorded(
            AppOutput out, Records records, String label, String body, String argument, String value) {
        assertTrue(out.allowed(label) && out.bodyRan(body), out.run().describe());
        assertEquals(
                "allow",
                records.decisionWithArgument(argument, value).get("verdict").asText(),
                label);
    }
}
