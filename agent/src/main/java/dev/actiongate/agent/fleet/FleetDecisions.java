package dev.actiongate.agent.fleet;

import dev.actiongate.agent.records.DecisionHistory;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The fleet's decisions as the {@code decision_records} table holds them, for the console's
 * decisions view: whatever instance serves it, it reads what every instance shipped.
 */
final class FleetDecisions implements DecisionHistory {

    private static final String SEARCH = "SELECT at, service, instance, action, verdict, actor, tenant, decision_id"
            + " FROM decision_records WHERE kind = 'decision'";
    private static final String ONE = "SELECT service, instance, line FROM decision_records WHERE decision_id = ?"
            // Records of one decision may come from two instances (held on one, reviewed on another):
            // their times order them; within one chain its line numbers do.
            + " ORDER BY at, chain, seq";

    private final FleetDatabase database;

    FleetDecisions(FleetDatabase database) {
        this.database = database;
    }

    @Override
    public List<Decision> search(Query query) throws IOException {
        // The statement is made of constant fragments only, one per filter given (so that the index on
        // action, verdict and at serves it); every value the caller sent is a bound parameter.
        List<Object> values = new ArrayList<>();
        StringBuilder sql = new StringBuilder(SEARCH);
        filter(sql, values, " AND action = ?", query.action());
        filter(sql, values, " AND verdict = ?", query.verdict());
        filter(sql, values, " AND actor = ?", query.actor());
        filter(sql, values, " AND tenant = ?", query.tenant());
        filter(sql, values, " AND at >= ?", query.since() == null ? null : Timestamp.from(query.since()));
        filter(sql, values, " AND at < ?", query.until() == null ? null : Timestamp.from(query.until()));
        sql.append(" ORDER BY at DESC, chain, seq DESC LIMIT ?");
        values.add(query.limit());
        return database.inTransaction("searching the decisions", c -> {
            List<Decision> found = new ArrayList<>();
            try (PreparedStatement select = c.prepareStatement(sql.toString())) {
                for (int i = 0; i < values.size(); i++) {
                    select.setObject(i + 1, values.get(i));
                }
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        found.add(decision(rows));
                    }
                }
            }
            return found;
        });
    }

    private static void filter(StringBuilder sql, List<Object> values, String fragment, Object value) {
        if (value != null) {
            sql.append(fragment);
            values.add(value);
        }
    }

    private static Decision decision(ResultSet row) throws SQLException {
        Timestamp at = row.getTimestamp(1);
        Instant when = at == null ? null : at.toInstant();
        return new Decision(
                when,
                row.getString(2),
                row.getString(3),
                row.getString(4),
                row.getString(5),
                row.getString(6),
                row.getString(7),
                row.getString(8));
    }

    @Override
    public List<Entry> decision(String decisionId) throws IOException {
        return database.inTransaction("reading decision " + decisionId, c -> {
            List<Entry> entries = new ArrayList<>();
            try (PreparedStatement select = c.prepareStatement(ONE)) {
                select.setString(1, decisionId);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        entries.add(new Entry(rows.getString(1), rows.getString(2), rows.getString(3)));
                    }
                }
            }
            return entries;
        });
    }
}
