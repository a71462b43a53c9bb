package dev.actiongate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * Hot reload in a running agent: its watcher sees the policy file replaced and puts the new one in
 * force, naming the govern: entries that were never instrumented. That every decision uses one
 * whole policy version under load, and a broken version is rejected while the old one stays, is
 * ReloadUnderLoadTest's, in-process; that a file saved in place by a slow writer is reported only
 * once it is whole is PolicyFileWatcherTest's.
 */
class PolicyReloadTest {

    @TempDir
    Path dir;

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
