package dev.actiongate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.actiongate.it.apps.EscalationApp;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.io.TempDir;

/**
 * Repeated denied attempts by one actor escalate: the attempt past the threshold is denied with
 * verdict escalate, an incident is recorded and logged, and it is posted to the webhook. A webhook
 * that fails every retry, recorded without holding the call, is IncidentWebhookFailureTest's, in-process.
 */
class EscalationTest {

    private static final String POLICY = """
            version: "it-escalation-1"
            escalation:
              after_denials: 2
              within: 10m
            rules:
              - id: big-refunds
                action: refund
                when: 'args.amount > 1000'
                verdict: deny
                reason: refunds over 1000 need a person
            """;

    @TempDir
    Path dir;

    @OnEveryJdk
    void theAttemptPastTheThresholdEscalatesAndTheIncidentReachesTheWebhook(Jdk jdk) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        List<String> posted = new CopyOnWriteArrayList<>();
        server.createContext("/incidents", exchange -> {
            posted.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(202, -1);
            exchange.close();
        });
        server.start();
        ForkedJvm.Run run;
        Path file;
        String webhook = "http://127.0.0.1:" + server.getAddress().getPort() + "/incidents";
        AgentApp setup = AgentApp.on(jdk, dir)
                .policy(POLICY)
                .option("incident_webhook=" + webhook)
                .main(EscalationApp.class, "4");
        try (AgentApp.Running app = setup.start()) {
            app.awaitMark("done");
            app.await("both incidents posted", () -> posted.size() == 2);
            app.signal("exit");
            run = app.finish().assertExit(0);
            file = setup.recordsFile();
        } finally {
            server.stop(0);
        }
        AppOutput out = run.output();
        String why = run.describe();

        assertEquals("deny", out.denied("agent-9 #1").verdict(), why);
        assertEquals("deny", out.denied("agent-9 #2").verdict(), why);
        assertEquals("escalate", out.denied("agent-9 #3").verdict(), why);
        assertEquals("escalate", out.denied("agent-9 #4").verdict(), why);
        assertEquals("deny", out.denied("person-1 #1").verdict(), "another actor has its own count\n" + why);
        assertTrue(out.bodies().isEmpty(), why);

        Records records = Records.read(file);
        List<JsonNode> incidents = records.ofKind("incident");
        List<String> escalated = List.of(
                out.denied("agent-9 #3").decisionId(), out.denied("agent-9 #4").decisionId());
        assertEquals(
                escalated,
                incidents.stream().map(i -> i.get("decision_id").asText()).toList(),
                "an incident for each escalated attempt\n" + why);
        JsonNode first = incidents.get(0);
        assertEquals("agent-9", first.get("actor").asText());
        assertEquals("refund", first.get("action").asText());
        assertEquals(2, first.get("denials").asInt());
        assertEquals("10m", first.get("within").asText());
        assertTrue(run.stderr().contains("ActionGate incident: actor 'agent-9'"), "an ERROR line\n" + why);
        assertEquals(
                escalated,
                posted.stream()
                        .map(body -> Records.parse(body).get("decision_id").asText())
                        .sorted((a, b) -> escalated.indexOf(a) - escalated.indexOf(b))
                        .toList(),
                "both incidents were posted\n" + posted);
        posted.forEach(
                body -> assertEquals("incident", Records.parse(body).get("kind").asText(), body));
        ForkedJvm.agentCli(jdk, "verify", file.toString()).assertExit(0);
    }
}
