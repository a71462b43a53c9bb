package dev.actiongate.agent.escalation;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Posts incidents as JSON to the configured {@code incident_webhook}. Delivery is asynchronous:
 * the escalated call is denied at once and never waits for the webhook. A failed attempt is
 * retried with growing pauses; when every attempt failed, the failure is reported so that it can
 * be recorded.
 */
public final class IncidentWebhook implements AutoCloseable {

    static final Duration[] PAUSES = {Duration.ofMillis(250), Duration.ofSeconds(1), Duration.ofSeconds(4)};
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final URI uri;
    private final HttpClient client;
    private final ScheduledExecutorService retries;
    private final Duration[] pauses;

    public IncidentWebhook(URI uri) {
        this(uri, PAUSES);
    }

    IncidentWebhook(URI uri, Duration[] pauses) {
        this.uri = uri;
        this.pauses = pauses.clone();
        this.retries = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "actiongate-webhook");
            thread.setDaemon(true);
            return thread;
        });
        this.client = HttpClient.newBuilder()
                .connectTimeout(TIMEOUT)
                .executor(retries)
                .build();
    }

    /** Ends the retry thread: a detached agent leaves no thread of its own behind. Pending retries are dropped. */
    @Override
    public void close() {
        retries.shutdownNow();
    }

    public URI uri() {
        return uri;
    }

    /**
     * Sends {@code json}; {@code failed} hears of the attempts made and the last error when no
     * attempt succeeded.
     *
     * @return completes with the number of attempts made, once delivered or given up
     */
    public CompletableFuture<Integer> post(String json, BiConsumer<Integer, String> failed) {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        attempt(json, 1, failed, done);
        return done;
    }

    private void attempt(
            String json, int attempt, BiConsumer<Integer, String> failed, CompletableFuture<Integer> done) {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build();
        // The outcome is handled in whenComplete; the future itself has nothing more to say.
        var unused = client.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                .whenComplete((response, error) -> {
                    String problem = error != null
                            ? error.toString()
                            : response.statusCode() / 100 == 2 ? null : "HTTP " + response.statusCode();
                    if (problem == null) {
                        done.complete(attempt);
                    } else if (attempt > pauses.length) {
                        failed.accept(attempt, problem);
                        done.complete(attempt);
                    } else {
                        var unusedRetry = retries.schedule(
                                () -> attempt(json, attempt + 1, failed, done),
                                pauses[attempt - 1].toMillis(),
                                TimeUnit.MILLISECONDS);
                    }
                });
    }
}
