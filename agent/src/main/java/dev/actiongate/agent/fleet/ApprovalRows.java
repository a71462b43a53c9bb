package dev.actiongate.agent.fleet;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.actiongate.agent.approvals.Approval;
import dev.actiongate.agent.approvals.ApprovalStatus;
import dev.actiongate.agent.records.CanonicalJson;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code actiongate_approvals} table, statement by statement: each method runs in the
 * connection (and transaction) it is given, so that the desk decides what happens atomically.
 */
final class ApprovalRows {

    /** The channel a decided or expired request is announced on; its payload is the request's id. */
    static final String CHANNEL = "actiongate_approvals";

    private static final String COLUMNS = "body, service, instance";

    /** A request as one instance filed it. */
    record Row(Approval approval, String service, String instance) {}

    private ApprovalRows() {}

    /** Request {@code id}, locked for the rest of the transaction when {@code lock}; {@code null} when none. */
    static Row get(Connection connection, String id, boolean lock) throws SQLException {
        return first(
                connection,
                "SELECT " + COLUMNS + " FROM actiongate_approvals WHERE id = ?" + (lock ? " FOR UPDATE" : ""),
                id);
    }

    /** The newest open (pending or approved) request bound to {@code digest}, or {@code null}. */
    static Row openFor(Connection connection, String digest) throws SQLException {
        return first(
                connection,
                "SELECT " + COLUMNS + " FROM actiongate_approvals WHERE action_digest = ?"
                        + " AND status IN ('pending', 'approved') ORDER BY requested_at DESC LIMIT 1",
                digest);
    }

    /** The newest rejected request bound to {@code digest}, or {@code null}. */
    static Row rejectedFor(Connection connection, String digest) throws SQLException {
        return first(
                connection,
                "SELECT " + COLUMNS + " FROM actiongate_approvals WHERE action_digest = ?"
                        + " AND status = 'rejected' ORDER BY requested_at DESC LIMIT 1",
                digest);
    }

    /** Every pending request, oldest first. */
    static List<Row> pending(Connection connection) throws SQLException {
        return all(
                connection,
                "SELECT " + COLUMNS + " FROM actiongate_approvals WHERE status = 'pending' ORDER BY requested_at",
                null);
    }

    /** Ids of open requests whose time is up at {@code now}, at most 100 at a time. */
    static List<String> due(Connection connection, Instant now) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT id FROM actiongate_approvals"
                + " WHERE status IN ('pending', 'approved') AND expires_at <= ? ORDER BY expires_at LIMIT 100")) {
            select.setTimestamp(1, Timestamp.from(now));
            try (ResultSet result = select.executeQuery()) {
                while (result.next()) {
                    ids.add(result.getString(1));
                }
            }
        }
        return ids;
    }

    static void insert(Connection connection, Approval approval, String service, String instance) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO actiongate_approvals"
                + " (id, service, instance, status, action_digest, requested_at, expires_at, body)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, approval.id());
            insert.setString(2, service);
            insert.setString(3, instance);
            insert.setString(4, approval.status().wireName());
            insert.setString(5, approval.actionDigest());
            insert.setTimestamp(6, Timestamp.from(approval.requestedAt()));
            insert.setTimestamp(7, Timestamp.from(approval.expiresAt()));
            insert.setString(8, body(approval));
            insert.executeUpdate();
        }
    }

    /** Writes {@code approval} over its row, and announces it when it is no longer pending. */
    static void update(Connection connection, Approval approval) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE actiongate_approvals SET status = ?, expires_at = ?, body = ? WHERE id = ?")) {
            update.setString(1, approval.status().wireName());
            update.setTimestamp(2, Timestamp.from(approval.expiresAt()));
            update.setString(3, body(approval));
            update.setString(4, approval.id());
            if (update.executeUpdate() != 1) {
                throw new SQLException("approval " + approval.id() + " is not in the table");
            }
        }
        if (approval.status() != ApprovalStatus.PENDING) {
            // Delivered when the transaction commits, and only then.
            try (PreparedStatement notify = connection.prepareStatement("SELECT pg_notify(?, ?)")) {
                notify.setString(1, CHANNEL);
                notify.setString(2, approval.id());
                notify.execute();
            }
        }
    }

    private static String body(Approval approval) {
        return new String(CanonicalJson.bytes(approval.toMap()), StandardCharsets.UTF_8);
    }

    private static Row first(Connection connection, String sql, String parameter) throws SQLException {
        List<Row> rows = all(connection, sql, parameter);
        return rows.isEmpty() ? null : rows.get(0);
    }

    private static List<Row> all(Connection connection, String sql, String parameter) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            if (parameter != null) {
                select.setString(1, parameter);
            }
            try (ResultSet result = select.executeQuery()) {
                while (result.next()) {
                    rows.add(new Row(parse(result.getString(1)), result.getString(2), result.getString(3)));
                }
            }
        }
        return rows;
    }

    /**
     * The request a row's body holds. An approval that names no reviewer or no time of review was
     * not written by a review (the rows are not sealed: docs/security.md): it is refused, naming
     * the row, rather than let a call run on it or fail later for want of those fields.
     */
    static Approval parse(String body) throws SQLException {
        Approval approval;
        try {
            approval = Approval.fromMap(CanonicalJson.parse(body));
        } catch (JsonProcessingException | RuntimeException e) {
            throw new SQLException("an approval row's body is not a request: " + e.getMessage(), e);
        }
        boolean decided = approval.status() == ApprovalStatus.APPROVED || approval.status() == ApprovalStatus.CONSUMED;
        if (decided && (approval.reviewer() == null || approval.reviewedAt() == null)) {
            throw new SQLException(
                    "approval " + approval.id() + " is " + approval.status().wireName()
                            + " in actiongate_approvals but names no reviewer or time of review: no review wrote it");
        }
        return approval;
    }
}
