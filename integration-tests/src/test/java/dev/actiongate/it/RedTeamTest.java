package dev.actiongate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actiongate.it.apps.RedTeamApp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

/**
 * Routes around the gate found by trying, as an attacker or an unlucky library would, the shapes
 * an implementation of an annotated interface can take. The policy allows nothing, so every
 * governed call must be denied, decided once and recorded, and no governed body may run.
 */
class RedTeamTest {

    private static final String DENY_ALL = """
            version: "red-team-1"
            default: deny
            rules:
              - id: nothing-else
                action: never_called
                verdict: allow
            """;

    @TempDir
    Path dir;

    @OnEveryJdk
    void theHandlerOfAGovernedLambdaDoesNotRunTheLambdaUndecided(Jdk jdk) throws IOException {
        AppOutput out = run(jdk, "handler");
        assertEquals(List.of(), out.bodies(), "no governed body may run\n" + out.run().describe());
    }

    @OnEveryJdk
    void theHandlerOfAGovernedLambdaOpensNothingOfJavaBase(Jdk jdk) throws IOException {
        AppOutput out = run(jdk, "escalation");
        assertEquals("false", out.fact("java.lang opened"), out.run().describe());
        assertEquals(List.of(), out.bodies(), "no governed body may run\n" + out.run().describe());
        assertEquals(List.of("greet after escalation"), out.deniedLabels(), out.run().describe());
    }

    @OnEveryJdk
    void aMethodInheritedFromAGenericSuperclassIsGoverned(Jdk jdk) throws IOException {
        assertDeniedOnce(run(jdk, "generic-superclass"), "generic superclass", "notify_user");
        assertTrue(Records.read(dir.resolve("records.jsonl")).decisions("notify_user").get(0).get("arguments").has("user"),
                "named after the interface's parameters");
    }

    private AppOutput run(Jdk jdk, String mode) throws IOException {
        Path policy = Files.writeString(dir.resolve("policy.yaml"), DENY_ALL);
        return ForkedJvm.on(jdk).agent("policy=" + policy + ",records=" + dir.resolve("records.jsonl"))
                .classpath(AppClasspath.basic()).main(RedTeamApp.class, mode).run().assertExit(0).output();
    }

    private void assertDeniedOnce(AppOutput out, String label, String action) throws IOException {
        assertEquals(List.of(), out.bodies(), "no governed body may run\n" + out.run().describe());
        assertEquals(List.of(label), out.deniedLabels(), out.run().describe());
        assertEquals(1, Records.read(dir.resolve("records.jsonl")).decisions(action).size(),
                "decided once and recorded\n" + out.run().describe());
    }
}
