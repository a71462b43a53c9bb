package dev.actiongate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.actiongate.it.apps.ApprovalApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ops switch governing off and on, and force monitor mode, in a running agent without a restart;
 * each switch is recorded with who made it.
 */
class KillSwitchTest {

    private static final String POLICY = """
            version: "it-switch-1"
            default: deny
            rules: []
            """;

    @TempDir
    Path dir;

    @OnEveryJdk
    void governingIsSwitchedOffAndBackOnInMonitorModeAtRunTime(Jdk jdk) throws Exception {
        AgentApp setup = AgentApp.on(jdk, dir)
                .policy(POLICY)
                .admin("ops-token-0123456789abcdef0123456")
                .main(
                        ApprovalApp.class,
                        "call:before:one@x.example",
                        "gate:off",
                        "call:while-off:two@x.example",
                        "mark:passed",
                        "gate:monitor",
                        "call:monitored:three@x.example");
        Path tokenFile = setup.tokenFile();
        try (AgentApp.Running app = setup.start()) {
            String url = app.adminUrl();
            AdminClient admin = app.admin();
            app.await(
                    "the first call decided",
                    () -> admin.get("/status")
                                    .body()
                                    .get("decisions")
                                    .get("deny")
                                    .asLong()
                            == 1);

            ForkedJvm.Run switchOff = ForkedJvm.agentCli(
                    jdk,
                    "governance",
                    "--enabled",
                    "false",
                    "--by",
                    "ops-alice",
                    "--reason",
                    "incident 12",
                    "--url",
                    url,
                    "--token-file",
                    tokenFile.toString());
            switchOff.assertExit(0);
            assertTrue(switchOff.stdout().contains("governing is OFF"), switchOff.describe());
            assertFalse(admin.get("/status").body().get("enabled").asBoolean());
            app.signal("off");
            app.awaitMark("passed");

            ForkedJvm.Run noName = ForkedJvm.agentCli(
                    jdk, "governance", "--enabled", "true", "--url", url, "--token-file", tokenFile.toString());
            assertEquals(2, noName.exitCode(), "a switch must say who makes it\n" + noName.describe());
            ForkedJvm.Run switchOn = ForkedJvm.agentCli(
                    jdk,
                    "governance",
                    "--enabled",
                    "true",
                    "--mode",
                    "monitor",
                    "--by",
                    "ops-bob",
                    "--url",
                    url,
                    "--token-file",
                    tokenFile.toString());
            switchOn.assertExit(0);
            JsonNode status = admin.get("/status").body();
            assertEquals("monitor", status.get("mode").asText(), status.toString());
            assertEquals("ops-bob", status.get("switched").get("by").asText(), status.toString());
            app.signal("monitor");

            AppOutput out = app.output();
            assertEquals("deny", out.denied("before").verdict());
            assertTrue(
                    out.allowed("while-off") && out.bodyRan("send two@x.example"),
                    out.run().describe());
            assertTrue(
                    out.allowed("monitored") && out.bodyRan("send three@x.example"),
                    out.run().describe());

            Records written = app.records();
            assertEquals(
                    List.of("one@x.example", "three@x.example"),
                    written.decisions().stream()
                            .map(d -> d.path("arguments").path("to").asText())
                            .toList(),
                    "the call made while governing was off is not recorded");
            JsonNode monitored = written.decisionWithArgument("to", "three@x.example");
            assertEquals("deny", monitored.get("verdict").asText());
            assertFalse(monitored.get("enforced").asBoolean());
            List<JsonNode> switches = written.ofKind("governance_switched");
            assertEquals(
                    List.of("ops-alice off policy", "ops-bob on monitor"), switched(switches), switches.toString());
            assertEquals("ops-alice", switches.get(0).get("by").asText());
            assertFalse(switches.get(0).get("enabled").asBoolean());
            assertEquals("incident 12", switches.get(0).get("reason").asText());
            assertEquals("monitor", switches.get(1).get("mode").asText());
        }
    }

    @OnEveryJdk
    void withReviewerTokensSwitchingOffTakesAReviewersTokenAndRecordsItsName(Jdk jdk) throws Exception {
        String[] olivia =
                minted(ForkedJvm.agentCli(jdk, "reviewer-token", "olivia").assertExit(0));
        Path reviewers = Files.writeString(dir.resolve("reviewers"), olivia[1] + "\n");
        AgentApp setup = AgentApp.on(jdk, dir)
                .policy(POLICY)
                .admin("ops-token-0123456789abcdef0123456")
                .option("reviewer_tokens_file=" + reviewers)
                .main(ApprovalApp.class, "gate:exit");
        try (AgentApp.Running app = setup.start()) {
            AdminClient admin = app.admin();
            AdminClient asOlivia = new AdminClient(admin.url(), olivia[0]);
            for (Map<String, Object> weakening : List.<Map<String, Object>>of(
                    Map.of("enabled", false, "by", "ops-alice"),
                    Map.of("mode", "monitor", "by", "ops-alice"),
                    Map.of("mode", "policy", "by", "ops-alice"))) {
                AdminClient.Answer refused = admin.post("/governance", weakening);
                assertEquals(403, refused.status(), weakening + ": " + refused);
                assertTrue(refused.body().get("error").asText().contains("names nobody"), refused.toString());
            }
            AdminClient.Answer impersonating =
                    asOlivia.post("/governance", Map.of("enabled", false, "by", "ops-alice"));
            assertEquals(403, impersonating.status(), impersonating.toString());
            assertTrue(impersonating.body().get("error").asText().contains("olivia's"), impersonating.toString());
            assertTrue(admin.get("/status").body().get("enabled").asBoolean(), "nothing was switched yet");

            AdminClient.Answer off = asOlivia.post("/governance", Map.of("enabled", false, "reason", "incident 12"));
            assertEquals(200, off.status(), off.toString());
            AdminClient.Answer on = admin.post("/governance", Map.of("enabled", true, "by", "ops-bob"));
            assertEquals(200, on.status(), "switching back on needs no name the API vouches for: " + on);
            app.signal("exit");
            app.finish().assertExit(0);

            List<JsonNode> switches = app.records().ofKind("governance_switched");
            assertEquals(List.of("olivia off policy", "ops-bob on policy"), switched(switches), switches.toString());
            assertEquals("olivia", switches.get(0).get("by").asText(), "the token's name, not a free text");
            assertEquals(
                    "admin-api:reviewer-token", switches.get(0).get("trigger").asText());
            assertEquals("ops-bob", switches.get(1).get("by").asText());
            assertEquals("admin-api", switches.get(1).get("trigger").asText());
        }
    }

    /** Each switch as {@code "by on|off mode"}: who made it and what it made. */
    private static List<String> switched(List<JsonNode> switches) {
        return switches.stream()
                .map(s -> s.get("by").asText() + " " + (s.get("enabled").asBoolean() ? "on" : "off") + " "
                        + s.get("mode").asText())
                .toList();
    }

    /** What {@code reviewer-token} printed: {@code [token, line for the file]}. */
    private static String[] minted(ForkedJvm.Run run) {
        String[] minted = new String[2];
        for (String line : run.stdout().lines().toList()) {
            if (line.startsWith("token for ")) {
                minted[0] = line.substring(line.lastIndexOf(": ") + 2).trim();
            } else if (line.startsWith("line for reviewer_tokens_file: ")) {
                minted[1] = line.substring("line for reviewer_tokens_file: ".length())
                        .trim();
            }
        }
        return minted;
    }
}
