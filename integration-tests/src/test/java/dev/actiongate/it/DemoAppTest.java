package dev.actiongate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command: the packaged demo, under the agent, with its shipped policy and
 * the admin API on, approving its own held row with {@code --auto-approve-after}. The demo itself
 * checks every row against an embedded GreenMail and exits non-zero on divergence.
 */
class DemoAppTest {

    @TempDir
    Path dir;

    @OnEveryJdk
    void theDemoDecidesEveryRowAsItsPolicySaysAndDeliversOnlyTheAllowedAndApprovedEmails(Jdk jdk) throws Exception {
        Path demo = Path.of(System.getProperty("actiongate.it.demo.dir", "../demo-app"))
                .toAbsolutePath()
                .normalize();
        Path jar = demo.resolve("target/actiongate-demo-app.jar");
        assertTrue(Files.isRegularFile(jar), "the demo jar is built: " + jar);
        Path records = dir.resolve("demo-decisions.jsonl");
        // Does not exist yet: the agent creates it with a random token, as in the README.
        Path tokenFile = dir.resolve("admin-token");
        // A port picked here, not admin_port=0: the demo prints the console's URL from this setting,
        // and it reads it as the README passes it, a system property.
        int port = freePort();

        AgentApp.Result result = AgentApp.on(jdk, dir)
                .jdkDefaults()
                .policyFile(demo.resolve("policy.yaml"))
                .records(records)
                .property("actiongate.admin_port", Integer.toString(port))
                .property("actiongate.admin_token_file", tokenFile.toString())
                .with(jvm -> jvm.workingDirectory(dir))
                .jar(jar, "--records", records.toString(), "--auto-approve-after", "1s")
                .run();
        ForkedJvm.Run run = result.assertExit(0);
        String why = run.describe();
        String stdout = run.stdout();
        assertTrue(stdout.contains("OK: all 6 requests were decided as the policy says"), why);
        assertTrue(stdout.contains("JVM start to main"), why);

        String token = Files.readString(tokenFile).trim();
        assertFalse(token.isEmpty(), "the agent wrote a token into " + tokenFile);
        assertTrue(stdout.contains("Reviewer console: http://127.0.0.1:" + port + "/#token=" + token), why);
        assertTrue(
                stdout.contains("approvals list --url http://127.0.0.1:" + port + " --token-file " + tokenFile), why);
        assertTrue(stdout.contains("Auto-approve: olivia approved request "), why);
        String row5 = tableRow(stdout, 5, why);
        assertTrue(row5.matches("5\\s+production \\+ sensitive\\s+allow\\s+.*"), row5 + "\n" + why);
        assertTrue(row5.contains("approved by olivia after "), row5 + "\n" + why);
        assertTrue(row5.endsWith(" yes"), "row 5 was delivered: " + row5 + "\n" + why);

        Records written = result.records();
        List<String> email = List.of(
                "allow", // 1 low-risk
                "deny", // 2 wrong tenant
                "deny", // 3 missing reason
                "deny", // 4 blocked destination
                "require_approval", // 5 production + sensitive
                "deny", // 6 the AI agent's first four attempts...
                "deny",
                "deny",
                "deny",
                "escalate"); // ... and its fifth
        assertEquals(email, written.verdicts("send_customer_email"), "five single requests, five attempts\n" + why);
        assertEquals(
                List.of("send_customer_email returned", "send_customer_email returned"),
                written.outcomeSummaries(),
                "the allowed email and the approved one ran\n" + why);
        List<JsonNode> decisions = written.decisions();
        assertEquals(
                List.of(decisions.get(decisions.size() - 1).path("decision_id").asText()),
                written.ofKind("incident").stream()
                        .map(incident -> incident.path("decision_id").asText())
                        .toList(),
                "the AI agent's fifth attempt is an incident\n" + why);

        JsonNode held = written.decisions().stream()
                .filter(decision ->
                        "require_approval".equals(decision.path("verdict").asText()))
                .findFirst()
                .orElseGet(() -> fail("no decision held row 5 for approval\n" + why));
        assertTrue(
                held.path("arguments").path("subject").asText().endsWith("#5] production + sensitive"),
                held.toString());
        assertTrue(held.path("matched_rules").toString().contains("sensitive-in-production"), held.toString());
        String decisionId = held.path("decision_id").asText();
        List<JsonNode> resolved = written.ofKind("approval_resolved");
        assertEquals(1, resolved.size(), "one held call\n" + why);
        JsonNode resolution = resolved.get(0);
        assertEquals(decisionId, resolution.path("decision_id").asText(), resolution.toString());
        assertEquals("allow", resolution.path("verdict").asText(), resolution.toString());
        assertEquals("olivia", resolution.path("reviewer").asText(), resolution.toString());
        assertEquals(
                "approved by the demo's --auto-approve-after",
                resolution.path("comment").asText(),
                resolution.toString());
        assertTrue(written.outcome(decisionId).isPresent(), "the approved email ran\n" + why);
        ForkedJvm.agentCli(jdk, "verify", records.toString()).assertExit(0);
    }

    /** The first line of table row {@code number}: its number, request, verdict, ... delivered. */
    private static String tableRow(String stdout, int number, String why) {
        return stdout.lines()
                .filter(line -> line.startsWith(number + "  "))
                .findFirst()
                .orElseGet(() -> fail("no row " + number + " in the table\n" + why));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
