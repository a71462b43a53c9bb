package dev.actiongate.agent.webhook;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Posts JSON bodies to one http(s) URL, asynchronously: an attempt never runs on its caller's
 * thread, and is bounded by a connect timeout and a timeout for the answer. Each poster has one
 * daemon thread of its own, which sends, hears the answers and runs what is scheduled
 * {@link #later}; {@link #close} ends it, so that a detached agent leaves no thread behind.
 */
public final class JsonPoster implements AutoCloseable {

    /** How long connecting, and then waiting for the answer, may take by default. */
    public static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final URI uri;
    private final Duration timeout;
    private final ScheduledExecutorService thread;
    private final HttpClient client;

    /** A poster to {@code uri} whose thread is called {@code threadName}, with the default {@link #TIMEOUT}. */
    public JsonPoster(URI uri, String threadName) {
        this(uri, threadName, TIMEOUT);
    }

    /** As {@link #JsonPoster(URI, String)}; connecting and waiting for the answer each take at most {@code timeout}. */
    public JsonPoster(URI uri, String threadName, Duration timeout) {
        this.uri = uri;
        this.timeout = timeout;
        this.thread = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread own = new Thread(task, threadName);
            own.setDaemon(true);
            return own;
        });
        this.client =
                HttpClient.newBuilder().connectTimeout(timeout).executor(thread).build();
    }

    public URI uri() {
        return uri;
    }

    /**
     * One attempt to post {@code json} ({@code Content-Type: application/json}), started on this
     * poster's thread.
     *
     * @return completes with {@code null} once the endpoint answered 2xx, or with what went wrong
     *     (an HTTP status, a timeout, a refused connection); never exceptionally
     */
    public CompletableFuture<String> post(String json) {
        CompletableFuture<String> outcome = new CompletableFuture<>();
        boolean started = later(Duration.ZERO, () -> send(json, outcome));
        if (!started) {
            outcome.complete("the poster to " + uri + " is closed");
        }
        return outcome;
    }

    private void send(String json, CompletableFuture<String> outcome) {
        try {
            HttpRequest request = HttpRequest.newBuilder(uri)
                    .timeout(timeout)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json))
                    .build();
            // The outcome is handed on in whenComplete; the future itself has nothing more to say.
            var unused = client.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                    .whenComplete((response, error) -> outcome.complete(
                            error != null
                                    ? problem(error)
                                    : response.statusCode() / 100 == 2 ? null : "HTTP " + response.statusCode()));
        } catch (RuntimeException e) {
            outcome.complete(e.toString());
        }
    }

    /** What went wrong, without the wrapper an asynchronous send puts around it. */
    private static String problem(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return cause.toString();
    }

    /**
     * Runs {@code task} on this poster's thread after {@code pause}.
     *
     * @return {@code false} when the poster is closed: the task will never run
     */
    public boolean later(Duration pause, Runnable task) {
        try {
            var unused = thread.schedule(task, pause.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (RejectedExecutionException closed) {
            return false;
        }
    }

    /** Ends the poster's thread; attempts under way and tasks not yet run are dropped. */
    @Override
    public void close() {
        thread.shutdownNow();
    }
}
