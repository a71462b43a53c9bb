package dev.actiongate.agent.escalation;

import dev.actiongate.agent.webhook.JsonPoster;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * Posts incidents as JSON to the configured {@code incident_webhook}. Delivery is asynchronous:
 * the escalated call is denied at once and never waits for the webhook. A failed attempt is
 * retried with growing pauses; when every attempt failed, the failure is reported so that it can
 * be recorded.
 */
public final class IncidentWebhook implements AutoCloseable {

    static final Duration[] PAUSES = {Duration.ofMillis(250), Duration.ofSeconds(1), Duration.ofSeconds(4)};

    private final JsonPoster poster;
    private final Duration[] pauses;

    public IncidentWebhook(URI uri) {
        this(uri, PAUSES);
    }

    IncidentWebhook(URI uri, Duration[] pauses) {
        this.poster = new JsonPoster(uri, "actiongate-webhook");
        this.pauses = pauses.clone();
    }

    /** Ends the webhook's thread: a detached agent leaves no thread of its own behind. Pending retries are dropped. */
    @Override
    public void close() {
        poster.close();
    }

    public URI uri() {
        return poster.uri();
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
        // The outcome is handled in thenAccept; the future itself has nothing more to say.
        var unused = poster.post(json).thenAccept(problem -> {
            if (problem == null) {
                done.complete(attempt);
            } else if (attempt > pauses.length) {
                failed.accept(attempt, problem);
                done.complete(attempt);
            } else if (!poster.later(pauses[attempt - 1], () -> attempt(json, attempt + 1, failed, done))) {
                done.complete(attempt); // closed: the retries are dropped
            }
        });
    }
}
