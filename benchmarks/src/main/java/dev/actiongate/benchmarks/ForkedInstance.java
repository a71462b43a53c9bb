package dev.actiongate.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One JVM of a fleet benchmark: its output read line by line on a thread of its own, each line
 * stamped with the parent's {@code System.nanoTime()} as it is read, and its admin API once the
 * agent says where it listens.
 */
final class ForkedInstance implements AutoCloseable {

    private static final Pattern LISTENING =
            Pattern.compile("admin API listening on (http://[^\\s/]+:\\d+)/ \\(bearer token required\\)");
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    /** A line of the instance's output and when the parent read it. */
    record Line(String text, long readNanos) {}

    private final String name;
    private final Process process;
    private final BlockingQueue<Line> lines = new LinkedBlockingQueue<>();
    private final ArrayDeque<String> tail = new ArrayDeque<>();
    private final String token;
    private String adminUrl;

    private ForkedInstance(String name, Process process, String token) {
        this.name = name;
        this.process = process;
        this.token = token;
        Thread reader = new Thread(this::read, "wakeup-output-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code command} (its output and errors merged) as instance {@code name}. */
    static ForkedInstance start(String name, List<String> command, String token) throws IOException {
        return new ForkedInstance(
                name, new ProcessBuilder(command).redirectErrorStream(true).start(), token);
    }

    private void read() {
        try (BufferedReader in =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String text = in.readLine(); text != null; text = in.readLine()) {
                lines.add(new Line(text, System.nanoTime()));
            }
        } catch (IOException ended) {
            // the process is gone; await() reports what it printed
        }
    }

    /** The first line from now on that {@code which} accepts. */
    Line await(String what, Predicate<String> which, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            Line line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new IllegalStateException("instance " + name + ": no " + what + " within " + limit.toSeconds()
                        + " s" + (process.isAlive() ? "" : " (it exited with " + process.exitValue() + ")")
                        + "; its last lines:\n  " + String.join("\n  ", tail));
            }
            tail.addLast(line.text());
            if (tail.size() > 30) {
                tail.removeFirst();
            }
            if (which.test(line.text())) {
                return line;
            }
        }
    }

    /** Waits until the agent's admin API listens. */
    void awaitAdmin(Duration limit) throws InterruptedException {
        Line line = await("admin API", text -> LISTENING.matcher(text).find(), limit);
        Matcher matcher = LISTENING.matcher(line.text());
        adminUrl = matcher.find() ? matcher.group(1) : null;
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        return HTTP.send(
                request(path)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(adminUrl + path))
                .header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(30));
    }

    /** Closes the instance's standard input and waits for it to end, then ends it by force. */
    @Override
    public void close() throws IOException {
        process.getOutputStream().close();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
