package dev.actiongate.agent.records;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.actiongate.agent.AgentLog;
import dev.actiongate.agent.testing.Await;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checkpoint trail at a webhook, against a real HTTP server: in order, as JSON, off the
 * writer's thread, retried while the endpoint fails, bounded when it stays down, and the last
 * checkpoint of a log that closes delivered before it is gone.
 */
class CheckpointWebhookTest {

    /** Retries back off: a delivery can take seconds on a loaded machine. */
    private static final Duration DELIVERY = Duration.ofSeconds(20);

    private static final Duration FAST = Duration.ofMillis(20);

    @TempDir
    Path dir;

    private HttpServer server;
    private ExecutorService handlers;
    /** The bodies the endpoint took (answered 204), in order. */
    private final List<String> taken = new CopyOnWriteArrayList<>();

    private final List<String> contentTypes = new CopyOnWriteArrayList<>();
    /** How many requests to refuse with 503 before taking any. */
    private final AtomicInteger refuse = new AtomicInteger();
    /** While set, a request is held until {@link #release} and then refused: its client has given up by then. */
    private final AtomicBoolean hang = new AtomicBoolean();

    private final CountDownLatch release = new CountDownLatch(1);
    private AgentLog log;

    @BeforeEach
    void endpoint() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        handlers = Executors.newCachedThreadPool();
        server.setExecutor(handlers);
        server.createContext("/checkpoints", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            int status = 204;
            if (hang.get()) {
                awaitRelease();
                status = 503;
            } else if (refuse.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                status = 503;
            } else {
                contentTypes.add(exchange.getRequestHeaders().getFirst("Content-Type"));
                taken.add(body);
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
        log = new AgentLog(); // actiongate and actiongate.checkpoints, below it
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
        handlers.shutdownNow();
        log.close();
    }

    private void awaitRelease() {
        try {
            release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/checkpoints");
    }

    private static String checkpoint(int epoch) {
        return "{\"epoch\":" + epoch + ",\"kind\":\"checkpoint\"}";
    }

    /** What {@code logger} logged so far. */
    private List<String> logged(String logger) {
        return log.lines(logger);
    }

    @Test
    void postsEveryCheckpointInOrderAsItsJsonLine() throws Exception {
        CheckpointWebhook webhook = new CheckpointWebhook(url(), Duration.ofSeconds(5), 100, FAST, FAST);
        try {
            for (int i = 0; i < 5; i++) {
                webhook.accept(checkpoint(i));
            }
            Await.until("five checkpoints", DELIVERY, () -> taken.size() == 5);
        } finally {
            webhook.close();
        }
        assertEquals(List.of(checkpoint(0), checkpoint(1), checkpoint(2), checkpoint(3), checkpoint(4)), taken);
        assertEquals(
                List.of("application/json"), contentTypes.stream().distinct().toList());
    }

    @Test
    void aFailingEndpointIsRetriedUntilItTakesEveryCheckpointInOrder() throws Exception {
        refuse.set(4);
        CheckpointWebhook webhook = new CheckpointWebhook(url(), Duration.ofSeconds(5), 100, FAST, FAST);
        try {
            for (int i = 0; i < 3; i++) {
                webhook.accept(checkpoint(i));
            }
            Await.until("three checkpoints", DELIVERY, () -> taken.size() == 3 && webhook.undelivered() == 0);
            assertEquals(0, webhook.undelivered());
        } finally {
            webhook.close();
        }
        assertEquals(List.of(checkpoint(0), checkpoint(1), checkpoint(2)), taken);
        List<String> errors = logged("actiongate");
        assertTrue(
                errors.get(0)
                                .contains("checkpoints cannot be delivered to the checkpoint trail " + url()
                                        + ": HTTP 503")
                        && errors.get(0).contains("not delivered yet"),
                errors.toString());
        assertTrue(
                errors.stream()
                        .anyMatch(line -> line.contains("delivered to the checkpoint trail " + url() + " again")),
                errors.toString());
    }

    @Test
    void anEndpointThatHangsNeverHoldsTheWriterAndOnlyTheNewestCheckpointsWait() throws Exception {
        hang.set(true);
        CheckpointWebhook webhook = new CheckpointWebhook(url(), Duration.ofMillis(300), 3, FAST, FAST);
        try {
            long start = System.nanoTime();
            for (int i = 0; i < 10; i++) {
                webhook.accept(checkpoint(i));
            }
            long took = System.nanoTime() - start;
            assertTrue(took < TimeUnit.MILLISECONDS.toNanos(250), "accepting waited " + took + " ns");
            Await.until(
                    "an attempt timed out",
                    DELIVERY,
                    () -> logged("actiongate").stream()
                            .anyMatch(line -> line.contains("cannot be delivered") && line.contains("timed out")));
            assertTrue(webhook.undelivered() <= 4, "at most the queue and the one being retried wait");
            hang.set(false);
            release.countDown();
            Await.until(
                    "the last checkpoint", DELIVERY, () -> taken.contains(checkpoint(9)) && webhook.undelivered() == 0);
        } finally {
            webhook.close();
        }
        // At least once: an answer that comes after the timeout is a failed attempt, and the checkpoint goes again.
        List<Integer> epochs = taken.stream()
                .map(line -> Integer.parseInt(line.replaceAll("\\D", "")))
                .distinct()
                .toList();
        assertEquals(epochs.stream().sorted().toList(), epochs, "in order: " + taken);
        assertTrue(epochs.size() <= 4 && epochs.containsAll(List.of(8, 9)), epochs.toString());
        List<String> trail = logged(CheckpointTrail.LOGGER);
        assertEquals(10 - epochs.size(), trail.size(), "each dropped checkpoint is logged instead: " + trail);
        assertTrue(trail.stream().allMatch(line -> line.startsWith("checkpoint {\"epoch\":")), trail.toString());
        assertTrue(
                logged("actiongate").stream().anyMatch(line -> line.contains("is full (3)")),
                logged("actiongate").toString());
    }

    @Test
    void waitingForDeliveryWaitsForAWorkingEndpointAndNotForADeadOne() throws Exception {
        CheckpointWebhook working = new CheckpointWebhook(url(), Duration.ofSeconds(5), 100, FAST, FAST);
        try {
            working.accept(checkpoint(1));
            working.awaitDelivered(Duration.ofSeconds(10));
            assertEquals(List.of(checkpoint(1)), taken);
        } finally {
            working.close();
        }
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        CheckpointWebhook dead = new CheckpointWebhook(
                URI.create("http://127.0.0.1:" + closedPort + "/x"), Duration.ofSeconds(5), 100, FAST, FAST);
        long start = System.nanoTime();
        dead.accept(checkpoint(2));
        dead.awaitDelivered(Duration.ofSeconds(10));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "a dead endpoint is not waited for");
        dead.close();
        assertTrue(
                logged("actiongate").stream()
                        .anyMatch(line -> line.startsWith("1 checkpoint was not delivered to the checkpoint trail")),
                logged("actiongate").toString());
        assertEquals(List.of("checkpoint " + checkpoint(2)), logged(CheckpointTrail.LOGGER));
    }

    @Test
    void closingEndsItsThread() throws Exception {
        CheckpointWebhook webhook = new CheckpointWebhook(url(), Duration.ofSeconds(5), 100, FAST, FAST);
        webhook.accept(checkpoint(1));
        Await.until("the checkpoint", DELIVERY, () -> taken.size() == 1);
        List<Thread> own = Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().equals("actiongate-checkpoints"))
                .toList();
        assertFalse(own.isEmpty(), "it posts from a thread of its own");
        webhook.close();
        for (Thread thread : own) {
            thread.join(TimeUnit.SECONDS.toMillis(10));
            assertFalse(thread.isAlive(), "a closed trail leaves no thread behind");
        }
    }

    @Test
    void aSealedLogClosingDeliversItsLastCheckpointToTheWebhook() throws Exception {
        SealingKey key = SealingKey.create(dir.resolve("records.key")).key();
        Path records = dir.resolve("records.jsonl");
        try (RecordLog log = RecordLog.open(records, true, key, "mailer", CheckpointTrail.toWebhook(url()))) {
            log.announce("mailer", "host", 1);
            for (int i = 0; i < 3; i++) {
                log.append(Map.of("kind", "decision", "n", i), null);
            }
        }
        List<String> lines = new ArrayList<>(Files.readAllLines(records));
        String last = lines.get(lines.size() - 1);
        assertTrue(last.contains("\"kind\":\"checkpoint\""), last);
        assertEquals(List.of(last), taken, "closing waited for the last checkpoint to reach the webhook");
    }
}
