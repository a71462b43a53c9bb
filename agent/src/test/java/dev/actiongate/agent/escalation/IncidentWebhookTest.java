package dev.actiongate.agent.escalation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class IncidentWebhookTest {

    @Test
    void retriesUntilTheServerTakesTheIncident() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        AtomicInteger calls = new AtomicInteger();
        List<String> bodies = new CopyOnWriteArrayList<>();
        server.createContext("/incidents", exchange -> {
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            int status = calls.incrementAndGet() < 3 ? 503 : 204;
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
        try {
            URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/incidents");
            AtomicReference<String> failure = new AtomicReference<>();
            int attempts = QuickRetries.webhook(uri)
                    .post("{\"kind\":\"incident\"}", (n, problem) -> failure.set(problem))
                    .get(10, TimeUnit.SECONDS);
            assertEquals(3, attempts);
            assertEquals(null, failure.get());
            assertEquals(
                    List.of("{\"kind\":\"incident\"}", "{\"kind\":\"incident\"}", "{\"kind\":\"incident\"}"), bodies);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void reportsTheFailureWhenEveryAttemptFailed() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        AtomicReference<String> failure = new AtomicReference<>();
        AtomicInteger reportedAttempts = new AtomicInteger();
        int attempts = QuickRetries.webhook(URI.create("http://127.0.0.1:" + closedPort + "/x"))
                .post("{}", (n, problem) -> {
                    reportedAttempts.set(n);
                    failure.set(problem);
                })
                .get(30, TimeUnit.SECONDS);
        assertEquals(4, attempts, "one attempt and three retries");
        assertEquals(4, reportedAttempts.get());
        assertTrue(failure.get() != null && failure.get().contains("Connect"), failure.get());
    }

    @Test
    void closingEndsTheWebhooksThread() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Set<Thread> before = webhookThreads();
        IncidentWebhook webhook = QuickRetries.webhook(URI.create("http://127.0.0.1:" + closedPort + "/x"));
        webhook.post("{}", (n, problem) -> {}).get(30, TimeUnit.SECONDS);
        Set<Thread> own = webhookThreads();
        own.removeAll(before);
        assertEquals(1, own.size(), "the retries ran on the webhook's own thread");
        webhook.close();
        Thread thread = own.iterator().next();
        thread.join(TimeUnit.SECONDS.toMillis(10));
        assertFalse(thread.isAlive(), "a closed webhook leaves no thread behind");
    }

    private static Set<Thread> webhookThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.isAlive() && thread.getName().equals("actiongate-webhook"))
                .collect(Collectors.toCollection(HashSet::new));
    }
}
