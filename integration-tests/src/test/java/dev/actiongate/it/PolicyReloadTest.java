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
import org.junit.jupiter.api.io.TempDir;

/**
 * Hot reload: the policy file is replaced while four threads make governed calls. Every decision
 * uses one whole policy version, a broken version is rejected and recorded while the old one
 * stays, and no call fails because of a swap. That a file saved in place by a slow writer is
 * reported only once it is whole is PolicyFileWatcherTest's, in-process: the same writer, the
 * same watcher, without a JVM to start.
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
        Running app = start(jdk, policy, file);
        replace(policy, DENY);
        app.awaitRecords("policy_loaded", 1);
        replace(policy, BROKEN);
        app.awaitRecords("policy_rejected", 1);
        replace(policy, ALLOW);
        app.awaitRecords("policy_loaded", 2);
        ForkedJvm.Run run = app.finish();
        String why = run.describe();
        AppOutput out = run.output();

        assertEquals("0", out.fact("failed"), "no call failed because of a swap\n" + why);
        assertTrue(Long.parseLong(out.fact("allowed")) > 0 && Long.parseLong(out.fact("denied")) > 0, why);
        assertFalse(run.stderr().contains("internal fault"), why);

        Records records = Records.read(file);
        for (JsonNode decision : records.decisions()) {
            String version = decision.get("policy_version").asText();
            String verdict = decision.get("verdict").asText();
            assertTrue(
                    (version.equals("v-allow") && verdict.equals("allow"))
                            || (version.equals("v-deny") && verdict.equals("deny")),
                    "one whole policy per decision: " + decision);
        }
        List<JsonNode> loaded = records.ofKind("policy_loaded");
        assertEquals(
                List.of("v-allow -> v-deny", "v-deny -> v-allow"),
                loaded.stream()
                        .map(l -> l.get("old_version").asText() + " -> "
                                + l.get("new_version").asText())
                        .toList(),
                why);
        List<JsonNode> rejected = records.ofKind("policy_rejected");
        assertEquals(1, rejected.size(), why);
        assertEquals("v-deny", rejected.get(0).get("in_force_version").asText());
        assertTrue(
                rejected.get(0).get("problems").toString().contains("unknown verdict 'perhaps'"), rejected.toString());
        assertEquals(
                Long.parseLong(out.fact("allowed")) + Long.parseLong(out.fact("denied")),
                records.decisions().size());
        ForkedJvm.agentCli(jdk, "verify", file.toString()).assertExit(0);
    }

    @OnEveryJdk
    void aReloadNamesTheGovernEntriesThatWereNeverInstrumented(Jdk jdk) throws Exception {
        String governed = """
                version: "v-governs"
                govern:
                  - method: "java.util.zip.CRC32#update(int)"
                    action: checksum
                rules:
                  - id: ledger-open
                    action: post_entry
                    verdict: allow
                """;
        // Not there yet (a volume mounted late): the start reads no govern: entry.
        Path policy = dir.resolve("policy.yaml");
        Path file = dir.resolve("records.jsonl");
        Running app = start(jdk, policy, file);
        replace(policy, governed);
        app.awaitRecords("policy_loaded", 1);
        ForkedJvm.Run run = app.finish();
        JsonNode loaded = Records.read(file).ofKind("policy_loaded").get(0);
        assertEquals(1, loaded.get("govern_not_instrumented").size(), loaded + "\n" + run.describe());
        assertTrue(
                loaded.get("govern_not_instrumented").get(0).asText().contains("java.util.zip.CRC32#update(int)"),
                loaded.toString());
        assertTrue(
                run.stderr().contains("were not instrumented when the service started")
                        || run.stdout().contains("were not instrumented when the service started"),
                run.describe());
    }

    /** Starts ReloadApp and returns once the agent watches the policy file. */
    private Running start(Jdk jdk, Path policy, Path records) {
        AgentApp.Running app = AgentApp.on(jdk, dir)
                .policyFile(policy)
                .records(records)
                .main(ReloadApp.class, "60000", "watching", "stop")
                .timeout(Duration.ofSeconds(90))
                .start();
        app.awaitMark("watching");
        return new Running(app, records);
    }

    /** A ReloadApp that is running, and the conditions a test waits for. */
    private record Running(AgentApp.Running app, Path records) {

        void awaitRecords(String kind, int count) {
            await(
                    count + " " + kind + " record(s)",
                    () -> lines().stream()
                                    .filter(line -> line.contains("\"kind\":\"" + kind + "\""))
                                    .count()
                            >= count);
        }

        ForkedJvm.Run finish() {
            try (app) {
                app.signal("stop");
                return app.finish().assertExit(0);
            }
        }

        private List<String> lines() throws java.io.IOException {
            return Files.exists(records) ? Files.readAllLines(records) : List.of();
        }

        private void await(String what, Await.Condition check) {
            try {
                app.await(what, check);
            } catch (AssertionError notInTime) {
                app.close();
                throw notInTime;
            }
        }
    }

    /** As editors and deployment tools do: write aside, then move over the watched file. */
    private static void replace(Path policy, String content) throws Exception {
        Path next = Files.writeString(policy.resolveSibling("policy.yaml.next"), content);
        Files.move(next, policy, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
