package dev.actiongate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actiongate.it.apps.RedTeamApp;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.io.TempDir;

/**
 * Routes around the gate found by trying, as an attacker or an unlucky library would, the shapes
 * an implementation of an annotated interface can take. The policy allows nothing, so every
 * governed call must be denied, decided once and recorded, and no governed body may run.
 */
class RedTeamTest {

    @TempDir
    Path dir;

    @OnEveryJdk
    void theHandlerOfAGovernedLambdaDoesNotRunTheLambdaUndecided(Jdk jdk) throws IOException {
        AppOutput out = run(jdk, "handler");
        assertEquals(
                List.of(),
                out.bodies(),
                "no governed body may run\n" + out.run().describe());
    }

    @OnEveryJdk
    void theHandlerOfAGovernedLambdaOpensNothingOfJavaBase(Jdk jdk) throws IOException {
        AppOutput out = run(jdk, "escalation");
        assertEquals("false", out.fact("java.lang opened"), out.run().describe());
        out.assertOnlyDenied(List.of("greet after escalation"));
    }

    @OnEveryJdk
    void aMethodInheritedFromAGenericSuperclassIsGoverned(Jdk jdk) throws IOException {
        assertDeniedOnce(run(jdk, "generic-superclass"), "generic superclass", "notify_user");
        assertTrue(
                Records.read(dir.resolve("records.jsonl"))
                        .decisions("notify_user")
                        .get(0)
                        .get("arguments")
                        .has("user"),
                "named after the interface's parameters");
    }

    /**
     * A class that implements the annotated interface with a {@code final} method it inherits from
     * a superclass that does not implement it cannot take an override: the class still loads
     * (an added override would make the JVM refuse it), and the gap is reported as an
     * instrumentation failure, never silently.
     */
    @OnEveryJdk
    void aMethodInheritedAsFinalIsReportedWithoutBreakingTheClass(Jdk jdk) throws IOException {
        AppOutput out = run(jdk, "final-superclass");
        assertEquals(
                List.of("final superclass eve"),
                out.bodies(),
                "the class loads\n" + out.run().describe());
        List<com.fasterxml.jackson.databind.JsonNode> failures =
                Records.read(dir.resolve("records.jsonl")).ofKind("instrumentation_failed");
        assertEquals(1, failures.size(), out.run().describe());
        assertEquals(
                RedTeamApp.FinalInheriting.class.getName(),
                failures.get(0).get("type").asText());
        assertTrue(
                failures.get(0).get("cause").asText().contains("cannot be overridden"),
                failures.get(0).toString());
    }

    @OnEveryJdk
    void aLambdaOfAnInterfaceThatNeedsBridgesIsGoverned(Jdk jdk) throws IOException {
        AppOutput out = run(jdk, "bridged-lambda");
        out.assertOnlyDenied(List.of("bridged lambda", "bridged lambda erased"));
    }

    @OnEveryJdk
    void aLambdaCastToAnInterfaceAndAMarkerIsGoverned(Jdk jdk) throws IOException {
        AppOutput out = run(jdk, "marker-lambda");
        assertDeniedOnce(out, "marker lambda", "notify_user");
        assertEquals("true", out.fact("marker lambda is a Marker"), out.run().describe());
    }

    /**
     * Shows: an implementation of an annotated interface made by calling
     * {@code LambdaMetafactory.metafactory} directly (as libraries that build fast accessors do,
     * or through reflection or a method handle) is a hidden class the agent never sees: its body
     * runs with no decision, no record and no log line. Only {@code invokedynamic} call sites are
     * rewritten; closing this needs the metafactory itself intercepted.
     */
    @Disabled("finding: LambdaMetafactory called by the application creates ungoverned implementations; not fixed")
    @OnEveryJdk
    void anImplementationMadeByCallingTheMetafactoryIsGoverned(Jdk jdk) throws IOException {
        assertDeniedOnce(run(jdk, "metafactory"), "metafactory", "notify_user");
    }

    /**
     * An allowed call of one implementation that calls another implementation (not a proxy of
     * it) with the same arguments does not lend it its decision: only a generated class's call
     * is joined by the call it forwards.
     */
    @OnEveryJdk
    void anotherImplementationCalledWithTheSameArgumentsIsDecidedOnItsOwn(Jdk jdk) throws IOException {
        String onlySafe = """
                version: "red-team-join"
                default: deny
                rules:
                  - id: only-safe
                    action: notify_user
                    when: 'method.class == "%s"'
                    verdict: allow
                """.formatted(RedTeamApp.SafeNotifier.class.getName());
        AppOutput out = run(jdk, "join", onlySafe);
        assertEquals(
                List.of("safe eve"),
                out.bodies(),
                "the other implementation's body must not run\n" + out.run().describe());
        assertEquals(
                2,
                Records.read(dir.resolve("records.jsonl"))
                        .decisions("notify_user")
                        .size(),
                "two implementations, two decisions\n" + out.run().describe());
    }

    private AppOutput run(Jdk jdk, String mode) throws IOException {
        return run(jdk, mode, Policies.DENY_ALL);
    }

    private AppOutput run(Jdk jdk, String mode, String policyText) throws IOException {
        return AgentApp.on(jdk, dir)
                .policy(policyText)
                .main(RedTeamApp.class, mode)
                .run()
                .assertExit(0)
                .output();
    }

    private void assertDeniedOnce(AppOutput out, String label, String action) throws IOException {
        out.assertOnlyDenied(List.of(label));
        assertEquals(
                1,
                Records.read(dir.resolve("records.jsonl")).decisions(action).size(),
                "decided once and recorded\n" + out.run().describe());
    }
}
