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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two forked instances of one service sharing a real PostgreSQL server ({@code store=jdbc:...}):
 * a call held on one is approved on the other; an approval is consumed once across the fleet;
 * denials count toward escalation on every instance; a database that is down denies what needs it,
 * naming it, and lets the rest go on.
 */
class FleetTest {

    private static final String POLICY = """
            version: "it-fleet-1"
            escalation:
              after_denials: 3
              within: 10m
            rules:
              - id: owner-approval
                action: send_customer_email
                when: 'args.to.startsWith("h@") || args.to.startsWith("f@")'
                verdict: require_approval
                approvers: [olivia]
                approval_timeout: 60s
              - id: blocked
                action: send_customer_email
                when: 'args.to.startsWith("x")'
                verdict: deny
                reason: "x addresses are blocked"
            """;
    private static final String TOKEN = "fleet-admin-token-0123456789abcdef";

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
        return Fleet.instance(jdk, dir, store, "mail", name)
                .policy(policy)
                .admin(TOKEN)
                .main(ApprovalApp.class, steps)
                .start();
    }

    @OnEveryJdk
    void aCallHeldOnOneInstanceIsApprovedOnAnotherAndGoesOnAtOnce(Jdk jdk) throws Exception {
        String store = fleet.store("held", jdk);
        try (AgentApp.Running a = instance(jdk, store, "a", "gate:end");
                AgentApp.Running b = instance(jdk, store, "b", "call:held:h@x.example", "mark:done")) {
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

    @OnEveryJdk
    void anApprovalGivenOnOneInstanceIsConsumedOnceAcrossTheFleet(Jdk jdk) throws Exception {
        String store = fleet.store("fail_fast", jdk);
        try (AgentApp.Running a = instance(
                        jdk,
                        store,
                        "a",
                        "call:first:f@x.example:fail_fast",
                        "gate:approved",
                        "gate:b-retried",
                        "call:late:f@x.example:fail_fast");
                AgentApp.Running b = instance(
                        jdk,
                        store,
                        "b",
                        "gate:approved",
                        "call:retry:f@x.example:fail_fast",
                        "call:again:f@x.example:fail_fast",
                        "mark:retried")) {
            JsonNode pending = b.admin().awaitPendingTo("f@x.example");
            String id = pending.get("id").asText();
            assertEquals("a", pending.get("instance").asText());
            assertEquals(200, b.admin().review(id, "approve", "olivia", null).status());
            a.signal("approved");
            b.signal("approved");
            b.awaitMark("retried");
            a.signal("b-retried");

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

    @OnEveryJdk
    void denialsOnEveryInstanceCountTowardOneEscalation(Jdk jdk) throws Exception {
        String store = fleet.store("escalation", jdk);
        try (AgentApp.Running a =
                        instance(jdk, store, "a", "call:d1:x1@x.example", "call:d2:x2@x.example", "mark:denied");
                AgentApp.Running b =
                        instance(jdk, store, "b", "gate:a-denied", "call:d3:x3@x.example", "call:d4:x4@x.example")) {
            a.awaitMark("denied");
            b.signal("a-denied");
            AppOutput onB = b.output();
            assertEquals("deny", onB.denied("d3").verdict(), "two denials before it, on the other instance");
            assertEquals(
                    "escalate",
                    onB.denied("d4").verdict(),
                    "the third denial in the fleet escalates the next attempt: " + onB.denied("d4"));
            assertEquals(1, b.records().ofKind("incident").size());
            AppOutput onA = a.output();
            assertEquals("deny", onA.denied("d1").verdict());
            assertEquals("deny", onA.denied("d2").verdict());
        }
    }

    @OnEveryJdk
    void concurrentDenialsOnThreeInstancesAreCountedExactlyTowardOneEscalation(Jdk jdk) throws Exception {
        String store = fleet.store("escalation_load", jdk);
        String policy = POLICY.replace("after_denials: 3", "after_denials: 30");
        String[] steps = {"parallel:10:x", "mark:denied", "gate:next", "call:next:x-next@x.example"};
        try (AgentApp.Running a = instanceWith(jdk, store, "a", policy, steps);
                AgentApp.Running b = instanceWith(jdk, store, "b", policy, steps);
                AgentApp.Running c = instanceWith(jdk, store, "c", policy, steps)) {
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
                .admin(TOKEN)
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

    @OnEveryJdk
    void eachInstancesRecordsReachTheDatabaseAndVerifyStoreFindsWhatWasChangedOrCut(Jdk jdk) throws Exception {
        String store = fleet.store("shipping", jdk);
        String[] steps = {"call:denied:x1@x.example", "call:held:f@x.example:fail_fast", "mark:called", "gate:end"};
        try (AgentApp.Running a = instance(jdk, store, "a", steps);
                AgentApp.Running b = instance(jdk, store, "b", steps)) {
            a.awaitMark("called");
            b.awaitMark("called");
            awaitShipped(a, store);
            awaitShipped(b, store);

            ForkedJvm.Run intact = ForkedJvm.agentCli(jdk, "verify", "--store", store, "--store-user", "actiongate");
            intact.assertExit(0);
            assertTrue(
                    intact.stdout().contains("OK     mail a ")
                            && intact.stdout().contains("OK     mail b "),
                    intact.describe());

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
            ForkedJvm.Run altered = ForkedJvm.agentCli(jdk, "verify", "--store", store, "--store-user", "actiongate");
            altered.assertExit(1);
            assertTrue(altered.stdout().contains("BROKEN mail a (chain " + chainA + "): line "), altered.describe());
            assertTrue(
                    altered.stdout().contains("GAP    mail b (chain " + chainB + "): lines 2 missing"),
                    altered.describe());
            a.signal("end");
            b.signal("end");
        }
    }

    @OnEveryJdk
    void anInstanceKilledWithMinus9LosesNoApprovalAndNoRecord(Jdk jdk) throws Exception {
        String store = fleet.store("killed", jdk);
        String id;
        AgentApp.Running first =
                instance(jdk, store, "b", "call:held:f@x.example:fail_fast", "mark:called", "gate:end");
        try {
            first.awaitMark("called");
            id = first.admin().awaitPendingTo("f@x.example").get("id").asText();
        } finally {
            first.close(); // SIGKILL: no shutdown hook, no flush
        }
        try (AgentApp.Running a = instance(
                        jdk, store, "a", "gate:approved", "call:retry:f@x.example:fail_fast", "mark:done", "gate:end");
                AgentApp.Running b = instance(jdk, store, "b", "mark:up", "gate:end")) {
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

    /** The hash of the first record of {@code app}'s records file: the chain it is shipped under. */
    private static String chainOf(AgentApp.Running app) {
        return app.records().records().get(0).get("hash").asText();
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
