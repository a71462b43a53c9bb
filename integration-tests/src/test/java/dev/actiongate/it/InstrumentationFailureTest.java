package dev.actiongate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.actiongate.it.apps.UnlocatableApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.io.TempDir;

/**
 * A class defined from bytes whose superclass's class file its loader does not expose is still
 * governed: the superclass is described from its loaded form. A class that cannot be instrumented
 * at all (its generic signature is spoiled) runs as compiled, and that is never silent: an ERROR,
 * an {@code instrumentation_failed} record, an entry in {@code /status} and a {@code status} exit
 * code of 3.
 */
class InstrumentationFailureTest {

    private static final String POLICY = """
            version: "it-unlocatable-1"
            default: deny
            rules: []
            """;

    @TempDir
    Path dir;

    @OnEveryJdk
    void anUnlocatableSuperclassIsDescribedFromItsLoadedFormAndAFailureIsReported(Jdk jdk) throws Exception {
        Path policy = Files.writeString(dir.resolve("policy.yaml"), POLICY);
        Path records = dir.resolve("records.jsonl");
        Path tokenFile = Files.writeString(dir.resolve("token"), "unlocatable-token-0123456789\n");
        Path done = dir.resolve("done");
        int port = AdminClient.freePort();
        String url = "http://127.0.0.1:" + port;
        ForkedJvm app = ForkedJvm.on(jdk)
                .agent("policy=" + policy + ",records=" + records + ",admin_port=" + port
                        + ",admin_token_file=" + tokenFile)
                .classpath(AppClasspath.basic()).main(UnlocatableApp.class, done.toString())
                .timeout(Duration.ofSeconds(90));
        CompletableFuture<ForkedJvm.Run> running = CompletableFuture.supplyAsync(app::run);
        try {
            AdminClient admin = new AdminClient(url, "unlocatable-token-0123456789");
            JsonNode status = awaitFailures(admin, Duration.ofSeconds(45));
            assertEquals(1, status.get("instrumentation_failures").size(), status.toPrettyString());
            assertEquals(1, status.get("instrumentation_failures_count").asInt(), status.toPrettyString());
            JsonNode failure = status.get("instrumentation_failures").get(0);
            assertEquals(UnlocatableApp.class.getName() + "$Broken", failure.get("type").asText());
            assertTrue(failure.get("loader").asText().startsWith("from-bytes"), failure.toString());
            assertTrue(failure.get("cause").asText().contains("GenericSignatureFormatError"), failure.toString());
            assertTrue(failure.hasNonNull("timestamp"), failure.toString());

            ForkedJvm.Run cli = ForkedJvm.agentCli(jdk, "status", "--url", url, "--token-file", tokenFile.toString());
            cli.assertExit(3);
            assertTrue(cli.stderr().contains("1 class(es) could not be instrumented")
                    && cli.stderr().contains(UnlocatableApp.class.getName() + "$Broken (class loader from-bytes"),
                    cli.describe());
            assertTrue(cli.stdout().contains("\"instrumentation_failures\""), "the status itself is printed\n" + cli.describe());

            Files.createFile(done);
            ForkedJvm.Run run = running.get();
            run.assertExit(0);
            AppOutput out = run.output();
            assertEquals("deny", out.denied("sub").verdict(), "Sub overrides a governed method of a class its loader"
                    + " hides: governed all the same\n" + run.describe());
            assertTrue(!out.bodyRan("sub transfer sub-account"), run.describe());
            assertTrue(out.bodyRan("broken transfer broken-account"), "the failed class runs as compiled\n" + run.describe());
            assertTrue(run.stderr().contains("ERROR could not instrument " + UnlocatableApp.class.getName() + "$Broken"),
                    run.describe());

            Records written = Records.read(records);
            List<JsonNode> failed = written.ofKind("instrumentation_failed");
            assertEquals(1, failed.size(), written.records().toString());
            JsonNode record = failed.get(0);
            assertEquals(UnlocatableApp.class.getName() + "$Broken", record.get("type").asText());
            assertEquals(failure.get("loader").asText(), record.get("loader").asText());
            assertEquals(failure.get("cause").asText(), record.get("cause").asText());
            assertEquals(UnlocatableApp.class.getName(), record.get("service").asText());
            assertTrue(record.hasNonNull("timestamp"), record.toString());
            assertEquals(1, written.decisions("transfer_funds").size(), "only Sub's call was decided");
        } finally {
            running.cancel(true);
            ForkedJvm.stopAll(done.toString());
        }
    }

    /** {@code /status} once it lists a failure; the admin API starts in the background. */
    private static JsonNode awaitFailures(AdminClient admin, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            try {
                AdminClient.Answer answer = admin.get("/status");
                last = answer.status() + " " + answer.body();
                if (answer.status() == 200 && answer.body().path("instrumentation_failures").size() > 0) {
                    return answer.body();
                }
            } catch (RuntimeException | AssertionError notUpYet) {
                last = notUpYet.toString();
            }
            AdminClient.sleep(100);
        }
        throw new AssertionError("/status never listed an instrumentation failure; last answer: " + last);
    }
}
