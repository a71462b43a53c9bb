package dev.actiongate.agent.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.actiongate.ActionContext;
import dev.actiongate.ActionDeniedException;
import dev.actiongate.agent.escalation.QuickRetries;
import dev.actiongate.agent.records.CanonicalJson;
import dev.actiongate.agent.records.RecordSink;
import dev.actiongate.agent.testing.Await;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An incident webhook that fails, in-process: the escalated call is denied at once, while the
 * webhook has not answered yet, and once every retry failed the failure is recorded naming the
 * incident's decision. The forked EscalationTest keeps the webhook configured in a real JVM,
 * posting the incidents it takes.
 */
class IncidentWebhookFailureTest extends GateCase {

    private static final String POLICY = """
            version: "escalation-1"
            escalation:
              after_denials: 2
              within: 10m
            rules:
              - id: big-refunds
                action: refund
                when: 'args.cents > 1000'
                verdict: deny
                reason: refunds over 1000 need a person
            """;

    private final CountDownLatch answer = new CountDownLatch(1);
    private final AtomicInteger requests = new AtomicInteger();
    private ExecutorService handlers;
    private HttpServer server;

    /** A webhook endpoint that holds every request until {@link #answer} opens, then refuses it with 503. */
    @BeforeEach
    void endpoint() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        handlers = Executors.newCachedThreadPool();
        server.setExecutor(handlers);
        server.createContext("/incidents", exchange -> {
            requests.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            try {
                answer.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(503, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        answer.countDown();
        server.stop(0);
        handlers.shutdownNow();
    }

    /**
     * {@code state} over the test's sink, telling each record's line to whoever waits for it, as
     * the records file does: the incident is posted from there.
     */
    private GateState withLines(GateState state) {
        RecordSink lines = new RecordSink() {
            @Override
            public void append(Map<String, ?> record, Consumer<String> written) throws IOException {
                sink.append(record, null);
                if (written != null) {
                    written.accept(new String(CanonicalJson.bytes(record), StandardCharsets.UTF_8));
                }
            }

            @Override
            public void appendSoon(Map<String, ?> record, Consumer<String> written) throws IOException {
                append(record, written);
            }

            @Override
            public String describe() {
                return sink.describe();
            }
        };
        return new GateState(state.policy(), null, lines, null, HOST_1, null, "approvals are not under test");
    }

    @Test
    @SuppressWarnings("try") // the scope is open while the calls run; nothing reads it here
    void aWebhookThatNeverTakesTheIncidentIsRecordedAsFailedWithoutHoldingTheCall() throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/incidents");
        Gate gate = new Gate(
                registry,
                CompletableFuture.completedFuture(withLines(state(POLICY))),
                "gate-test",
                QuickRetries.webhook(uri),
                Map.of(),
                Duration.ofSeconds(1),
                null,
                counter);
        List<ActionDeniedException> denials = new ArrayList<>();
        try (ActionContext.Scope ignored =
                ActionContext.builder().actor("agent-9").tenant("acme").open()) {
            for (long cents = 5_001; cents <= 5_003; cents++) {
                long amount = cents;
                denials.add(assertThrows(ActionDeniedException.class, () -> gate.enter(refund, new Object[] {amount})));
            }
        }
        try {
            assertEquals(
                    List.of("deny", "deny", "escalate"),
                    denials.stream().map(ActionDeniedException::verdict).toList());
            Await.until("the incident's first post reached the webhook", () -> requests.get() == 1);
            assertEquals(
                    List.of(),
                    sink.kinds("incident_webhook_failed"),
                    "the call was denied while the post was unanswered");
            answer.countDown();
            Await.until(
                    "the webhook's failure recorded",
                    () -> !sink.kinds("incident_webhook_failed").isEmpty());
        } finally {
            gate.close();
        }

        Map<String, Object> failure = sink.only("incident_webhook_failed");
        assertEquals(denials.get(2).decisionId(), failure.get("decision_id"), "it names its incident's decision");
        assertEquals(sink.only("incident").get("decision_id"), failure.get("decision_id"));
        assertEquals(4, ((Number) failure.get("attempts")).intValue(), "one attempt and three retries: " + failure);
        assertEquals(4, requests.get(), "every attempt reached the webhook");
        assertEquals("HTTP 503", failure.get("problem"));
        assertEquals(uri.toString(), failure.get("url"));
        assertTrue(failure.containsKey("timestamp"), failure.toString());
    }
}
