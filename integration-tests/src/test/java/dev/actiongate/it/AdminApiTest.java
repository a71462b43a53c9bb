package dev.actiongate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.actiongate.it.apps.LingeringApp;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin API of a running agent: bearer token or 401, and {@code GET /status} saying what is
 * governed and decided, also through {@code java -jar actiongate-agent.jar status}.
 */
class AdminApiTest {

    private static final String POLICY = """
            version: "it-admin-1"
            rules:
              - id: no-deletes
                action: delete_file
                verdict: deny
              - id: rest
                action: "*"
                when: 'action != "delete_file"'
                verdict: allow
            """;

    @TempDir
    Path dir;

    @OnEveryJdk
    void statusNeedsTheTokenAndTellsWhatIsGovernedAndDecided(Jdk jdk) throws Exception {
        Path policy = Files.writeString(dir.resolve("policy.yaml"), POLICY);
        Path tokenFile = Files.writeString(dir.resolve("token"), "s3cret-token\n");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String url = "http://127.0.0.1:" + port;
        ForkedJvm app = ForkedJvm.on(jdk)
                .agent("policy=" + policy + ",records=" + dir.resolve("records.jsonl") + ",admin_port=" + port
                        + ",admin_token_file=" + tokenFile)
                .classpath(AppClasspath.basic()).main(LingeringApp.class, "20000")
                .timeout(Duration.ofSeconds(60));
        CompletableFuture<ForkedJvm.Run> running = CompletableFuture.supplyAsync(app::run);
        try {
            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<String> status = null;
            for (int i = 0; i < 100; i++) {
                try {
                    status = client.send(HttpRequest.newBuilder(URI.create(url + "/status"))
                            .header("Authorization", "Bearer s3cret-token").build(), HttpResponse.BodyHandlers.ofString());
                    // BasicApp's three calls may still be under way: wait until all are decided
                    if (status.statusCode() == 200) {
                        JsonNode decisions = new ObjectMapper().readTree(status.body()).get("decisions");
                        if (decisions.get("deny").asLong() == 1 && decisions.get("allow").asLong() == 2) {
                            break;
                        }
                    }
                } catch (java.io.IOException notUpYet) {
                    // the agent starts its API after the policy is loaded
                }
                Thread.sleep(200);
            }
            assertTrue(status != null && status.statusCode() == 200, "status answered: " + status);
            JsonNode body = new ObjectMapper().readTree(status.body());
            assertEquals("it-admin-1", body.get("policy_version").asText(), status.body());
            assertEquals("enforce", body.get("mode").asText());
            assertEquals(2, body.get("decisions").get("allow").asLong(), status.body());
            assertEquals(1, body.get("decisions").get("deny").asLong(), status.body());
            assertTrue(body.get("records_bytes").asLong() > 0, status.body());
            assertEquals(3, body.get("governed_methods").size(), status.body());
            assertTrue(status.body().contains("\"action\" : \"delete_file\"") && status.body().contains("\"source\" : \"annotation\""),
                    status.body());

            HttpResponse<String> anonymous = client.send(HttpRequest.newBuilder(URI.create(url + "/status")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(401, anonymous.statusCode());
            HttpResponse<String> wrong = client.send(HttpRequest.newBuilder(URI.create(url + "/status"))
                    .header("Authorization", "Bearer guess").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, wrong.statusCode());

            ForkedJvm.Run cli = ForkedJvm.agentCli(jdk, "status", "--url", url, "--token-file", tokenFile.toString());
            cli.assertExit(0);
            assertTrue(cli.stdout().contains("it-admin-1"), cli.describe());

            Files.writeString(policy, POLICY.replace("it-admin-1", "it-admin-2"));
            ForkedJvm.Run reload = ForkedJvm.agentCli(jdk, "reload", "--url", url, "--token-file", tokenFile.toString());
            reload.assertExit(0);
            assertTrue((reload.stdout().contains("it-admin-2") && reload.stdout().contains("in force"))
                    || reload.stdout().contains("unchanged (it-admin-2)"), "the file watcher may have been first\n" + reload.describe());
            HttpResponse<String> after = client.send(HttpRequest.newBuilder(URI.create(url + "/status"))
                    .header("Authorization", "Bearer s3cret-token").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals("it-admin-2", new ObjectMapper().readTree(after.body()).get("policy_version").asText(), after.body());
        } finally {
            running.cancel(true);
            ForkedJvm.stopAll(tokenFile.toString());
        }
    }
}
