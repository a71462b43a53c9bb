package dev.actiongate.agent.fleet;

import dev.actiongate.agent.config.AgentConfig;
import dev.actiongate.agent.records.ChainVerifier;
import dev.actiongate.agent.records.CheckpointTrail;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The decision records the fleet shipped, checked chain by chain as {@code verify --store}
 * does: every line's hash and link over its exact bytes, and no line missing between the first
 * and the last the table holds.
 */
public final class ShippedRecords {

    /**
     * One chain (one records file of one instance) as the table holds it.
     *
     * @param chain    the hash of the file's first record
     * @param service  the service that shipped it
     * @param instance the instance that shipped it
     * @param lines    how many lines the table holds
     * @param gaps     the missing line numbers, as ranges {@code a-b}; empty when none
     * @param result   the chain check over the lines in order
     */
    public record Chain(
            String chain, String service, String instance, long lines, List<String> gaps, ChainVerifier.Result result) {

        public boolean intact() {
            return gaps.isEmpty() && result.intact();
        }
    }

    /**
     * A call that ran on an approval no review in the table approved: the approval's row was
     * written by someone other than an instance's review (the rows are not sealed), or the
     * reviewing instance's records have not shipped yet.
     *
     * @param chain      the chain of the call's decision record
     * @param service    the service that shipped it
     * @param instance   the instance that shipped it
     * @param seq        the decision record's line in its chain
     * @param approvalId the approval the call consumed
     */
    public record Unreviewed(String chain, String service, String instance, long seq, String approvalId) {}

    /**
     * What {@code verify --store} found.
     *
     * @param chains     every chain, checked
     * @param unreviewed every call that ran on an approval without an {@code approval_reviewed}
     *                   record approving it
     */
    public record Report(List<Chain> chains, List<Unreviewed> unreviewed) {}

    private static final String CONSUMED = "substring(d.line from '\"approval_consumed\":\"([^\"]+)\"')";

    private ShippedRecords() {}

    /** Checks every chain in the database {@code store} names, and that every approval used was reviewed. */
    public static Report verify(AgentConfig.Store store, Map<String, String> environment) throws IOException {
        try (FleetDatabase database = FleetDatabase.openForCommand(store, "verify", environment)) {
            List<String[]> chains = database.inTransaction("listing the shipped chains", c -> {
                List<String[]> found = new ArrayList<>();
                try (Statement list = c.createStatement();
                        ResultSet rows = list.executeQuery("SELECT chain, min(service), min(instance)"
                                + " FROM decision_records GROUP BY chain ORDER BY min(at), chain")) {
                    while (rows.next()) {
                        found.add(new String[] {rows.getString(1), rows.getString(2), rows.getString(3)});
                    }
                }
                return found;
            });
            List<Chain> checked = new ArrayList<>();
            for (String[] chain : chains) {
                checked.add(check(database, chain[0], chain[1], chain[2]));
            }
            return new Report(checked, unreviewed(database));
        }
    }

    /**
     * The decision records of calls that ran on an approval which no {@code approval_reviewed}
     * record in the table approved: the fleet's counterpart of the approvals file's reconciliation.
     */
    private static List<Unreviewed> unreviewed(FleetDatabase database) throws IOException {
        return database.inTransaction("reading the approvals calls ran on", c -> {
            List<Unreviewed> found = new ArrayList<>();
            try (Statement select = c.createStatement();
                    ResultSet rows = select.executeQuery("SELECT d.chain, d.service, d.instance, d.seq, " + CONSUMED
                            + " FROM decision_records d WHERE d.kind = 'decision'"
                            + " AND strpos(d.line, '\"approval_consumed\":\"') > 0"
                            + " AND NOT EXISTS (SELECT 1 FROM decision_records r WHERE r.kind = 'approval_reviewed'"
                            + " AND r.decision_id = " + CONSUMED
                            + " AND strpos(r.line, '\"status\":\"approved\"') > 0)"
                            + " ORDER BY d.at, d.chain, d.seq")) {
                while (rows.next()) {
                    found.add(new Unreviewed(
                            rows.getString(1),
                            rows.getString(2),
                            rows.getString(3),
                            rows.getLong(4),
                            rows.getString(5)));
                }
            }
            return found;
        });
    }

    /**
     * The checkpoints of the key {@code fingerprint} that reached the table, hash by epoch: the
     * fleet's database as a checkpoint trail ({@code verify --checkpoints jdbc:...}), which the
     * writer of a records file cannot rewrite from its host.
     */
    public static NavigableMap<Long, String> checkpoints(
            AgentConfig.Store store, Map<String, String> environment, String fingerprint) throws IOException {
        try (FleetDatabase database = FleetDatabase.openForCommand(store, "verify", environment)) {
            return database.inTransaction("reading the shipped checkpoints", c -> {
                NavigableMap<Long, String> checkpoints = new TreeMap<>();
                try (PreparedStatement select = c.prepareStatement(
                        "SELECT line FROM decision_records WHERE kind = 'checkpoint' AND strpos(line, ?) > 0")) {
                    select.setString(1, "\"key_fingerprint\":\"" + fingerprint + "\"");
                    select.setFetchSize(1_000);
                    try (ResultSet rows = select.executeQuery()) {
                        while (rows.next()) {
                            CheckpointTrail.collect(rows.getString(1), fingerprint, checkpoints);
                        }
                    }
                }
                return checkpoints;
            });
        }
    }

    private static Chain check(FleetDatabase database, String chain, String service, String instance)
            throws IOException {
        return database.inTransaction("reading chain " + chain, c -> {
            List<String> lines = new ArrayList<>();
            List<String> gaps = new ArrayList<>();
            try (PreparedStatement select =
                    c.prepareStatement("SELECT seq, line FROM decision_records WHERE chain = ? ORDER BY seq")) {
                select.setString(1, chain);
                select.setFetchSize(1_000);
                try (ResultSet rows = select.executeQuery()) {
                    long expected = 1;
                    while (rows.next()) {
                        long seq = rows.getLong(1);
                        if (seq != expected) {
                            gaps.add(expected == seq - 1 ? String.valueOf(expected) : expected + "-" + (seq - 1));
                        }
                        lines.add(rows.getString(2));
                        expected = seq + 1;
                    }
                }
            }
            // With a gap the chain check would only repeat it as a broken link: report the gap.
            ChainVerifier.Result result = gaps.isEmpty()
                    ? ChainVerifier.verifyLines(lines)
                    : new ChainVerifier.Result(true, lines.size(), 0, null, null, 0);
            return new Chain(chain, service, instance, lines.size(), gaps, result);
        });
    }
}
