package dev.actiongate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.actiongate.it.apps.RecordsFileApp;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checkpoint trail at a webhook ({@code records_checkpoints=http://...}): a service posts
 * every checkpoint, the last one included as it stops, to an HTTP endpoint off the host; with
 * what the endpoint received, {@code verify} finds records cut from the end of the records file
 * that the file alone, seals and all, does not show.
 */
class CheckpointWebhookTest {

    private static final Pattern VERIFICATION_KEY = Pattern.compile("kept nowhere: ([0-9a-f]{64})");
    private static final String ALLOW_ALL = """
            version: "it-checkpoint-webhook-1"
            default: allow
            rules: []
            """;

    @TempDir
    Path dir;

    private final Jdk jdk = Jdk.running();

    @Test
    void recordsCutAfterTheLastCheckpointTheWebhookGotAreMissed() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        List<String> received = new CopyOnWriteArrayList<>();
        List<String> contentTypes = new CopyOnWriteArrayList<>();
        server.createContext("/checkpoints", exchange -> {
            contentTypes.add(exchange.getRequestHeaders().getFirst("Content-Type"));
            received.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        Path records = dir.resolve("records.jsonl");
        ForkedJvm.Run run;
        try (AgentApp.Running app = AgentApp.on(jdk, dir)
                .policy(ALLOW_ALL)
                .records(records)
                .option("service=mailer,records_checkpoints=http://127.0.0.1:"
                        + server.getAddress().getPort() + "/checkpoints")
                .classpath(AppClasspath.appsOnly())
                .main(RecordsFileApp.class, "1")
                .start()) {
            // a checkpoint every second or every 10,000 records while the calls go on
            app.await("three checkpoints at the webhook", () -> received.size() >= 3);
            app.signal("stop");
            run = app.finish().assertExit(0);
        } finally {
            server.stop(0);
        }
        Matcher matcher = VERIFICATION_KEY.matcher(run.stderr() + run.stdout());
        assertTrue(matcher.find(), "the verification key is logged once\n" + run.describe());
        String key = matcher.group(1);

        List<String> lines = Files.readAllLines(records);
        String last = lines.get(lines.size() - 1);
        assertTrue(last.contains("\"kind\":\"checkpoint\""), "stopping seals the rest: " + last);
        assertEquals(last, received.get(received.size() - 1), "the last checkpoint reached the webhook as it stopped");
        assertTrue(lines.containsAll(received), "each body is a checkpoint line of the records file, as written");
        assertEquals(
                List.of("application/json"), contentTypes.stream().distinct().toList());

        // what the endpoint received, saved as the auditor keeps it
        Path trail = Files.write(dir.resolve("webhook-trail.jsonl"), received, StandardCharsets.UTF_8);
        ForkedJvm.Run intact = verify(key, trail, records).assertExit(0);
        assertTrue(intact.stdout().contains("in agreement with the checkpoint trail"), intact.describe());

        // cut back to an earlier checkpoint: the file ends sealed, and only the trail shows the cut
        int earlier = lines.lastIndexOf(received.get(received.size() - 2));
        Path cut = Files.write(dir.resolve("cut.jsonl"), lines.subList(0, earlier + 1), StandardCharsets.UTF_8);
        ForkedJvm.agentCli(jdk, "verify", "--key", key, cut.toString()).assertExit(0);
        ForkedJvm.Run missed = verify(key, trail, cut).assertExit(1);
        assertTrue(
                missed.stdout().contains("NOT SEALED: records are missing from the end"),
                "the trail knows the checkpoint the cut took\n" + missed.describe());
    }

    private ForkedJvm.Run verify(String key, Path trail, Path file) {
        return ForkedJvm.agentCli(jdk, "verify", "--key", key, "--checkpoints", trail.toString(), file.toString());
    }
}
