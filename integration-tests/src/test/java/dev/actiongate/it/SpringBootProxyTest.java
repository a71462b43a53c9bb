package dev.actiongate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Spring Boot executable jar under the agent, called over HTTP. Its governed beans are CGLIB
 * proxies ({@code @Transactional}): a {@code @GovernedAction} service method, and Spring AI
 * {@code @Tool} methods governed by the policy's {@code govern:} entry alone and run through
 * Spring AI's {@code MethodToolCallbackProvider}. Each call is one decision, named after the
 * application's method with its parameter names, and the denial reaches the HTTP caller as the
 * service maps it, before any transaction began.
 */
class SpringBootProxyTest {

    private static final String POLICY = """
            version: "it-spring-1"
            govern:
              - annotation: "org.springframework.ai.tool.annotation.Tool"
            rules:
              - id: small-orders
                action: place_order
                when: 'args.quantity <= 10 && args.customer != "mallory"'
                verdict: allow
              - id: small-refunds
                action: refund_order
                when: 'args.cents <= 500'
                verdict: allow
              - id: lookups
                action: lookupOrder
                verdict: allow
            """;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String PLACE = "dev.actiongate.it.spring.OrderService#place(java.lang.String,int)";
    private static final String REFUND = "dev.actiongate.it.spring.SupportTools#refund(java.lang.String,int)";

    private static final Pattern SERVER_STARTED = Pattern.compile("started on port[^0-9]*(\\d+)");

    @TempDir
    Path dir;

    @OnEveryJdk
    void eachCallToAProxiedBeanIsOneDecisionUnderTheApplicationsNames(Jdk jdk) throws Exception {
        Path jar = Path.of(System.getProperty(
                        "actiongate.it.spring.app.jar",
                        "../integration-tests-spring/target/actiongate-it-spring-app.jar"))
                .toAbsolutePath()
                .normalize();
        assertTrue(Files.isRegularFile(jar), "the Spring Boot test service is built: " + jar);
        AgentApp setup = AgentApp.on(jdk, dir)
                .policy(POLICY)
                .timeout(Duration.ofSeconds(150))
                .jar(jar, "--server.port=0", "--spring.main.banner-mode=off");
        Path records = setup.recordsFile();
        ForkedJvm.Run run;
        try (AgentApp.Running running = setup.start()) {
            // the service listens on a port of its own choosing, which its log names
            String url = "http://127.0.0.1:"
                    + Await.value("the service to listen", Duration.ofMinutes(2), running.jvm(), () -> {
                        Matcher started = SERVER_STARTED.matcher(running.jvm().stdout());
                        return started.find() ? started.group(1) : null;
                    });
            JsonNode facts = awaitUp(url, running.jvm());
            assertTrue(facts.path("orders.class").asText().contains("$$SpringCGLIB$$"), facts.toString());
            assertTrue(facts.path("tools.class").asText().contains("$$SpringCGLIB$$"), facts.toString());

            assertEquals("200 placed 3 for acme", call(url, "/orders?customer=acme&quantity=3", null));
            JsonNode tooMany = denied(call(url, "/orders?customer=acme&quantity=300", null));
            JsonNode mallory = denied(call(url, "/orders?customer=mallory&quantity=1", null));
            assertEquals(
                    "200 \"refunded 200 on o-1\"",
                    call(url, "/tools/refund_order", "{\"orderId\":\"o-1\",\"cents\":200}"));
            JsonNode bigRefund = denied(call(url, "/tools/refund_order", "{\"orderId\":\"o-2\",\"cents\":2000}"));
            assertEquals("200 \"order o-3 shipped\"", call(url, "/tools/lookupOrder", "{\"orderId\":\"o-3\"}"));
            assertEquals("place_order", tooMany.path("action").asText(), tooMany.toString());
            assertEquals("refund_order", bigRefund.path("action").asText(), bigRefund.toString());

            call(url, "/exit", null);
            run = running.finish().assertExit(0);

            String why = run.describe();
            Records written = running.records();
            List<JsonNode> decisions = written.decisions();
            assertEquals(6, decisions.size(), "one decision per call\n" + decisions + "\n" + why);
            assertDecision(decisions.get(0), "place_order", PLACE, "allow", "customer", "acme", "quantity", 3);
            assertDecision(decisions.get(1), "place_order", PLACE, "deny", "customer", "acme", "quantity", 300);
            assertDecision(decisions.get(2), "place_order", PLACE, "deny", "customer", "mallory", "quantity", 1);
            assertDecision(decisions.get(3), "refund_order", REFUND, "allow", "orderId", "o-1", "cents", 200);
            assertDecision(decisions.get(4), "refund_order", REFUND, "deny", "orderId", "o-2", "cents", 2000);
            assertEquals(
                    "dev.actiongate.it.spring.SupportTools#lookupOrder(java.lang.String)",
                    decisions.get(5).path("method").asText(),
                    decisions.get(5).toString());
            assertEquals(List.of("small-orders"), rules(decisions.get(0)), "args.<name> conditions allow");
            assertEquals(
                    tooMany.path("decision_id").asText(),
                    decisions.get(1).path("decision_id").asText());
            assertEquals(
                    mallory.path("decision_id").asText(),
                    decisions.get(2).path("decision_id").asText());
            assertEquals(
                    bigRefund.path("decision_id").asText(),
                    decisions.get(4).path("decision_id").asText());
            List<List<String>> ids = written.allowedAndOutcomeIds();
            assertEquals(ids.get(0), ids.get(1), "one outcome per allowed call\n" + written.outcomes());

            List<String> lines = run.stdout().lines().toList();
            assertEquals(
                    List.of("BODY place_order acme 3", "BODY refund_order o-1 200", "BODY lookupOrder o-3"),
                    lines.stream().filter(line -> line.startsWith("BODY ")).toList(),
                    why);
            assertEquals(
                    2,
                    lines.stream().filter(line -> line.startsWith("TX begin")).count(),
                    "a denied call never began a transaction\n" + why);
            assertFalse(run.stderr().contains("ERROR"), why);
        }
        ForkedJvm.agentCli(jdk, "verify", records.toString()).assertExit(0);
    }

    private static void assertDecision(
            JsonNode decision,
            String action,
            String method,
            String verdict,
            String firstName,
            String firstValue,
            String secondName,
            int secondValue) {
        assertEquals(action, decision.path("action").asText(), decision.toString());
        assertEquals(method, decision.path("method").asText(), decision.toString());
        assertEquals(verdict, decision.path("verdict").asText(), decision.toString());
        JsonNode arguments = decision.path("arguments");
        assertEquals(2, arguments.size(), decision.toString());
        assertEquals(firstValue, arguments.path(firstName).asText(), decision.toString());
        assertEquals(secondValue, arguments.path(secondName).asInt(), decision.toString());
    }

    private static List<String> rules(JsonNode decision) {
        List<String> rules = new ArrayList<>();
        decision.path("matched_rules").forEach(rule -> rules.add(rule.asText()));
        return rules;
    }

    /** Waits for the service to answer; fails at once if its JVM ended first. */
    private static JsonNode awaitUp(String url, StartedJvm running) {
        JsonNode[] facts = new JsonNode[1];
        Await.until("the service answers on " + url + "/facts", Duration.ofSeconds(120), running, () -> {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create(url + "/facts"))
                            .timeout(Duration.ofSeconds(5))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return false;
            }
            facts[0] = JSON.readTree(response.body());
            return true;
        });
        return facts[0];
    }

    /** POSTs as the actor {@code ann}; a JSON body when given. Answers "STATUS BODY". */
    private static String call(String url, String path, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path))
                .timeout(Duration.ofSeconds(30))
                .header("X-Actor", "ann");
        if (json != null) {
            request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        } else {
            request.POST(HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body();
    }

    /** The 403 answer the service maps a denial to. */
    private static JsonNode denied(String answer) throws IOException {
        assertTrue(answer.startsWith("403 "), answer);
        JsonNode body = JSON.readTree(answer.substring(4));
        assertEquals("not allowed", body.path("error").asText(), answer);
        assertEquals("deny", body.path("verdict").asText(), answer);
        assertFalse(body.path("decision_id").asText().isEmpty(), answer);
        return body;
    }
}
