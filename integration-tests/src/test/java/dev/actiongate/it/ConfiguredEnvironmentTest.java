package dev.actiongate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.actiongate.it.apps.AttachCatchApp;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

/**
 * An environment the operator configured is a deployment fact: a scope that claims another one
 * cannot skip the production-only rules. The claim is kept in the record and warned about once.
 * Left to the built-in default, the scope's environment stands as before: that, and an
 * environment variable configuring it as an agent argument does, are GateTest's and
 * AgentConfigTest's, in-process; this forked case keeps the agent's wiring and its warnings.
 */
class ConfiguredEnvironmentTest {

    private static final String POLICY = """
            version: "it-environment-1"
            default: allow
            rules:
              - id: production-only
                action: send_customer_email
                when: 'ctx.environment == "production"'
                verdict: deny
                reason: "no customer emails from production in this test"
            """;

    @TempDir
    Path dir;

    @OnEveryJdk
    void aScopeCannotContradictTheConfiguredEnvironment(Jdk jdk) throws Exception {
        AgentApp.Result result = app(jdk).option("environment=production")
                .main(
                        AttachCatchApp.class,
                        "call:staging-1:env=staging",
                        "call:staging-2:env=staging",
                        "call:dev:env=dev",
                        "call:unclaimed:scope",
                        "call:agreeing:env=production")
                .run();
        ForkedJvm.Run run = result.assertExit(0);
        for (String label : List.of("staging-1", "staging-2", "dev", "unclaimed", "agreeing")) {
            assertTrue(run.stdout().contains("CAUGHT " + label + "\t"), label + " is denied\n" + run.describe());
        }
        assertFalse(run.stdout().contains("BODY "), run.describe());

        List<JsonNode> decisions = result.records().decisions();
        assertEquals(
                List.of("production", "production", "production", "production", "production"),
                decisions.stream().map(d -> d.get("environment").asText()).toList());
        assertEquals(
                List.of("staging", "staging", "dev", "-", "-"),
                decisions.stream()
                        .map(d -> d.has("caller_environment")
                                ? d.get("caller_environment").asText()
                                : "-")
                        .toList(),
                "the caller's claim, where it differs");
        decisions.forEach(d ->
                assertEquals("[\"production-only\"]", d.get("matched_rules").toString()));

        assertEquals(
                1,
                occurrences(run.stderr(), "claims environment 'staging'"),
                "warned once per claim\n" + run.describe());
        assertEquals(1, occurrences(run.stderr(), "claims environment 'dev'"), run.describe());
    }

    private AgentApp app(Jdk jdk) {
        return AgentApp.on(jdk, dir).policy(POLICY);
    }

    private static int occurrences(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            count++;
        }
        return count;
    }
}
