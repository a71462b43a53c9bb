package dev.actiongate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.actiongate.it.apps.UnloadApp;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent keeps no application class loader alive: a loader whose governed class ran, was
 * decided and recorded, is collected once the application drops it (a plugin unloaded, a web
 * application undeployed). Caches keyed by loaders must not hold them through their values.
 */
class UnloadTest {

    private static final String POLICY = """
            version: "it-unload-1"
            default: deny
            rules:
              - id: plugins-run
                action: run_plugin
                verdict: allow
                reason: plugins may run
            """;

    @TempDir
    Path dir;

    @OnEveryJdk
    void aDiscardedLoaderIsCollectedAfterItsGovernedClassRan(Jdk jdk) throws Exception {
        // context_mdc makes each call read the plugin's own SLF4J MDC as well as log through it.
        AgentApp.Result result = AgentApp.on(jdk, dir)
                .jdkDefaults()
                .policy(POLICY)
                .option("context_mdc=actor=user_id")
                .main(UnloadApp.class)
                .run();
        ForkedJvm.Run run = result.assertExit(0);
        String why = run.describe();
        assertTrue(run.stdout().contains("RAN ran job-1"), why);
        List<JsonNode> decisions = result.records().decisions();
        assertEquals(1, decisions.size(), why);
        assertEquals("run_plugin", decisions.get(0).get("action").asText());
        assertEquals("allow", decisions.get(0).get("verdict").asText());
        assertTrue(
                run.stdout().contains("\nCOLLECTED") || run.stdout().startsWith("COLLECTED"),
                "the plugin's class loader stayed reachable\n" + why);
    }
}
