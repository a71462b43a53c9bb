package dev.actiongate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.actiongate.it.apps.ApprovalApp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.io.TempDir;

/**
 * Calls held for approval in a forked JVM, decided through the admin API from the test: approve,
 * reject, timeout, fail-fast and retry, binding to the arguments, separation of duties, double
 * decisions and 50 held calls at once. The verdicts of fail-fast retries after a restart, an
 * expiry or a rejection need no JVM: they are the agent's in-process HeldCallsTest.
 */
class ApprovalsTest {

    private static final String POLICY = """
            version: "it-approvals-1"
            groups:
              owners: [olivia, omar]
            rules:
              - id: owner-approval
                action: send_customer_email
                when: '!args.to.startsWith("t@")'
                verdict: require_approval
                approvers: [group:owners]
                approval_timeout: 45s
                reason: "customer emails need an owner's approval"
              - id: quick-approval
                action: send_customer_email
                when: 'args.to.startsWith("t@")'
                verdict: require_approval
                approvers: [olivia]
                approval_timeout: 1s
                reason: "this one cannot wait"
            """;
    private static final String TOKEN = "reviewers-token-0123456789abcdef0";

    @TempDir
    Path dir;

    /** A forked {@link ApprovalApp} running while the test reviews its calls. */
    private final class Held implements AutoCloseable {
        final AgentApp setup;
        final AgentApp.Running app;
        final AdminClient admin;
        final Path records;

        Held(Jdk jdk, String extraAgentArgs, String... steps) {
            setup = AgentApp.on(jdk, dir)
                    .policy(POLICY)
                    .admin(TOKEN)
                    .main(ApprovalApp.class, steps)
                    .timeout(Duration.ofSeconds(90));
            if (!extraAgentArgs.isEmpty()) {
                setup.option(extraAgentArgs);
            }
            records = setup.recordsFile();
            app = setup.start();
            admin = app.admin();
        }

        AppOutput output() {
            return app.output();
        }

        @Override
        public void close() {
            app.close();
        }
    }

    @OnEveryJdk
    void approvedCallRunsRejectedAndTimedOutOnesNeverDo(Jdk jdk) throws Exception {
        try (Held held = new Held(
                jdk,
                "",
                "call:approved:a@x.example",
                "call:rejected:r@x.example",
                "call:timeout:t@x.example",
                "call:rejected-again:r@x.example:fail_fast")) {
            // filed a moment before its caller starts waiting on it
            JsonNode pending = held.admin.awaitPending(
                    a -> "a@x.example".equals(a.path("arguments").path("to").asText())
                            && a.path("waiting").asBoolean(),
                    Duration.ofSeconds(30));
            assertEquals("support-bot", pending.get("actor").asText());
            assertEquals("acme", pending.get("tenant").asText());
            assertEquals("[\"owner-approval\"]", pending.get("matched_rules").toString());
            assertTrue(pending.get("waiting").asBoolean(), pending.toString());
            assertEquals(64, pending.get("action_digest").asText().length());
            String approvedId = pending.get("id").asText();
            assertEquals(
                    200,
                    held.admin
                            .review(approvedId, "approve", "olivia", "ok for ticket 9")
                            .status());

            String rejectedId =
                    held.admin.awaitPendingTo("r@x.example").get("id").asText();
            // Separation of duties, named approvers only, authentication
            AdminClient.Answer self = held.admin.review(rejectedId, "approve", "support-bot", "");
            assertEquals(403, self.status(), self.toString());
            assertTrue(self.body().get("error").asText().contains("separation of duties"), self.toString());
            assertEquals(
                    403, held.admin.review(rejectedId, "approve", "user-42", "").status());
            AdminClient.Answer stranger = held.admin.review(rejectedId, "approve", "mallory", "");
            assertEquals(403, stranger.status());
            assertTrue(stranger.body().get("error").asText().contains("not an approver"), stranger.toString());
            assertEquals(400, held.admin.review(rejectedId, "approve", " ", "").status());
            assertEquals(
                    401,
                    new AdminClient(held.admin.url(), "wrong").get("/approvals").status());
            HttpResponse<String> anonymous = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(
                                            URI.create(held.admin.url() + "/approvals/" + rejectedId + "/approve"))
                                    .POST(HttpRequest.BodyPublishers.ofString("{\"reviewer\":\"olivia\"}"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(401, anonymous.statusCode());
            assertEquals(
                    200,
                    held.admin
                            .review(rejectedId, "reject", "omar", "not this one")
                            .status());
            AdminClient.Answer twice = held.admin.review(rejectedId, "approve", "olivia", "");
            assertEquals(409, twice.status(), twice.toString());

            AppOutput out = held.output();
            assertTrue(
                    out.allowed("approved") && out.bodyRan("send a@x.example"),
                    out.run().describe());
            assertEquals("approval_rejected", out.denied("rejected").verdict());
            assertTrue(out.denied("rejected").reason().contains("omar")
                    && out.denied("rejected").reason().contains("not this one"));
            assertEquals("approval_timeout", out.denied("timeout").verdict());
            assertFalse(
                    out.bodyRan("send r@x.example") || out.bodyRan("send t@x.example"),
                    out.run().describe());
            AppOutput.Denial again = out.denied("rejected-again");
            assertEquals("deny", again.verdict(), "a retry of a rejected call is refused, not filed again");
            assertTrue(again.reason().contains("omar rejected approval " + rejectedId), again.reason());

            Records records = Records.read(held.records);
            JsonNode hold = records.decision(approvedId);
            assertEquals("require_approval", hold.get("verdict").asText());
            assertEquals(approvedId, hold.get("approval_id").asText());
            assertEquals("[\"group:owners\"]", hold.get("approvers").toString());
            JsonNode granted = resolution(records, approvedId);
            assertEquals("allow", granted.get("verdict").asText());
            assertEquals("olivia", granted.get("reviewer").asText());
            assertTrue(
                    granted.hasNonNull("reviewed_at")
                            && granted.get("waited_ms").asLong() >= 0,
                    granted.toString());
            assertTrue(records.outcome(approvedId).isPresent(), "the approved body ran and its outcome is recorded");
            assertEquals(
                    "approval_rejected",
                    resolution(records, rejectedId).get("verdict").asText());
            assertEquals(
                    List.of(
                            rejectedId + " approve by support-bot", // the actor itself
                            rejectedId + " approve by user-42", // the person it acted for
                            rejectedId + " approve by mallory", // not an approver
                            rejectedId + " approve by olivia"), // after omar's rejection
                    reviews(records, "approval_refused"),
                    "the refused reviews, in order");
            assertEquals(
                    List.of(approvedId + " approve by olivia", rejectedId + " reject by omar"),
                    reviews(records, "approval_reviewed"),
                    "the reviews that took effect");
            String timedOutId = records.decisionWithArgument("to", "t@x.example")
                    .get("decision_id")
                    .asText();
            assertEquals(
                    "approval_timeout",
                    resolution(records, timedOutId).get("verdict").asText());

            ForkedJvm.Run verify = ForkedJvm.agentCli(jdk, "verify", held.records.toString());
            verify.assertExit(0);
        }
    }

    @OnEveryJdk
    void withReviewerTokensEachReviewerReviewsWithTheirOwnAndTheAdminTokenReviewsNothing(Jdk jdk) throws Exception {
        // minted as ops would: the file keeps digests, each reviewer keeps a token
        ForkedJvm.Run olivia =
                ForkedJvm.agentCli(jdk, "reviewer-token", "olivia").assertExit(0);
        ForkedJvm.Run omar = ForkedJvm.agentCli(jdk, "reviewer-token", "omar").assertExit(0);
        Path reviewers = Files.writeString(
                dir.resolve("reviewers"),
                "# the owners\n" + minted(olivia, "line") + "\n" + minted(omar, "line") + "\n");
        try (Held held = new Held(jdk, "reviewer_tokens_file=" + reviewers, "call:approved:a@x.example")) {
            String id = held.admin.awaitPendingTo("a@x.example").get("id").asText();
            AdminClient asOlivia = new AdminClient(held.admin.url(), minted(olivia, "token"));
            AdminClient asOmar = new AdminClient(held.admin.url(), minted(omar, "token"));

            AdminClient.Answer byAdmin = held.admin.review(id, "approve", "olivia", "");
            assertEquals(403, byAdmin.status(), byAdmin.toString());
            assertTrue(byAdmin.body().get("error").asText().contains("review with yours"), byAdmin.toString());
            AdminClient.Answer impersonating = asOmar.review(id, "approve", "olivia", "");
            assertEquals(403, impersonating.status(), impersonating.toString());
            assertTrue(impersonating.body().get("error").asText().contains("omar's"), impersonating.toString());
            assertEquals(403, asOlivia.get("/status").status(), "a reviewer's token opens the approvals API only");
            AdminClient.Answer listed = asOlivia.get("/approvals");
            assertEquals(200, listed.status());
            assertEquals("olivia", listed.body().path("reviewer").asText(), "the API says whose token it is");
            assertTrue(
                    held.admin.get("/approvals").body().path("reviewer").isMissingNode(),
                    "the admin token is nobody's");
            assertEquals(
                    401,
                    new AdminClient(held.admin.url(), "olivia")
                            .get("/approvals")
                            .status());
            AdminClient.Answer approved = asOlivia.review(id, "approve", null, "mine to approve");
            assertEquals(200, approved.status(), approved.toString());

            AppOutput out = held.output();
            assertTrue(
                    out.allowed("approved") && out.bodyRan("send a@x.example"),
                    out.run().describe());
            JsonNode granted = resolution(Records.read(held.records), id);
            assertEquals("olivia", granted.get("reviewer").asText(), "the token says who reviewed");
        }
    }

    /** What {@code reviewer-token} printed: the {@code token} or the {@code line} for the file. */
    private static String minted(ForkedJvm.Run run, String what) {
        String prefix = what.equals("token") ? "token for " : "line for reviewer_tokens_file: ";
        String line = run.stdout()
                .lines()
                .filter(l -> l.startsWith(prefix))
                .findFirst()
                .orElseThrow();
        return line.substring(line.lastIndexOf(": ") + 2).trim();
    }

    @OnEveryJdk
    void failFastCallRunsOnceWhenRetriedAfterApprovalAndOnlyWithTheSameArguments(Jdk jdk) throws Exception {
        try (Held held = new Held(
                jdk,
                "",
                "call:first:f@x.example:fail_fast",
                "gate:approved",
                "call:other-args:g@x.example:fail_fast",
                "call:retry:f@x.example:fail_fast",
                "call:again:f@x.example:fail_fast",
                "gate:looked")) {
            String id = held.admin.awaitPendingTo("f@x.example").get("id").asText();
            // through the CLI, as a reviewer at a terminal would
            String tokenFile = held.setup.tokenFile().toString();
            ForkedJvm.Run list =
                    ForkedJvm.agentCli(jdk, "approvals", "list", "--url", held.admin.url(), "--token-file", tokenFile);
            list.assertExit(0);
            assertTrue(list.stdout().contains(id) && list.stdout().contains("f@x.example"), list.describe());
            ForkedJvm.Run self = ForkedJvm.agentCli(
                    jdk,
                    "approvals",
                    "approve",
                    id,
                    "--reviewer",
                    "support-bot",
                    "--url",
                    held.admin.url(),
                    "--token-file",
                    tokenFile);
            self.assertExit(1);
            assertTrue(self.stderr().contains("separation of duties"), self.describe());
            ForkedJvm.Run approve = ForkedJvm.agentCli(
                    jdk,
                    "approvals",
                    "approve",
                    id,
                    "--reviewer",
                    "omar",
                    "--comment",
                    "fine",
                    "--url",
                    held.admin.url(),
                    "--token-file",
                    tokenFile);
            approve.assertExit(0);
            assertTrue(approve.stdout().contains("\"status\" : \"approved\""), approve.describe());
            held.app.signal("approved");
            JsonNode state = held.app.awaitValue("approval " + id + " consumed by the retry", () -> {
                JsonNode now = held.admin.get("/approvals/" + id).body();
                return "consumed".equals(now.get("status").asText()) ? now : null;
            });
            assertEquals("consumed", state.get("status").asText(), state.toString());
            held.app.signal("looked");

            AppOutput out = held.output();
            assertEquals("approval_pending", out.denied("first").verdict());
            assertEquals(id, out.denied("first").decisionId(), "the exception carries the pending approval's id");
            assertEquals(
                    "approval_pending", out.denied("other-args").verdict(), "other arguments need their own approval");
            assertNotEquals(id, out.denied("other-args").decisionId());
            assertTrue(out.allowed("retry"), out.run().describe());
            assertEquals("approval_pending", out.denied("again").verdict(), "an approval is used once");
            assertEquals(List.of("send f@x.example"), out.bodies(), out.run().describe());

            Records records = Records.read(held.records);
            JsonNode retry = records.decisions("send_customer_email").stream()
                    .filter(d -> "allow".equals(d.get("verdict").asText()))
                    .findFirst()
                    .orElseThrow();
            assertEquals(id, retry.get("approval_consumed").asText());
            assertEquals("omar", retry.get("reviewer").asText());
            assertEquals(
                    retry.get("decision_id").asText(), state.get("consumed_by").asText());
        }
    }

    @OnEveryJdk
    void fiftyHeldCallsAreEachResolvedByTheirOwnReview(Jdk jdk) throws Exception {
        int calls = 50;
        try (Held held = new Held(jdk, "", "parallel:" + calls + ":c")) {
            List<JsonNode> pending = held.app.awaitValue("every call waiting on its own request", () -> {
                List<JsonNode> waiting = StreamSupport.stream(
                                held.admin
                                        .get("/approvals")
                                        .body()
                                        .get("approvals")
                                        .spliterator(),
                                false)
                        .filter(a -> a.get("waiting").asBoolean())
                        .toList();
                return waiting.size() >= calls ? waiting : null;
            });
            assertEquals(calls, pending.size(), "every call waits on its own request");
            for (JsonNode approval : pending) {
                int n = Integer.parseInt(
                        approval.get("arguments").get("to").asText().replaceAll("\\D", ""));
                assertEquals(
                        200,
                        held.admin
                                .review(
                                        approval.get("id").asText(),
                                        n % 2 == 0 ? "approve" : "reject",
                                        "olivia",
                                        "call " + n)
                                .status());
            }
            AppOutput out = held.output();
            for (int i = 0; i < calls; i++) {
                String label = "c-" + i;
                if (i % 2 == 0) {
                    assertTrue(out.allowed(label) && out.bodyRan("send " + label + "@example.com"), label);
                } else {
                    assertEquals("approval_rejected", out.denied(label).verdict(), label);
                    assertFalse(out.bodyRan("send " + label + "@example.com"), label);
                }
            }
            Records records = Records.read(held.records);
            Map<String, String> expected = new TreeMap<>();
            for (int i = 0; i < calls; i++) {
                expected.put("c-" + i + "@example.com", i % 2 == 0 ? "allow" : "approval_rejected");
            }
            Map<String, String> resolved = new TreeMap<>();
            for (JsonNode resolution : records.ofKind("approval_resolved")) {
                String to = records.decision(resolution.get("decision_id").asText())
                        .path("arguments")
                        .path("to")
                        .asText();
                assertNull(resolved.put(to, resolution.get("verdict").asText()), "resolved twice: " + to);
            }
            assertEquals(expected, resolved, "each call resolved once, by its own review");
            Set<String> ran = new TreeSet<>();
            for (JsonNode outcome : records.outcomes()) {
                ran.add(records.decision(outcome.get("decision_id").asText())
                        .path("arguments")
                        .path("to")
                        .asText());
            }
            expected.values().removeIf(verdict -> !verdict.equals("allow"));
            assertEquals(expected.keySet(), ran, "exactly the approved bodies ran");
        }
    }

    /** The review records of {@code kind}, each as {@code "id requested by reviewer"}, in file order. */
    private static List<String> reviews(Records records, String kind) {
        return records.ofKind(kind).stream()
                .map(r ->
                        r.get("decision_id").asText() + " " + r.get("requested").asText() + " by "
                                + r.get("reviewer").asText())
                .toList();
    }

    private static JsonNode resolution(Records records, String decisionId) {
        return records.ofKind("approval_resolved").stream()
                .filter(r -> decisionId.equals(r.get("decision_id").asText()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no approval_resolved record for " + decisionId));
    }
}
