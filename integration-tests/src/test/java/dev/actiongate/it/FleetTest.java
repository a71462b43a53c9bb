package dev.actiongate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.actiongate.it.apps.ApprovalApp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two forked instances of one service sharing a real PostgreSQL server ({@code store=jdbc:...}):
 * a call held on one is approved on the other; an approval is consumed once across the fleet;
 * denials count toward escalation on every instance; a database that is down denies what needs it,
 * naming it, and lets the rest go on. A case of several replicas runs once, its replicas on both
 * JDKs ({@link Fleet#jdkOf}); a case of one instance runs on each JDK.
 */
class FleetTest {

    private static final String POLICY = Fleet.mailPolicy("deny");

    @RegisterExtension
    static final Fleet fleet = new Fleet();

    @TempDir
    Path dir;

    /** One instance of the service, its own folder (records, approvals) and admin API. */
    private AgentApp.Running instance(Jdk jdk, String store, String name, String... steps) throws Exception {
        return instanceWith(jdk, store, name, POLICY, steps);
    }

    private AgentApp.Running instanceWith(Jdk jdk, String store, String name, String policy, String... steps)
            throws Exception {
        return Fleet.mailInstance(jdk, dir, store, name, policy, steps);
    }

    /** Replica {@code name} of the service, on the JDK {@link Fleet#jdkOf} gives it. */
    private AgentApp.Running replica(String store, String name, String... steps) throws Exception {
        return replicaWith(store, name, POLICY, steps);
    }

    private AgentApp.Running replicaWith(String store, String name, String policy, String... steps) throws Exception {
        return instanceWith(Fleet.jdkOf(name), store, name, policy, steps);
    }

    @Test
    void aCallHeldOnOneInstanceIsApprovedOnAnotherAndGoesOnAtOnce() throws Exception {
        String store = fleet.store("held");
        try (AgentApp.Running a = replica(store, "a", "gate:end");
                AgentApp.Running b = replica(store, "b", "call:held:h@x.example", "mark:done")) {
            JsonNode pending = a.admin().awaitPendingTo("h@x.example");
            assertEquals("b", pending.get("instance").asText(), pending.toString());
            assertEquals("mail", pending.get("service").asText(), pending.toString());
            String id = pending.get("id").asText();

            long approved = System.nanoTime();
            assertEquals(200, a.admin().review(id, "approve", "olivia", "fine").status());
            b.awaitMark("done");
            long wokeMillis = (System.nanoTime() - approved) / 1_000_000;
            // The call waits up to 60 s; woken by the notice it goes on within moments.
            assertTrue(wokeMillis < 10_000, "the held call went on " + wokeMillis + " ms after the approval");
            a.signal("end");

            AppOutput out = b.output();
            assertTrue(out.allowed("held"), out.run().describe());
            assertEquals(List.of("send h@x.example"), out.bodies());
            JsonNode resolved = b.records().ofKind("approval_resolved").stream()
                    .filter(r -> id.equals(r.get("decision_id").asText()))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no approval_resolved record for " + id));
            assertEquals("allow", resolved.get("verdict").asText(), resolved.toString());
            assertEquals("olivia", resolved.get("reviewer").asText(), resolved.toString());
            assertTrue(b.records().outcome(id).isPresent(), "the approved body ran and its outcome is recorded");
            JsonNode review = a.records().ofKind("approval_reviewed").get(0);
            assertEquals(id, review.get("decision_id").asText(), "the reviewing instance records the review");
            assertEquals("consumed", status(store, id));
        }
    }

    @Test
    void anApprovalGivenOnOneInstanceIsConsumedOnceAcrossTheFleet() throws Exception {
        String store = fleet.store("fail_fast");
        try (AgentApp.Running a = replica(
                        store,
                        "a",
                        "call:first:f@x.example:fail_fast",
                        "gate:approved",
                        "gate:b-retried",
                        "call:late:f@x.example:fail_fast");
                AgentApp.Running b = replica(
                        store,
                        "b",
                        "gate:approved",
                        "call:retry:f@x.example:fail_fast",
                        "call:again:f@x.example:fail_fast",
                        "mark:retried",
                        "gate:end")) {
            JsonNode pending = b.admin().awaitPendingTo("f@x.example");
            String id = pending.get("id").asText();
            assertEquals("a", pending.get("instance").asText());
            assertEquals(200, b.admin().review(id, "approve", "olivia", null).status());
            a.signal("approved");
            b.signal("approved");
            b.awaitMark("retried");
            a.signal("b-retried");
            awaitConsumedIn(b, id);
            awaitShipped(b, store);
            ForkedJvm.Run verified =
                    ForkedJvm.agentCli(Fleet.jdkOf("b"), "verify", "--store", store, "--store-user", "actiongate");
            verified.assertExit(0); // the approval b's retry ran on has b's approval_reviewed record
            assertTrue(!verified.stdout().contains("UNREVIEWED"), verified.describe());
            b.signal("end");

            AppOutput onA = a.output();
            AppOutput onB = b.output();
            assertEquals("approval_pending", onA.denied("first").verdict());
            assertTrue(onB.allowed("retry"), onB.run().describe());
            assertEquals("approval_pending", onB.denied("again").verdict(), "an approval is used once");
            assertEquals("approval_pending", onA.denied("late").verdict(), "not on another instance either");
            assertEquals(List.of("send f@x.example"), onB.bodies());
            assertEquals(List.of(), onA.bodies());
            assertEquals("consumed", status(store, id));
        }
    }

    /**
     * The approvals table is trusted (docs/security.md): a row set to approved by someone with
     * write access to the database lets the call run. What the evidence then shows is a call that
     * ran on an approval no instance recorded a review of, and {@code verify --store} reports it.
     */
    @OnEveryJdk
    void aCallRunOnAnApprovalRowNoReviewerWroteIsReportedByVerifyStore(Jdk jdk) throws Exception {
        String store = fleet.store("forged_approval", jdk);
        try (AgentApp.Running a = instance(
                jdk,
                store,
                "a",
                "call:first:f@x.example:fail_fast",
                "gate:forged",
                "call:retry:f@x.example:fail_fast",
                "mark:done",
                "gate:end")) {
            String id = a.admin().awaitPendingTo("f@x.example").get("id").asText();
            try (Connection connection = fleet.connect(store);
                    PreparedStatement forge = connection.prepareStatement("UPDATE actiongate_approvals"
                            + " SET status = 'approved', body = replace(replace(replace(body, '\"status\":\"pending\"',"
                            + " '\"status\":\"approved\"'), '\"reviewer\":null', '\"reviewer\":\"olivia\"'),"
                            + " '\"reviewed_at\":null', ?) WHERE id = ?")) {
                forge.setString(1, "\"reviewed_at\":\"" + Instant.now().truncatedTo(ChronoUnit.SECONDS) + "\"");
                forge.setString(2, id);
                assertEquals(1, forge.executeUpdate());
            }
            a.signal("forged");
            a.awaitMark("done");
            awaitConsumedIn(a, id);
            awaitShipped(a, store);
            ForkedJvm.Run verified = ForkedJvm.agentCli(jdk, "verify", "--store", store, "--store-user", "actiongate");
            verified.assertExit(1);
            Records records = a.records();
            String line = records.decisions().stream()
                    .filter(decision ->
                            id.equals(decision.path("approval_consumed").asText()))
                    .map(decision -> String.valueOf(records.indexOf(decision) + 1))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(
                            "the retry ran on approval " + id + "\n" + a.jvm().describe()));
            assertTrue(
                    verified.stdout()
                            .contains("UNREVIEWED mail a (chain " + chainOf(a) + "): line " + line + " ran on approval "
                                    + id + ", which no approval_reviewed record in the table approves"),
                    verified.describe());
            assertTrue(
                    verified.stdout().contains("OK     mail a "), "the chain itself is intact: " + verified.describe());
            a.signal("end");
            assertTrue(a.output().allowed("retry"), "the forged row was trusted, as documented");
        }
    }

    @Test
    void denialsOnEveryInstanceCountTowardOneEscalation() throws Exception {
        String store = fleet.store("escalation");
        // b's first call finds no denials of its key and remembers that; a's denials must reach it.
        String policy = Fleet.mailPolicy("allow");
        try (AgentApp.Running a = replicaWith(
                        store,
                        "a",
                        policy,
                        "gate:b-warm",
                        "call:d1:x1@x.example",
                        "call:d2:x2@x.example",
                        "call:d3:x3@x.example",
                        "mark:denied");
                AgentApp.Running b = replicaWith(
                        store,
                        "b",
                        policy,
                        "call:warm:o0@x.example",
                        "mark:warm",
                        "gate:a-denied",
                        "call:after:o1@x.example")) {
            b.awaitMark("warm");
            a.signal("b-warm");
            a.awaitMark("denied");
            b.signal("a-denied");
            AppOutput onB = b.output();
            assertTrue(onB.allowed("warm"), onB.run().describe());
            assertEquals(
                    "escalate",
                    onB.denied("after").verdict(),
                    "three denials on the other instance escalate the next attempt here: " + onB.denied("after"));
            assertEquals(1, b.records().ofKind("incident").size());
            AppOutput onA = a.output();
            for (String label : List.of("d1", "d2", "d3")) {
                assertEquals("deny", onA.denied(label).verdict(), label);
            }
        }
    }

    @Test
    void concurrentDenialsOnThreeInstancesAreCountedExactlyTowardOneEscalation() throws Exception {
        String store = fleet.store("escalation_load");
        String policy = POLICY.replace("after_denials: 3", "after_denials: 30");
        String[] steps = {"parallel:10:x", "mark:denied", "gate:next", "call:next:x-next@x.example"};
        try (AgentApp.Running a = replicaWith(store, "a", policy, steps);
                AgentApp.Running b = replicaWith(store, "b", policy, steps);
                AgentApp.Running c = replicaWith(store, "c", policy, steps)) {
            for (AgentApp.Running app : List.of(a, b, c)) {
                app.awaitMark("denied");
            }
            try (Connection connection = fleet.connect(store);
                    Statement statement = connection.createStatement();
                    ResultSet count = statement.executeQuery("SELECT count(*) FROM actiongate_events")) {
                count.next();
                assertEquals(30, count.getInt(1), "every denial of the 30 made at once on 3 instances, once");
            }
            c.signal("next");
            AppOutput onC = c.output();
            assertEquals(
                    "escalate",
                    onC.denied("next").verdict(),
                    "30 denials across the fleet reach the limit; 10 on this instance alone would not: "
                            + onC.denied("next"));
            a.signal("next");
            b.signal("next");
            for (AgentApp.Running app : List.of(a, b)) {
                AppOutput out = app.output();
                for (int i = 0; i < 10; i++) {
                    assertEquals("deny", out.denied("x-" + i).verdict(), "fewer than 30 before each of them");
                }
            }
            for (int i = 0; i < 10; i++) {
                assertEquals("deny", onC.denied("x-" + i).verdict());
            }
        }
    }

    @OnEveryJdk
    void aDatabaseThatIsDownDeniesWhatNeedsItNamingItAndTheRestGoesOn(Jdk jdk) throws Exception {
        String store = fleet.store("outage", jdk);
        try (AgentApp.Running app = Fleet.instance(jdk, dir, store, null, "solo")
                .policy("""
                        version: "it-fleet-outage"
                        default: allow
                        rules:
                          - id: owner-approval
                            action: send_customer_email
                            when: 'args.to.startsWith("h")'
                            verdict: require_approval
                            approvers: [olivia]
                            approval_timeout: 60s
                        """)
                .admin(Fleet.TOKEN)
                .main(
                        ApprovalApp.class,
                        "call:before:h0@x.example:fail_fast",
                        "mark:before",
                        "gate:down",
                        "call:ok:o@x.example",
                        "call:held:h1@x.example",
                        "mark:down",
                        "gate:up",
                        "call:after:h2@x.example:fail_fast",
                        "mark:after",
                        "gate:end")
                .start()) {
            fleet.outage(app);
            app.awaitMark("after");
            // What was written while the database was down waited in the file and reached it after.
            awaitShipped(app, store);
            app.signal("end");
            AppOutput out = app.output();
            assertEquals("approval_pending", out.denied("before").verdict());
            assertTrue(
                    out.allowed("ok"),
                    "a call that needs no database goes on: " + out.run().describe());
            AppOutput.Denial held = out.denied("held");
            assertEquals("deny", held.verdict(), held.toString());
            assertTrue(
                    held.reason().contains("fleet store " + store)
                            && held.reason().contains("cannot be reached"),
                    held.reason());
            assertEquals("approval_pending", out.denied("after").verdict(), "the store is used again once it is back");
        }
    }

    @Test
    void eachInstancesRecordsReachTheDatabaseAndVerifyStoreFindsWhatWasChangedOrCut() throws Exception {
        String store = fleet.store("shipping");
        String[] steps = {"call:denied:x1@x.example", "call:held:f@x.example:fail_fast", "mark:called", "gate:end"};
        try (AgentApp.Running a = replica(store, "a", steps);
                AgentApp.Running b = replica(store, "b", steps)) {
            a.awaitMark("called");
            b.awaitMark("called");
            awaitShipped(a, store);
            awaitShipped(b, store);

            ForkedJvm.Run intact =
                    ForkedJvm.agentCli(Fleet.jdkOf("a"), "verify", "--store", store, "--store-user", "actiongate");
            intact.assertExit(0);
            assertTrue(
                    intact.stdout().contains("OK     mail a ")
                            && intact.stdout().contains("OK     mail b "),
                    intact.describe());

            assertTheDatabaseIsACheckpointTrail(Fleet.jdkOf("a"), a, store);

            String chainA = chainOf(a);
            String chainB = chainOf(b);
            try (Connection connection = fleet.connect(store);
                    Statement statement = connection.createStatement()) {
                assertEquals(
                        1,
                        statement.executeUpdate("UPDATE decision_records SET line = replace(line,"
                                + " '\"verdict\":\"deny\"', '\"verdict\":\"allow\"') WHERE chain = '" + chainA
                                + "' AND kind = 'decision' AND verdict = 'deny'"));
                assertEquals(
                        1,
                        statement.executeUpdate(
                                "DELETE FROM decision_records WHERE chain = '" + chainB + "' AND seq = 2"));
            }
            ForkedJvm.Run altered =
                    ForkedJvm.agentCli(Fleet.jdkOf("b"), "verify", "--store", store, "--store-user", "actiongate");
            altered.assertExit(1);
            assertTrue(altered.stdout().contains("BROKEN mail a (chain " + chainA + "): line "), altered.describe());
            assertTrue(
                    altered.stdout().contains("GAP    mail b (chain " + chainB + "): lines 2 missing"),
                    altered.describe());
            a.signal("end");
            b.signal("end");
        }
    }

    @Test
    void anInstanceKilledWithMinus9LosesNoApprovalAndNoRecord() throws Exception {
        String store = fleet.store("killed");
        String id;
        AgentApp.Running first = replica(store, "b", "call:held:f@x.example:fail_fast", "mark:called", "gate:end");
        try {
            first.awaitMark("called");
            id = first.admin().awaitPendingTo("f@x.example").get("id").asText();
        } finally {
            first.close(); // SIGKILL: no shutdown hook, no flush
        }
        try (AgentApp.Running a = replica(
                        store, "a", "gate:approved", "call:retry:f@x.example:fail_fast", "mark:done", "gate:end");
                AgentApp.Running b = replica(store, "b", "mark:up", "gate:end")) {
            JsonNode pending = a.admin().awaitPendingTo("f@x.example");
            assertEquals(id, pending.get("id").asText(), "the request outlived the instance that filed it");
            assertEquals(200, a.admin().review(id, "approve", "olivia", null).status());
            a.signal("approved");
            a.awaitMark("done");
            b.awaitMark("up");
            // The killed instance's records, in its file (and journal) when it died, reach the
            // database once it runs again, in the same chain, with nothing lost or repeated.
            awaitShipped(b, store);
            try (Connection connection = fleet.connect(store);
                    PreparedStatement select = connection.prepareStatement(
                            "SELECT verdict FROM decision_records WHERE chain = ? AND decision_id = ? AND kind = 'decision'")) {
                select.setString(1, chainOf(b));
                select.setString(2, id);
                try (ResultSet row = select.executeQuery()) {
                    assertTrue(row.next(), "the held call's decision, recorded before the kill, is in the table");
                    assertEquals("require_approval", row.getString(1));
                }
            }
            a.signal("end");
            b.signal("end");
            assertTrue(a.output().allowed("retry"), "the approval given after the kill is used");
        }
    }

    @Test
    void aDatabaseStoppedAndStartedUnderLoadOnTwoInstancesLosesNothing() throws Exception {
        String store = fleet.store("outage_load");
        String policy = """
                version: "it-fleet-outage-load"
                default: allow
                rules:
                  - id: owner-approval
                    action: send_customer_email
                    when: 'args.to.startsWith("h-")'
                    verdict: require_approval
                    approvers: [olivia]
                    approval_timeout: 10m
                """;
        String[] steps = {"load:t:4:stop", "mark:stopped", "gate:end"};
        try (AgentApp.Running a = replicaWith(store, "a", policy, steps);
                AgentApp.Running b = replicaWith(store, "b", policy, steps)) {
            List<AgentApp.Running> instances = List.of(a, b);
            for (AgentApp.Running app : instances) {
                awaitMore(app, "PENDING ", 1);
                awaitMore(app, "ALLOWED ", 20);
            }
            fleet.stopServer();
            try {
                for (AgentApp.Running app : instances) {
                    awaitMore(app, "cannot be reached", 1);
                    // Calls that need no database go on while it is down.
                    awaitMore(app, "ALLOWED ", 20);
                }
            } finally {
                fleet.startServer();
            }
            for (AgentApp.Running app : instances) {
                awaitMore(app, "PENDING ", 1); // a held call filed in the database again
                app.signal("stop");
                app.awaitMark("stopped");
            }
            for (AgentApp.Running app : instances) {
                // Every line of the file, including those written while the database was down,
                // in the table once and in order; every call's decision among them.
                String out = app.jvm().stdout();
                long calls = out.lines()
                        .filter(line -> line.startsWith("ALLOWED ") || line.startsWith("DENIED "))
                        .count();
                app.await(
                        calls + " decisions in the records file",
                        () -> app.records().decisions().size() == calls);
                awaitShipped(app, store);
                assertEquals(calls, countRows(store, chainOf(app), "decision"), "a decision row per call");
                assertEquals(
                        out.lines().filter(line -> line.startsWith("ALLOWED ")).count(),
                        countRows(store, chainOf(app), "outcome"),
                        "an outcome row per call that ran");
                String name = app == a ? "a" : "b";
                app.records().records().stream()
                        .filter(record -> "decision".equals(record.path("kind").asText()))
                        .forEach(record ->
                                assertEquals(name, record.path("instance").asText(), "its instance"));
                for (String line :
                        out.lines().filter(l -> l.startsWith("PENDING ")).toList()) {
                    String id = line.substring(line.indexOf('\t') + 1);
                    assertEquals("pending", status(store, id), "request " + id + " outlived the outage");
                }
            }
            ForkedJvm.Run verified =
                    ForkedJvm.agentCli(Fleet.jdkOf("a"), "verify", "--store", store, "--store-user", "actiongate");
            verified.assertExit(0);
            assertTrue(
                    verified.stdout().contains("OK     mail a ")
                            && verified.stdout().contains("OK     mail b "),
                    verified.describe());
            a.signal("end");
            b.signal("end");
        }
    }

    /** Waits until {@code app} printed {@code more} lines containing {@code text} beyond those it has printed now. */
    private static void awaitMore(AgentApp.Running app, String text, int more) {
        long now =
                app.jvm().stdout().lines().filter(line -> line.contains(text)).count();
        app.await(
                (now + more) + " lines with '" + text + "'",
                () -> app.jvm()
                                .stdout()
                                .lines()
                                .filter(line -> line.contains(text))
                                .count()
                        >= now + more);
    }

    private static long countRows(String store, String chain, String kind) throws Exception {
        try (Connection connection = fleet.connect(store);
                PreparedStatement select = connection.prepareStatement(
                        "SELECT count(*) FROM decision_records WHERE chain = ? AND kind = ?")) {
            select.setString(1, chain);
            select.setString(2, kind);
            try (ResultSet count = select.executeQuery()) {
                count.next();
                return count.getLong(1);
            }
        }
    }

    /**
     * The checkpoints shipped with the records make the database a checkpoint trail: a copy of
     * {@code app}'s file cut before its last checkpoint is reported by {@code verify --checkpoints
     * jdbc:...}, the whole file agrees with it.
     */
    private static void assertTheDatabaseIsACheckpointTrail(Jdk jdk, AgentApp.Running app, String store)
            throws Exception {
        Matcher shown = Pattern.compile("kept nowhere: ([0-9a-f]{64})")
                .matcher(app.jvm().stderr() + app.jvm().stdout());
        assertTrue(
                shown.find(),
                "the verification key is shown once when the key is made\n"
                        + app.jvm().describe());
        String key = shown.group(1);
        app.await("a checkpoint after the last decision", () -> {
            List<JsonNode> records = app.records().records();
            return "checkpoint"
                    .equals(records.get(records.size() - 1).path("kind").asText());
        });
        awaitShipped(app, store);
        Path whole = Files.copy(app.records().file(), app.records().file().resolveSibling("whole.jsonl"));
        List<String> lines = Files.readAllLines(whole, StandardCharsets.UTF_8);
        Path cut = Files.write(
                whole.resolveSibling("cut.jsonl"), lines.subList(0, lines.size() - 1), StandardCharsets.UTF_8);

        ForkedJvm.Run agrees = ForkedJvm.agentCli(
                jdk, "verify", "--key", key, "--checkpoints", store, "--store-user", "actiongate", whole.toString());
        agrees.assertExit(0);
        assertTrue(agrees.stdout().contains("in agreement with the checkpoint trail"), agrees.describe());
        ForkedJvm.Run missing = ForkedJvm.agentCli(
                jdk, "verify", "--key", key, "--checkpoints", store, "--store-user", "actiongate", cut.toString());
        missing.assertExit(1);
        assertTrue(
                missing.stdout()
                        .contains("records are missing from the end: the checkpoint trail holds the checkpoint"),
                missing.describe());
    }

    /** The hash of the first record of {@code app}'s records file: the chain it is shipped under. */
    private static String chainOf(AgentApp.Running app) {
        return app.records().records().get(0).get("hash").asText();
    }

    /** Waits until the decision of the call that ran on approval {@code id} is in {@code app}'s records file. */
    private static void awaitConsumedIn(AgentApp.Running app, String id) {
        app.await(
                "a decision that consumed approval " + id,
                () -> app.records().decisions().stream()
                        .anyMatch(decision ->
                                id.equals(decision.path("approval_consumed").asText())));
    }

    /** Waits until the database holds every whole line of {@code app}'s records file, in order, once. */
    private static void awaitShipped(AgentApp.Running app, String store) {
        Path file = app.records().file();
        app.await("the records of " + file + " in decision_records", () -> {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            List<String> lines =
                    List.of(text.substring(0, text.lastIndexOf('\n')).split("\n"));
            List<String> shipped = new ArrayList<>();
            try (Connection connection = fleet.connect(store);
                    PreparedStatement select = connection.prepareStatement(
                            "SELECT seq, line FROM decision_records WHERE chain = ? ORDER BY seq")) {
                select.setString(1, chainOf(app));
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        assertEquals(shipped.size() + 1, rows.getLong(1), "no line twice, none skipped");
                        shipped.add(rows.getString(2));
                    }
                }
            }
            return shipped.size() >= lines.size()
                    && shipped.subList(0, lines.size()).equals(lines);
        });
    }

    private static String status(String store, String id) throws Exception {
        try (Connection connection = fleet.connect(store);
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery(
                        "SELECT status FROM actiongate_approvals WHERE id = '" + id.replace("'", "") + "'")) {
            assertTrue(row.next(), "approval " + id + " is in the table");
            String status = row.getString(1);
            assertNotNull(status);
            return status;
        }
    }
}
