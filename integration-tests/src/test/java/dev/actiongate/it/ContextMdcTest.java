package dev.actiongate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.actiongate.it.apps.BasicApp;
import dev.actiongate.it.apps.MdcApp;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code context_mdc}: an unscoped application that only fills its SLF4J MDC (here SLF4J 1.7) is
 * decided by the actor and tenant it put there; a scope still wins; the record says where each
 * value came from.
 */
class ContextMdcTest {

    private static final String POLICY = """
            version: "it-mdc-1"
            rules:
              - id: alice-exports-for-acme
                action: export_document
                when: 'ctx.actor == "alice" && ctx.tenant == "acme"'
                verdict: allow
            """;

    @TempDir
    Path dir;

    @OnEveryJdk
    void anUnscopedApplicationIsDecidedByTheActorAndTenantInItsMdc(Jdk jdk) throws Exception {
        AgentApp.Result result = AgentApp.on(jdk, dir)
                .policy(POLICY)
                .option("context_mdc=actor=user_id;tenant=tenant_id;reason=ticket")
                .classpath(AppClasspath.legacy())
                .main(MdcApp.class)
                .run();
        ForkedJvm.Run run = result.assertExit(0);
        AppOutput out = run.output();
        String why = run.describe();

        assertTrue(out.allowed("alice@acme") && out.bodyRan("export_document d-1"), why);
        assertEquals("deny", out.denied("alice@globex").verdict(), why);
        assertTrue(out.allowed("scope beats mdc"), why);
        assertEquals("deny", out.denied("nobody").verdict(), why);

        Records records = result.records();
        assertEquals(
                List.of(
                        "export_document allow",
                        "export_document deny",
                        "export_document allow",
                        "export_document deny"),
                records.verdicts(),
                "alice@acme, alice@globex, scope beats mdc, nobody\n" + why);
        List<JsonNode> decisions = records.decisions();
        assertEquals("alice", decisions.get(0).get("actor").asText());
        assertEquals("acme", decisions.get(0).get("tenant").asText());
        assertEquals(
                "mdc:user_id",
                decisions.get(0).get("context_sources").get("actor").asText());
        assertEquals(
                "mdc:tenant_id",
                decisions.get(0).get("context_sources").get("tenant").asText());
        assertEquals(
                "unset", decisions.get(0).get("context_sources").get("reason").asText());
        assertEquals(
                "scope", decisions.get(2).get("context_sources").get("tenant").asText());
        assertEquals("globex", decisions.get(1).get("tenant").asText());
    }

    @OnEveryJdk
    void anApplicationWithoutSlf4jGetsAStartupWarningNotACrash(Jdk jdk) throws Exception {
        ForkedJvm.Run run = AgentApp.on(jdk, dir)
                .policy(POLICY)
                .records(dir.resolve("r.jsonl"))
                .option("context_mdc=actor=user_id")
                .main(BasicApp.class)
                .run()
                .assertExit(0);
        assertTrue(run.stderr().contains("context_mdc is set") && run.stderr().contains("no SLF4J"), run.describe());
    }
}
