package dev.actiongate.it;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The admin API of an agent in a forked JVM, as a reviewer's tool would call it.
 *
 * @param url   {@code http://127.0.0.1:PORT}
 * @param token the bearer token
 */
public record AdminClient(String url, String token) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** An answer: status and parsed body. */
    public record Answer(int status, JsonNode body) {}

    public Answer get(String path) {
        return send(HttpRequest.newBuilder(URI.create(url + path))
                .header("Authorization", "Bearer " + token)
                .GET());
    }

    public Answer review(String id, String verb, String reviewer, String comment) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("reviewer", reviewer);
        body.put("comment", comment);
        try {
            return send(HttpRequest.newBuilder(URI.create(url + "/approvals/" + id + "/" + verb))
                    .header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))));
        } catch (IOException e) {
            return fail(e);
        }
    }

    /** {@code POST path} with {@code body} as JSON. */
    public Answer post(String path, Object body) {
        try {
            return send(HttpRequest.newBuilder(URI.create(url + path))
                    .header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))));
        } catch (IOException e) {
            return fail(e);
        }
    }

    /** Waits until a pending approval matches {@code which}. */
    public JsonNode awaitPending(Predicate<JsonNode> which, Duration limit) {
        return Await.value("a matching pending approval", limit, null, () -> {
            Answer answer = get("/approvals");
            if (answer.status() != 200) {
                throw new IllegalStateException(answer.status() + " " + answer.body());
            }
            for (JsonNode approval : answer.body().get("approvals")) {
                if (which.test(approval)) {
                    return approval;
                }
            }
            return null;
        });
    }

    /** Waits for the pending approval of the send to {@code to}. */
    public JsonNode awaitPendingTo(String to) {
        return awaitPending(
                approval -> to.equals(approval.path("arguments").path("to").asText()), Duration.ofSeconds(30));
    }

    private static Answer send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response =
                    HTTP.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body().isEmpty() ? null : JSON.readTree(response.body()));
        } catch (IOException e) {
            return fail("admin API not reachable: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail(e);
        }
    }
}
