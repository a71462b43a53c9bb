package dev.actiongate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.actiongate.it.apps.UnlocatableApp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
        AgentApp setup = AgentApp.on(jdk, dir)
                .policy(POLICY)
                .admin("unlocatable-token-0123456789abcdef")
                .main(UnlocatableApp.class, "done")
                .timeout(Duration.ofSeconds(90));
        try (AgentApp.Running app = setup.start()) {
            String url = app.adminUrl();
            Path tokenFile = setup.tokenFile();
            JsonNode status = app.awaitValue("/status listing an instrumentation failure", () -> {
                JsonNode body = app.admin().get("/status").body();
                return body.path("instrumentation_failures").size() > 0 ? body : null;
            });
            assertEquals(1, status.get("instrumentation_failures").size(), status.toPrettyString());
            assertEquals(1, status.get("instrumentation_failures_count").asInt(), status.toPrettyString());
            JsonNode failure = status.get("instrumentation_failures").get(0);
            assertEquals(
                    UnlocatableApp.class.getName() + "$Broken",
                    failure.get("type").asText());
            assertTrue(failure.get("loader").asText().startsWith("from-bytes"), failure.toString());
            assertTrue(failure.get("cause").asText().contains("GenericSignatureFormatError"), failure.toString());
            assertTrue(failure.hasNonNull("timestamp"), failure.toString());

            ForkedJvm.Run cli = ForkedJvm.agentCli(jdk, "status", "--url", url, "--token-file", tokenFile.toString());
            cli.assertExit(3);
            assertTrue(
                    cli.stderr().contains("1 class(es) could not be instrumented")
                            && cli.stderr()
                                    .contains(UnlocatableApp.class.getName() + "$Broken (class loader from-bytes"),
                    cli.describe());
            assertTrue(
                    cli.stdout().contains("\"instrumentation_failures\""),
                    "the status itself is printed\n" + cli.describe());

            app.signal("done");
            ForkedJvm.Run run = app.finish().run();
            run.assertExit(0);
            AppOutput out = run.output();
            assertEquals(
                    "deny",
                    out.denied("sub").verdict(),
                    "Sub overrides a governed method of a class its loader" + " hides: governed all the same\n"
                            + run.describe());
            assertTrue(!out.bodyRan("sub transfer sub-account"), run.describe());
            assertTrue(
                    out.bodyRan("broken transfer broken-account"),
                    "the failed class runs as compiled\n" + run.describe());
            assertTrue(
                    run.stderr().contains("ERROR could not instrument " + UnlocatableApp.class.getName() + "$Broken"),
                    run.describe());

            Records written = app.records();
            List<JsonNode> failed = written.ofKind("instrumentation_failed");
            assertEquals(1, failed.size(), written.records().toString());
            JsonNode record = failed.get(0);
            assertEquals(
                    UnlocatableApp.class.getName() + "$Broken",
                    record.get("type").asText());
            assertEquals(failure.get("loader").asText(), record.get("loader").asText());
            assertEquals(failure.get("cause").asText(), record.get("cause").asText());
            assertEquals(UnlocatableApp.class.getName(), record.get("service").asText());
            assertTrue(record.hasNonNull("timestamp"), record.toString());
            assertEquals(
                    List.of(true),
                    written.decisions("transfer_funds").stream()
                            .map(d -> d.path("method").asText().contains("Sub#"))
                            .toList(),
                    "only Sub's call was decided: " + written.decisions("transfer_funds"));
        }
    }
}
