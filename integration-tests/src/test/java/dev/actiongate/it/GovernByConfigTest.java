package dev.actiongate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.actiongate.it.apps.PlainMailApp;
import dev.actiongate.it.apps.ToolApp;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Methods nobody annotated, governed by the policy's {@code govern:} entries: Jakarta Mail's own
 * {@code Transport.send}, and the {@code @Tool} methods of a LangChain4j agent executed the way
 * LangChain4j executes them.
 */
class GovernByConfigTest {

    private static final String POLICY = """
            version: "it-govern-1"
            govern:
              - method: "jakarta.mail.Transport#send(jakarta.mail.Message)"
                action: send_any_email
              - annotation: "dev.langchain4j.agent.tool.Tool"
                action_from: name_or_method
              - method: "com.example.missing.Nothing#here"
                action: never_called
            rules:
              - id: own-tenant-mail
                action: send_any_email
                # the MimeMessage is read as far as the condition goes: two getters, no others
                when: >-
                  ctx.tenant == "acme" && args.arg0.subject.startsWith("Invoice")
                  && args.arg0.allRecipients.all(r, r.address.endsWith("@acme.example"))
                verdict: allow
              - id: tool-email
                action: send_customer_email
                when: '!args.to.endsWith("@blocked.example")'
                verdict: allow
              - id: lookups
                action: lookupOrder
                verdict: allow
            """;

    @TempDir
    Path dir;

    @RegisterExtension
    final SmtpServer smtp = new SmtpServer();

    @OnEveryJdk
    void jakartaMailTransportSendIsGovernedWithoutAnyAnnotation(Jdk jdk) throws Exception {
        AgentApp.Result result = AgentApp.on(jdk, dir)
                .policy(POLICY)
                .classpath(AppClasspath.mail())
                .main(
                        PlainMailApp.class,
                        "127.0.0.1",
                        Integer.toString(smtp.getSmtp().getPort()),
                        "acme:ann@acme.example",
                        "globex:gus@globex.example")
                .run();
        ForkedJvm.Run run = result.assertExit(0);
        AppOutput out = run.output();
        assertTrue(out.allowed("ann@acme.example"), run.describe());
        AppOutput.Denial denied = out.denied("gus@globex.example");
        assertEquals("deny", denied.verdict());
        assertEquals("send_any_email", denied.action());

        assertTrue(smtp.waitForIncomingEmail(10_000, 1), run.describe());
        // The application has ended, and GreenMail stores a message before it acknowledges it:
        // every email the application sent is here, so no wait for more.
        List<String> recipients = Arrays.stream(smtp.getReceivedMessages())
                .map(GovernByConfigTest::recipient)
                .toList();
        assertEquals(List.of("ann@acme.example"), recipients, "the denied email never reached the server");

        List<JsonNode> decisions = result.records().decisions("send_any_email");
        assertEquals(
                List.of("allow", "deny"),
                decisions.stream().map(d -> d.get("verdict").asText()).toList(),
                decisions.toString());
        JsonNode message = decisions.get(0).get("arguments").get("arg0");
        assertEquals("jakarta.mail.internet.MimeMessage", message.get("@type").asText(), message.toString());
        assertEquals("Invoice for acme", message.get("subject").asText(), message.toString());
        assertEquals(
                "ann@acme.example",
                message.get("allRecipients").get(0).get("address").asText(),
                message.toString());
        assertEquals(
                "jakarta.mail.Transport#send(jakarta.mail.Message)",
                decisions.get(0).get("method").asText());
        assertTrue(
                run.stderr()
                        .contains("governing jakarta.mail.Transport#send(jakarta.mail.Message) as action"
                                + " 'send_any_email'"),
                run.stderr());
        assertTrue(
                run.stderr().contains("govern entry 'com.example.missing.Nothing#here'")
                        && run.stderr().contains("matches nothing"),
                "an entry that matches nothing is reported\n" + run.stderr());
    }

    @OnEveryJdk
    void langChain4jToolsAreGovernedAsTheFrameworkCallsThem(Jdk jdk) throws Exception {
        AgentApp setup = AgentApp.on(jdk, dir)
                .policy(POLICY)
                .admin("status-token-0123456789abcdef0123")
                .classpath(AppClasspath.langchain4j())
                .main(
                        ToolApp.class,
                        "send_customer_email={\"to\":\"ann@acme.example\",\"text\":\"hello\"}",
                        "send_customer_email={\"to\":\"eve@blocked.example\",\"text\":\"hello\"}",
                        "lookupOrder={\"orderId\":\"o-17\"}",
                        "gate=looked");
        ForkedJvm.Run run;
        Records written;
        try (AgentApp.Running app = setup.start()) {
            // status says which methods the policy's govern: entries added, and from which entry
            JsonNode governed = app.awaitValue("both tools governed", () -> {
                JsonNode methods = app.admin().get("/status").body().get("governed_methods");
                return methods.size() >= 2 ? methods : null;
            });
            assertEquals(2, governed.size(), governed.toString());
            for (JsonNode method : governed) {
                assertEquals("config", method.get("source").asText(), method.toString());
                assertEquals(
                        "@dev.langchain4j.agent.tool.Tool",
                        method.get("govern_entry").asText(),
                        method.toString());
            }
            app.signal("looked");
            run = app.finish().assertExit(0);
            written = app.records();
        }
        AppOutput out = run.output();
        assertEquals(
                List.of("tool send_customer_email ann@acme.example", "tool lookupOrder o-17"),
                out.bodies(),
                "the blocked tool call never ran\n" + run.describe());

        JsonNode allowed = written.decisionWithArgument("to", "ann@acme.example");
        assertEquals("allow", allowed.get("verdict").asText());
        assertEquals("send_customer_email", allowed.get("action").asText(), "the action is the @Tool's name");
        assertEquals("support-llm", allowed.get("actor").asText());
        JsonNode blocked = written.decisionWithArgument("to", "eve@blocked.example");
        assertEquals("deny", blocked.get("verdict").asText());
        assertEquals(
                "lookupOrder",
                written.decisionWithArgument("orderId", "o-17").get("action").asText(),
                "a @Tool without a name is governed under its method's name");
    }

    private static String recipient(MimeMessage message) {
        try {
            return message.getAllRecipients()[0].toString();
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}
