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
        int port = freePort();

        ForkedJvm.Run run = ForkedJvm.on(jdk)
                .agent("policy=" + demo.resolve("policy.yaml") + ",records=" + records)
                .systemProperty("actiongate.admin_port", Integer.toString(port))
                .systemProperty("actiongate.admin_token_file", tokenFile.toString())
                .workingDirectory(dir)
                .jar(jar, "--records", records.toString(), "--auto-approve-after", "1s")
                .run()
                .assertExit(0);
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

        Records written = Records.read(records);
        assertEquals(10, written.decisions().size(), "five single requests and five attempts of the AI agent\n" + why);
        assertEquals(2, written.outcomes().size(), "the allowed email and the approved one ran\n" + why);
        assertEquals(1, written.ofKind("incident").size(), "the AI agent's fifth attempt is an incident\n" + why);

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
