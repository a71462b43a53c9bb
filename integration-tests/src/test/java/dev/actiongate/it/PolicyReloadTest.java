package dev.actiongate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.actiongate.it.apps.ReloadApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hot reload: the policy file is replaced while four threads make governed calls. Every decision
 * uses one whole policy version, a broken version is rejected and recorded while the old one
 * stays, and no call fails because of a swap.
 */
class PolicyReloadTest {

    private static final String ALLOW = """
            version: "v-allow"
            rules:
              - id: ledger-open
                action: post_entry
                verdict: allow
            """;
    private static final String DENY = """
            version: "v-deny"
            rules:
              - id: ledger-closed
                action: post_entry
                verdict: deny
                reason: books are closed
            """;
    private static final String BROKEN = """
            version: "v-broken"
            rules:
              - id: ledger-open
                action: post_entry
                verdict: perhaps
            """;

    @TempDir
    Path dir;

    @OnEveryJdk
    void policiesSwapWholeUnderLoadAndABrokenOneIsRejected(Jdk jdk) throws Exception {
        Path policy = Files.writeString(dir.resolve("policy.yaml"), ALLOW);
        Path file = dir.resolve("records.jsonl");
        ForkedJvm app = ForkedJvm.on(jdk).agent("policy=" + policy + ",records=" + file)
                .classpath(AppClasspath.basic()).main(ReloadApp.class, "12000").timeout(Duration.ofSeconds(60));
        CompletableFuture<ForkedJvm.Run> running = CompletableFuture.supplyAsync(app::run);
        // Decisions on disk mean the agent has started; its file watcher starts right after.
        long deadline = System.currentTimeMillis() + 20_000;
        while ((!Files.exists(file) || Files.size(file) == 0) && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        Thread.sleep(1000);
        replace(policy, DENY);
        Thread.sleep(1500);
        replace(policy, BROKEN);
        Thread.sleep(1500);
        replace(policy, ALLOW);
        ForkedJvm.Run run = running.get().assertExit(0);
        String why = run.describe();
        AppOutput out = run.output();

        assertEquals("0", out.fact("failed"), "no call failed because of a swap\n" + why);
        assertTrue(Long.parseLong(out.fact("allowed")) > 0 && Long.parseLong(out.fact("denied")) > 0, why);
        assertFalse(run.stderr().contains("internal fault"), why);

        Records records = Records.read(file);
        for (JsonNode decision : records.decisions()) {
            String version = decision.get("policy_version").asText();
            String verdict = decision.get("verdict").asText();
            assertTrue(version.equals("v-allow") && verdict.equals("allow")
                    || version.equals("v-deny") && verdict.equals("deny"), "one whole policy per decision: " + decision);
        }
        List<JsonNode> loaded = records.ofKind("policy_loaded");
        assertEquals(2, loaded.size(), "v-allow -> v-deny -> v-allow\n" + why);
        assertEquals("v-allow", loaded.get(0).get("old_version").asText());
        assertEquals("v-deny", loaded.get(0).get("new_version").asText());
        List<JsonNode> rejected = records.ofKind("policy_rejected");
        assertEquals(1, rejected.size(), why);
        assertEquals("v-deny", rejected.get(0).get("in_force_version").asText());
        assertTrue(rejected.get(0).get("problems").toString().contains("unknown verdict 'perhaps'"), rejected.toString());
        assertEquals(Long.parseLong(out.fact("allowed")) + Long.parseLong(out.fact("denied")), records.decisions().size());
        ForkedJvm.agentCli(jdk, "verify", file.toString()).assertExit(0);
    }

    /** As editors and deployment tools do: write aside, then move over the watched file. */
    private static void replace(Path policy, String content) throws Exception {
        Path next = Files.writeString(policy.resolveSibling("policy.yaml.next"), content);
        Files.move(next, policy, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
