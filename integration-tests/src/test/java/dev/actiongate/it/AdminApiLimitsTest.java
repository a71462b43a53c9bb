package dev.actiongate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.actiongate.it.apps.ApprovalApp;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin API under clients that are slow, large, or sent from another site's page (DNS
 * rebinding), and with tokens that are too short or too open: reviewers still answer a held call
 * at once, the bad requests are refused or cut off within the limits, and a bad token keeps the
 * API off with a log line that says why.
 */
class AdminApiLimitsTest {

    private static final String POLICY = """
            version: "it-admin-limits-1"
            rules:
              - id: owner-approval
                action: send_customer_email
                verdict: require_approval
                approvers: [olivia]
                approval_timeout: 60s
            """;
    private static final String TOKEN = "limits-token-0123456789abcdef0123";
    /** The header and body deadlines are 5 s each; what the test allows for a slow client to be cut off. */
    private static final long CUT_OFF_MS = 9_000;

    @TempDir
    Path dir;

    /** ApprovalApp through {@code steps} under {@link #POLICY}, with the admin API on, given {@code limit}. */
    private AgentApp.Running start(Jdk jdk, Duration limit, String... steps) {
        return AgentApp.on(jdk, dir)
                .policy(POLICY)
                .admin(TOKEN)
                .main(ApprovalApp.class, steps)
                .timeout(limit)
                .start();
    }

    @OnEveryJdk
    void slowClientsDoNotKeepAReviewerFromAnsweringAndAreCutOff(Jdk jdk) throws Exception {
        try (AgentApp.Running app = start(jdk, Duration.ofSeconds(90), "call:held:a@x.example")) {
            AdminClient admin = app.admin();
            JsonNode pending = admin.awaitPending(a -> a.path("waiting").asBoolean(), Duration.ofSeconds(30));
            List<SlowClient> slow = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    // connect and send the headers a byte a second
                    slow.add(SlowClient.dribbling(
                            app.adminPort(),
                            "GET /status HTTP/1.1\r\nHost: 127.0.0.1\r\n" + "X-Slow: " + "a".repeat(100) + "\r\n\r\n"));
                    // send the headers, never the body
                    slow.add(SlowClient.stalling(
                            app.adminPort(),
                            "POST /approvals/x/approve HTTP/1.1\r\n"
                                    + "Host: 127.0.0.1\r\nContent-Length: 100\r\n\r\n"));
                }
                long start = System.nanoTime();
                AdminClient.Answer approved = admin.review(pending.get("id").asText(), "approve", "olivia", "ok");
                long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertEquals(200, approved.status(), approved.toString());
                assertTrue(tookMs < 3_000, "the review took " + tookMs + " ms behind 8 slow clients");
                AppOutput out = app.output();
                assertTrue(
                        out.allowed("held") && out.bodyRan("send a@x.example"),
                        out.run().describe());
                for (SlowClient client : slow) {
                    long closedAfter = client.closedAfterMs().get(30, TimeUnit.SECONDS);
                    assertTrue(
                            closedAfter < CUT_OFF_MS,
                            client.what + ": the server closed it only after " + closedAfter + " ms");
                }
            } finally {
                slow.forEach(SlowClient::close);
            }
        }
    }

    @OnEveryJdk
    void largeRequestsAndForeignHostsAreRefusedSayingWhy(Jdk jdk) throws Exception {
        try (AgentApp.Running app = start(jdk, Duration.ofSeconds(60), "gate:exit")) {
            int port = app.adminPort();
            String auth = "Authorization: Bearer " + TOKEN + "\r\n";
            assertTrue(
                    exchange(port, "GET /status HTTP/1.1\r\nHost: localhost:" + port + "\r\n" + auth + "\r\n")
                            .startsWith("HTTP/1.1 200"),
                    "a loopback name is accepted");
            String rebound =
                    exchange(port, "GET /status HTTP/1.1\r\nHost: evil.example:" + port + "\r\n" + auth + "\r\n");
            assertTrue(rebound.startsWith("HTTP/1.1 421"), rebound);
            assertTrue(rebound.contains("DNS rebinding"), rebound);
            String console = exchange(port, "GET / HTTP/1.1\r\nHost: evil.example\r\n\r\n");
            assertTrue(console.startsWith("HTTP/1.1 421"), "the console too: " + console);

            String large = exchange(
                    port,
                    "GET /status HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth + "X-Large: " + "a".repeat(20_000)
                            + "\r\n\r\n");
            assertTrue(large.startsWith("HTTP/1.1 431"), large);
            assertTrue(large.contains("at most 16384"), large);

            String body = exchange(
                    port,
                    "POST /approvals/x/approve HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth
                            + "Content-Length: 1000000\r\n\r\n");
            assertTrue(body.startsWith("HTTP/1.1 413"), body);
            assertTrue(body.contains("at most 65536"), body);
            app.signal("exit");
            app.finish().assertExit(0);
        }
    }

    @OnEveryJdk
    void aShortTokenOrAnOpenTokenFileKeepsTheApiOffAndSaysWhy(Jdk jdk) throws Exception {
        Path open = Files.writeString(dir.resolve("open-token"), TOKEN + "\n");
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
        Path shortOne = Files.writeString(dir.resolve("short-token"), "s3cret\n");
        Files.setPosixFilePermissions(shortOne, PosixFilePermissions.fromString("rw-------"));
        String[][] cases = {
            {open.toString(), "permissions rw-r--r-- for admin_token_file " + open + " are too open"},
            {shortOne.toString(), "admin_token_file " + shortOne + " is 6 characters; the admin API needs at least 32"},
        };
        for (String[] each : cases) {
            AgentApp setup = AgentApp.on(jdk, dir)
                    .policy("""
                            version: "it-admin-limits-2"
                            rules:
                              - id: sends
                                action: send_customer_email
                                verdict: allow
                            """)
                    .option("admin_port=0,admin_token_file=" + each[0])
                    .main(ApprovalApp.class, "gate:go", "call:allowed:a@x.example")
                    .timeout(Duration.ofSeconds(60));
            try (AgentApp.Running app = setup.start()) {
                app.jvm().awaitStderr("the admin API's refusal", Pattern.compile(Pattern.quote(each[1])));
                app.signal("go");
                AppOutput out = app.output();
                assertTrue(
                        out.allowed("allowed"),
                        "governed calls do not need the API\n" + out.run().describe());
                assertTrue(
                        !app.jvm().stderr().contains("admin API listening"),
                        "the API stays off\n" + app.jvm().describe());
            }
        }
    }

    /** Sends {@code request} on a new connection and returns all the server answers before it closes. */
    private static String exchange(int port, String request) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            StringBuilder answer = new StringBuilder();
            byte[] buffer = new byte[8192];
            int read;
            // The answer's end: the connection closes, or the JSON body's last brace.
            while ((read = in.read(buffer)) > 0) {
                answer.append(new String(buffer, 0, read, StandardCharsets.UTF_8));
                if (answer.indexOf("\r\n\r\n") > 0
                        && answer.toString().stripTrailing().endsWith("}")) {
                    break;
                }
            }
            return answer.toString();
        }
    }

    /** A raw connection that sends its request slowly or not at all, and notes when the server closes it. */
    private static final class SlowClient implements AutoCloseable {
        private final Socket socket;
        private final String what;
        private final long opened = System.nanoTime();
        private final CompletableFuture<Long> closed = new CompletableFuture<>();

        private SlowClient(int port, String what) throws IOException {
            this.socket = new Socket(InetAddress.getLoopbackAddress(), port);
            this.what = what;
            Thread reader = new Thread(this::awaitClose, "slow-client-reader");
            reader.setDaemon(true);
            reader.start();
        }

        static SlowClient dribbling(int port, String request) throws IOException {
            SlowClient client = new SlowClient(port, "headers a byte a second");
            OutputStream out = client.socket.getOutputStream();
            out.write(request.charAt(0));
            out.flush();
            Thread writer = new Thread(
                    () -> {
                        try {
                            for (int i = 1; i < request.length() && !client.closed.isDone(); i++) {
                                // the client's pace, not a wait for a condition
                                Thread.sleep(1000);
                                out.write(request.charAt(i));
                                out.flush();
                            }
                        } catch (IOException | InterruptedException e) {
                            // cut off by the server, as it should be
                        }
                    },
                    "slow-client-writer");
            writer.setDaemon(true);
            writer.start();
            return client;
        }

        static SlowClient stalling(int port, String headers) throws IOException {
            SlowClient client = new SlowClient(port, "headers, never the body");
            client.socket.getOutputStream().write(headers.getBytes(StandardCharsets.US_ASCII));
            client.socket.getOutputStream().flush();
            return client;
        }

        private void awaitClose() {
            try {
                InputStream in = socket.getInputStream();
                while (in.read() >= 0) {
                    // anything the server sends before it closes
                }
            } catch (IOException e) {
                // reset by the server: closed too
            }
            closed.complete(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - opened));
        }

        CompletableFuture<Long> closedAfterMs() {
            return closed;
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // the test is over
            }
        }
    }
}
