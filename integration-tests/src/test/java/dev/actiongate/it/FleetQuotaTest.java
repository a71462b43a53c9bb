package dev.actiongate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.actiongate.it.apps.QuotaApp;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The policy's limits counted across three forked instances of one service on a real PostgreSQL
 * server, under concurrent calls on every instance: a count and a sum each allow exactly their
 * max fleet-wide, and every call refused says which limit, key, value and window. The replicas
 * run on both JDKs ({@link Fleet#jdkOf}); a single instance's outage runs on each JDK.
 */
class FleetQuotaTest {

    private static final String POLICY = """
            version: "it-fleet-quota-1"
            default: allow
            limits:
              - id: tenant-email-rate
                action: send_customer_email
                key: 'ctx.tenant'
                max: 20
                per: 1h
                verdict: deny
              - id: refund-budget
                action: refund_payment
                key: 'ctx.tenant'
                sum: 'args.cents'
                max: 1000
                per: 24h
                verdict: deny
            """;

    @RegisterExtension
    static final Fleet fleet = new Fleet();

    @TempDir
    Path dir;

    /** Replica {@code name} of the service, on the JDK {@link Fleet#jdkOf} gives it. */
    private AgentApp.Running replica(String store, String name) throws Exception {
        return Fleet.instance(Fleet.jdkOf(name), dir, store, "billing", name)
                .jdkDefaults() // concurrent calls race for a limit's last units: under C2, as in production
                .policy(POLICY)
                .main(QuotaApp.class, "gate:go", "send:15:s" + name, "refund:8:r" + name + ":125", "mark:done")
                .start();
    }

    @Test
    void threeInstancesUnderConcurrentCallsAllowExactlyEachLimitsMax() throws Exception {
        String store = fleet.store("quota");
        try (AgentApp.Running a = replica(store, "a");
                AgentApp.Running b = replica(store, "b");
                AgentApp.Running c = replica(store, "c")) {
            List<AgentApp.Running> fleet = List.of(a, b, c);
            fleet.forEach(instance -> instance.signal("go"));
            for (AgentApp.Running instance : fleet) {
                instance.awaitMark("done");
            }
            int sends = 0;
            int refunds = 0;
            List<JsonNode> refused = new ArrayList<>();
            for (AgentApp.Running instance : fleet) {
                AppOutput out = instance.output();
                String name = instance == a ? "a" : instance == b ? "b" : "c";
                for (int i = 0; i < 15; i++) {
                    sends += allowedOrLimited(out, "s" + name + "-" + i, "tenant-email-rate");
                }
                for (int i = 0; i < 8; i++) {
                    refunds += allowedOrLimited(out, "r" + name + "-" + i, "refund-budget");
                }
                instance.records().decisions().stream()
                        .filter(r -> "deny".equals(r.get("verdict").asText()))
                        .forEach(refused::add);
            }
            assertEquals(20, sends, "exactly max sends across the fleet");
            assertEquals(8, refunds, "exactly 1000 cents of refunds, 125 each, across the fleet");
            assertEquals(45 - 20 + 24 - 8, refused.size());
            for (JsonNode record : refused) {
                JsonNode limit = record.get("limit");
                assertTrue(limit != null && "acme".equals(limit.get("key").asText()), record.toString());
                boolean send = "send_customer_email".equals(record.get("action").asText());
                assertEquals(
                        send ? "tenant-email-rate" : "refund-budget",
                        limit.get("id").asText());
                assertEquals(send ? 20 : 1000, limit.get("max").asLong());
                assertEquals(send ? "1h" : "24h", limit.get("per").asText());
                assertTrue(
                        limit.get("current").asLong() + limit.get("amount").asLong()
                                > limit.get("max").asLong(),
                        record.toString());
                assertTrue(limit.has("window_start"), record.toString());
            }
            assertEquals(20 + 8, bodies(fleet));
        }
        assertEquals(List.of(20L, 1000L), leased(store), "every lease spent, none past max");
    }

    @OnEveryJdk
    void aDatabaseThatIsDownRefusesCallsPastTheirLeaseNamingItAndCallsWithinItGoOn(Jdk jdk) throws Exception {
        String store = fleet.store("quota_outage", jdk);
        // max 100: the first call leases itself and a twentieth of max, 5 more calls.
        try (AgentApp.Running app = Fleet.instance(jdk, dir, store, null, "solo")
                .policy(POLICY.replace("max: 20", "max: 100"))
                .main(
                        QuotaApp.class,
                        "send:1:first",
                        "mark:before",
                        "gate:down",
                        "send:5:within",
                        "send:1:beyond",
                        "mark:down",
                        "gate:up",
                        "send:1:after",
                        "mark:done")
                .start()) {
            fleet.outage(app);
            app.awaitMark("done");
            AppOutput out = app.output();
            assertTrue(out.allowed("first-0"), out.run().describe());
            for (int i = 0; i < 5; i++) {
                assertTrue(
                        out.allowed("within-" + i),
                        "within the lease, no database needed: " + out.run().describe());
            }
            AppOutput.Denial beyond = out.denied("beyond-0");
            assertEquals("deny", beyond.verdict(), beyond.toString());
            assertTrue(
                    beyond.reason().startsWith("limit 'tenant-email-rate' cannot be counted: fleet store " + store)
                            && beyond.reason().contains("cannot be reached"),
                    beyond.reason());
            assertTrue(
                    out.allowed("after-0"),
                    "the store is used again once it is back: " + out.run().describe());
        }
    }

    /**
     * 1 when the call labelled {@code label} was allowed, 0 when {@code limit} refused it; fails
     * on anything else.
     */
    private static int allowedOrLimited(AppOutput out, String label, String limit) {
        if (out.allowed(label)) {
            return 1;
        }
        AppOutput.Denial denied = out.denied(label);
        assertEquals("deny", denied.verdict(), denied.toString());
        assertTrue(denied.reason().startsWith("limit '" + limit + "' reached for key 'acme': "), denied.toString());
        return 0;
    }

    private static int bodies(List<AgentApp.Running> fleet) throws Exception {
        int bodies = 0;
        for (AgentApp.Running instance : fleet) {
            bodies += instance.output().bodies().size();
        }
        return bodies;
    }

    private static List<Long> leased(String store) throws Exception {
        List<Long> leased = new ArrayList<>();
        try (Connection connection = fleet.connect(store);
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(
                        "SELECT sum(leased) FROM actiongate_quotas GROUP BY limit_id ORDER BY limit_id DESC")) {
            while (rows.next()) {
                leased.add(rows.getLong(1));
            }
        }
        return leased;
    }
}
