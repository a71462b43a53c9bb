package dev.actiongate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.actiongate.it.AppOutput.Denial;
import dev.actiongate.it.apps.MailApp;
import jakarta.mail.Address;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real email over real SMTP: the application sends with Jakarta Mail to a GreenMail server in
 * this JVM; what the policy denies never reaches the server.
 */
class MailTest {

    private static final String POLICY = """
            version: "it-mail-1"
            default: allow
            rules:
              - id: blocked-destination
                action: send_customer_email
                when: 'args.to.endsWith("@blocked.example")'
                verdict: deny
                reason: destination is blocked
            """;
    private static final String ALLOWED = "alice@customer.example";
    private static final String BLOCKED = "mallory@blocked.example";

    @TempDir
    Path dir;

    @RegisterExtension
    final SmtpServer smtp = new SmtpServer();

    @OnEveryJdk
    void theAllowedEmailArrivesAndTheDeniedOneNeverReachesTheServer(Jdk jdk) throws Exception {
        int port = smtp.getSmtp().getPort();
        assertTrue(port > 0, "GreenMail listens on a port");

        AgentApp.Result result = AgentApp.on(jdk, dir)
                .policy(POLICY)
                .classpath(AppClasspath.mail())
                .main(MailApp.class, "127.0.0.1", Integer.toString(port), BLOCKED, ALLOWED)
                .run();
        ForkedJvm.Run run = result.assertExit(0);
        AppOutput out = run.output();
        String why = run.describe();

        assertTrue(out.allowed(ALLOWED), why);
        assertTrue(out.bodyRan("send_customer_email " + ALLOWED), why);
        Denial denial = out.denied(BLOCKED);
        assertEquals(List.of("blocked-destination"), denial.matchedRules());
        assertFalse(out.bodyRan("send_customer_email " + BLOCKED), why);

        assertTrue(smtp.waitForIncomingEmail(10_000, 1), "the allowed email arrives\n" + why);
        // The application has ended, and GreenMail stores a message before it acknowledges it:
        // every email the application sent is here, so no wait for more.
        MimeMessage[] received = smtp.getReceivedMessages();
        assertEquals(List.of(ALLOWED), recipients(received), "GreenMail received exactly the allowed email");
        assertEquals("Your order for " + ALLOWED, received[0].getSubject());
        assertEquals(0, smtp.getReceivedMessagesForDomain("blocked.example").length);

        Records records = result.records();
        JsonNode sent = records.decisionWithArgument("to", ALLOWED);
        assertEquals("allow", sent.get("verdict").asText());
        assertEquals(
                "returned",
                records.outcome(sent.get("decision_id").asText())
                        .orElseThrow()
                        .get("outcome")
                        .asText());
        JsonNode blocked = records.decision(denial.decisionId());
        assertEquals(BLOCKED, blocked.get("arguments").get("to").asText());
        assertEquals("deny", blocked.get("verdict").asText());
    }

    private static List<String> recipients(MimeMessage[] messages) throws Exception {
        List<String> recipients = new ArrayList<>();
        for (MimeMessage message : messages) {
            Arrays.stream(message.getAllRecipients()).map(Address::toString).forEach(recipients::add);
        }
        return recipients;
    }
}
