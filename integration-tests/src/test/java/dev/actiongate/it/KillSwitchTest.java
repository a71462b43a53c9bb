package dev.actiongate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.actiongate.it.apps.ApprovalApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
        Path policy = Files.writeString(dir.resolve("policy.yaml"), POLICY);
        Path records = dir.resolve("records.jsonl");
        Path tokenFile = Files.writeString(dir.resolve("token"), "ops-token\n");
        Path off = dir.resolve("off");
        Path passed = dir.resolve("passed");
        Path monitor = dir.resolve("monitor");
        int port = AdminClient.freePort();
        String url = "http://127.0.0.1:" + port;
        ForkedJvm app = ForkedJvm.on(jdk)
                .agent("policy=" + policy + ",records=" + records + ",admin_port=" + port + ",admin_token_file=" + tokenFile)
                .classpath(AppClasspath.basic())
                .main(ApprovalApp.class, "call:before:one@x.example", "gate:" + off, "call:while-off:two@x.example",
                        "mark:" + passed, "gate:" + monitor, "call:monitored:three@x.example")
                .timeout(Duration.ofSeconds(60));
        CompletableFuture<ForkedJvm.Run> running = CompletableFuture.supplyAsync(app::run);
        try {
            AdminClient admin = new AdminClient(url, "ops-token");
            awaitStatus(admin, status -> status.get("decisions").get("deny").asLong() == 1);

            ForkedJvm.Run switchOff = ForkedJvm.agentCli(jdk, "governance", "--enabled", "false", "--by", "ops-alice",
                    "--reason", "incident 12", "--url", url, "--token-file", tokenFile.toString());
            switchOff.assertExit(0);
            assertTrue(switchOff.stdout().contains("governing is OFF"), switchOff.describe());
            assertFalse(admin.get("/status").body().get("enabled").asBoolean());
            Files.createFile(off);
            awaitFile(passed);

            ForkedJvm.Run noName = ForkedJvm.agentCli(jdk, "governance", "--enabled", "true", "--url", url,
                    "--token-file", tokenFile.toString());
            assertEquals(2, noName.exitCode(), "a switch must say who makes it\n" + noName.describe());
            ForkedJvm.Run switchOn = ForkedJvm.agentCli(jdk, "governance", "--enabled", "true", "--mode", "monitor",
                    "--by", "ops-bob", "--url", url, "--token-file", tokenFile.toString());
            switchOn.assertExit(0);
            JsonNode status = admin.get("/status").body();
            assertEquals("monitor", status.get("mode").asText(), status.toString());
            assertEquals("ops-bob", status.get("switched").get("by").asText(), status.toString());
            Files.createFile(monitor);

            AppOutput out = running.get().assertExit(0).output();
            assertEquals("deny", out.denied("before").verdict());
            assertTrue(out.allowed("while-off") && out.bodyRan("send two@x.example"), out.run().describe());
            assertTrue(out.allowed("monitored") && out.bodyRan("send three@x.example"), out.run().describe());

            Records written = Records.read(records);
            assertEquals(2, written.decisions().size(), "the call made while governing was off is not recorded");
            JsonNode monitored = written.decisionWithArgument("to", "three@x.example");
            assertEquals("deny", monitored.get("verdict").asText());
            assertFalse(monitored.get("enforced").asBoolean());
            List<JsonNode> switches = written.ofKind("governance_switched");
            assertEquals(2, switches.size());
            assertEquals("ops-alice", switches.get(0).get("by").asText());
            assertFalse(switches.get(0).get("enabled").asBoolean());
            assertEquals("incident 12", switches.get(0).get("reason").asText());
            assertEquals("monitor", switches.get(1).get("mode").asText());
        } finally {
            running.cancel(true);
            ForkedJvm.stopAll(records.toString());
        }
    }

    private static void awaitStatus(AdminClient admin, java.util.function.Predicate<JsonNode> condition) {
        for (int i = 0; i < 300; i++) {
            try {
                AdminClient.Answer status = admin.get("/status");
                if (status.status() == 200 && condition.test(status.body())) {
                    return;
                }
            } catch (AssertionError notUpYet) {
                // the admin API starts with the agent
            }
            AdminClient.sleep(100);
        }
        throw new AssertionError("the agent never reached the expected status");
    }

    private static void awaitFile(Path file) {
        for (int i = 0; i < 300 && !Files.exists(file); i++) {
            AdminClient.sleep(50);
        }
        assertTrue(Files.exists(file), "the application never got to " + file);
    }
}
