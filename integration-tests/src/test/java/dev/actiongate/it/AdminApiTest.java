package dev.actiongate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.actiongate.it.apps.LingeringApp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
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
        AgentApp setup = AgentApp.on(jdk, dir)
                .policy(POLICY)
                .admin("s3cret-token-0123456789abcdef0123")
                .main(LingeringApp.class);
        try (AgentApp.Running app = setup.start()) {
            String url = app.adminUrl();
            String tokenFile = setup.tokenFile().toString();
            // BasicApp's three calls may still be under way: wait until all are decided
            JsonNode body = app.awaitValue("all three calls decided", () -> {
                AdminClient.Answer answer = app.admin().get("/status");
                JsonNode decisions = answer.body().get("decisions");
                return answer.status() == 200
                                && decisions.get("deny").asLong() == 1
                                && decisions.get("allow").asLong() == 2
                        ? answer.body()
                        : null;
            });
            String status = body.toPrettyString();
            assertEquals("it-admin-1", body.get("policy_version").asText(), status);
            assertEquals("enforce", body.get("mode").asText());
            assertEquals(2, body.get("decisions").get("allow").asLong(), status);
            assertEquals(1, body.get("decisions").get("deny").asLong(), status);
            assertTrue(body.get("records_bytes").asLong() > 0, status);
            assertEquals(3, body.get("governed_methods").size(), status);
            assertTrue(
                    status.contains("\"action\" : \"delete_file\"") && status.contains("\"source\" : \"annotation\""),
                    status);

            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<String> anonymous = client.send(
                    HttpRequest.newBuilder(URI.create(url + "/status")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, anonymous.statusCode());
            assertEquals(401, new AdminClient(url, "guess").get("/status").status());

            ForkedJvm.Run cli = ForkedJvm.agentCli(jdk, "status", "--url", url, "--token-file", tokenFile);
            cli.assertExit(0);
            assertTrue(cli.stdout().contains("it-admin-1"), cli.describe());

            setup.policy(POLICY.replace("it-admin-1", "it-admin-2"));
            ForkedJvm.Run reload = ForkedJvm.agentCli(jdk, "reload", "--url", url, "--token-file", tokenFile);
            reload.assertExit(0);
            assertTrue(
                    (reload.stdout().contains("it-admin-2") && reload.stdout().contains("in force"))
                            || reload.stdout().contains("unchanged (it-admin-2)"),
                    "the file watcher may have been first\n" + reload.describe());
            AdminClient.Answer after = app.admin().get("/status");
            assertEquals("it-admin-2", after.body().get("policy_version").asText(), after.toString());
            app.signal("exit");
            app.finish().assertExit(0);
        }
    }
}
