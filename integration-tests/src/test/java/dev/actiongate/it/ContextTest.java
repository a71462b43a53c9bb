package dev.actiongate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.actiongate.it.AppOutput.Denial;
import dev.actiongate.it.apps.ContextApp;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

/** What {@code ActionContext} puts into decisions: nesting, threads, the environment, attributes. */
class ContextTest {

    private static final String POLICY = """
            version: "it-context-1"
            default: allow
            rules:
              - id: sms-channel
                when: '"channel" in ctx.attributes && ctx.attributes.channel == "sms"'
                verdict: deny
                reason: sms is not an approved channel
              - id: evil-tenant
                when: 'ctx.tenant == "evil-corp"'
                verdict: deny
                reason: tenant is blocked
            """;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CHAT = "{\"channel\":\"chat\"}";

    @TempDir
    Path dir;

    @OnEveryJdk
    void scopesNestRestoreAndTravelToOtherThreadsWhenWrapped(Jdk jdk) throws Exception {
        Path file = dir.resolve("records.jsonl");
        ForkedJvm.Run run = AgentApp.on(jdk, dir)
                .policy(POLICY)
                .option("environment=staging")
                .main(ContextApp.class)
                .run()
                .assertExit(0);
        AppOutput out = run.output();
        Records records = Records.read(file);
        String why = run.describe();

        assertUnscoped(records, "no-scope", "main");
        assertScoped(records, "outer", "agent-7", CHAT, "main");
        // The operator configured staging: the inner scope's "production" is a claim, kept beside it
        assertScoped(records, "inner", "agent-8", "{\"channel\":\"chat\",\"priority\":\"high\"}", "main");
        assertEquals(
                "production",
                records.decisionWithArgument("label", "inner")
                        .get("caller_environment")
                        .textValue());
        assertFalse(records.decisionWithArgument("label", "outer").has("caller_environment"));
        assertTrue(out.fact("inner.context").contains("actor=agent-8"), why);
        assertTrue(out.fact("restored.context").contains("actor=agent-7"), why);
        assertTrue(out.fact("restored.context").contains("environment=staging"), why);
        assertScoped(records, "outer-again", "agent-7", CHAT, "main");

        // ActionContext.wrap carries the context to the pool thread; an unwrapped task has none
        assertScoped(records, "wrapped-runnable", "agent-7", CHAT, "ctx-worker-1");
        assertScoped(records, "wrapped-callable", "agent-7", CHAT, "ctx-worker-1");
        assertUnscoped(records, "unwrapped", "ctx-worker-1");

        assertTrue(out.fact("after.context").contains("actor=null"), why);
        assertUnscoped(records, "after", "main");

        // ctx.attributes and ctx.tenant decide
        Denial sms = out.denied("sms");
        assertEquals(List.of("sms-channel"), sms.matchedRules());
        assertEquals("sms is not an approved channel", sms.reason());
        assertFalse(out.bodyRan("run_task sms"), why);
        Denial evil = out.denied("evil-tenant");
        assertEquals(List.of("evil-tenant"), evil.matchedRules());
        assertEquals(
                "evil-corp", records.decision(evil.decisionId()).get("tenant").asText());
        assertEquals(List.of("sms", "evil-tenant"), out.deniedLabels(), why);
    }

    /** A call in ContextApp's scope for user-42 of acme ("ticket 4711"), in the configured staging. */
    private static void assertScoped(Records records, String label, String actor, String attributes, String thread)
            throws Exception {
        assertContext(records, label, actor, "user-42", "acme", "ticket 4711", "staging", attributes, thread);
    }

    /** A call outside any scope: only the configured environment is known. */
    private static void assertUnscoped(Records records, String label, String thread) throws Exception {
        assertContext(records, label, null, null, null, null, "staging", "{}", thread);
    }

    private static void assertContext(
            Records records,
            String label,
            String actor,
            String onBehalfOf,
            String tenant,
            String reason,
            String environment,
            String attributes,
            String thread)
            throws Exception {
        JsonNode record = records.decisionWithArgument("label", label);
        String where = label + ": " + record;
        assertEquals(actor, record.get("actor").textValue(), where);
        assertEquals(onBehalfOf, record.get("on_behalf_of").textValue(), where);
        assertEquals(tenant, record.get("tenant").textValue(), where);
        assertEquals(reason, record.get("caller_reason").textValue(), where);
        assertEquals(environment, record.get("environment").textValue(), where);
        assertEquals(JSON.readTree(attributes), record.get("attributes"), where);
        assertEquals(thread, record.get("thread").textValue(), where);
        assertEquals("allow", record.get("verdict").textValue(), where);
    }
}
