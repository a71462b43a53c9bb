package dev.actiongate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.actiongate.it.apps.ApprovalApp;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attach to a JVM started without the agent, see the same call denied and recorded, detach, see
 * it run unrecorded again. The application ships its own copy of the ActionGate API, as a real
 * one does, so the denial must reach its {@code catch} as that copy's exception.
 */
class AttachTest {

    private static final String POLICY = """
            version: "it-attach-1"
            default: deny
            rules: []
            """;

    @TempDir
    Path dir;

    @OnEveryJdk
    void attachGovernsLoadedClassesAndDetachRestoresThem(Jdk jdk) throws Exception {
        AgentApp setup = AgentApp.on(jdk, dir)
                .policy(POLICY)
                .withoutAgent()
                .jvmOption("-XX:+EnableDynamicAgentLoading")
                .main(
                        ApprovalApp.class,
                        "call:before:one@x.example",
                        "mark:ran",
                        "gate:attached",
                        "call:attached:two@x.example",
                        "mark:denied",
                        "gate:detached",
                        "call:after:three@x.example");
        String agentArgs = setup.agentArgs();
        try (AgentApp.Running app = setup.start()) {
            app.awaitMark("ran");
            String pid = Long.toString(app.jvm().pid());

            ForkedJvm.Run list = ForkedJvm.agentCli(jdk, "attach", "--list");
            list.assertExit(0);
            assertTrue(list.stdout().contains(pid + "\t"), list.describe());

            ForkedJvm.Run attach = ForkedJvm.agentCli(jdk, "attach", pid, agentArgs);
            attach.assertExit(0);
            assertTrue(
                    attach.stdout().contains("send_customer_email <- dev.actiongate.it.apps.ApprovalApp$Mailer#send("),
                    "attach prints what it governs\n" + attach.describe());
            ForkedJvm.Run twice = ForkedJvm.agentCli(jdk, "attach", pid, agentArgs);
            twice.assertExit(1);
            assertTrue(twice.stderr().contains("already runs in JVM " + pid), twice.describe());
            app.signal("attached");
            app.awaitMark("denied");

            ForkedJvm.Run detach = ForkedJvm.agentCli(jdk, "detach", pid);
            detach.assertExit(0);
            assertTrue(detach.stdout().contains("detached"), detach.describe());
            ForkedJvm.Run again = ForkedJvm.agentCli(jdk, "detach", pid);
            again.assertExit(1);
            // and once more: a detached agent leaves nothing behind that would stop a new attach
            ForkedJvm.agentCli(jdk, "attach", pid, agentArgs).assertExit(0);
            ForkedJvm.agentCli(jdk, "detach", pid).assertExit(0);
            app.signal("detached");

            AppOutput out = app.output();
            assertTrue(
                    out.allowed("before") && out.bodyRan("send one@x.example"),
                    out.run().describe());
            AppOutput.Denial denial = out.denied("attached");
            assertEquals("deny", denial.verdict(), "caught as the application's own ActionDeniedException");
            assertTrue(
                    out.allowed("after") && out.bodyRan("send three@x.example"),
                    out.run().describe());

            List<JsonNode> decisions = app.records().decisions();
            assertEquals(1, decisions.size(), "only the call made while attached is recorded");
            JsonNode decision = decisions.get(0);
            assertEquals("two@x.example", decision.get("arguments").get("to").asText());
            assertEquals(
                    "support-bot", decision.get("actor").asText(), "read from the application's own ActionContext");
            assertEquals(denial.decisionId(), decision.get("decision_id").asText());
        }
    }
}
